import type Database from 'better-sqlite3';
import type { UsageKind } from '../../domain/billing-rules';
import type { ClaimOutcome, TurnClaim, UsageRepo } from '../store';
import { usageRecordWriter } from './usage-record-writer';
import type { WriteBatcher } from './write-batcher';

interface HoldRow {
  subscription_id: string;
  period_start: number;
  dimension: string;
  quantity: number;
}

/** Thrown inside a unit of work to roll it back; never escapes this module. */
class Rollback extends Error {
  constructor(readonly outcome: ClaimOutcome) {
    super('rollback');
  }
}

export function sqliteUsage(db: Database.Database, batcher: WriteBatcher): UsageRepo {
  const eventExists = db.prepare('SELECT 1 FROM usage_events WHERE tenant_id = ? AND activity_id = ?').pluck();
  const insertClaim = db.prepare(`INSERT INTO turn_claims (tenant_id, activity_id, subscription_id, period_start, created_at)
    VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
  const ensureCounter = db.prepare(`INSERT INTO usage_counters (subscription_id, period_start, dimension, updated_at)
    VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`);
  // The quota decision of a dimension is this one conditional increment: concurrent turns cannot both take the last
  // unit (the unit of work runs inside one IMMEDIATE transaction, which also serialises the instances on the file).
  const reserveUnits = db.prepare(`UPDATE usage_counters SET reserved = reserved + @q, updated_at = @at
    WHERE subscription_id = @s AND period_start = @p AND dimension = @d AND used + reserved + @q <= @limit`);
  const readCounter = db.prepare(`SELECT used, reserved FROM usage_counters
    WHERE subscription_id = ? AND period_start = ? AND dimension = ?`);
  const insertHold = db.prepare(`INSERT INTO quota_reservations
    (tenant_id, activity_id, dimension, subscription_id, period_start, quantity, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const takeClaim = db.prepare('DELETE FROM turn_claims WHERE tenant_id = ? AND activity_id = ?');
  const takeHolds = db.prepare(`DELETE FROM quota_reservations WHERE tenant_id = ? AND activity_id = ?
    RETURNING subscription_id, period_start, dimension, quantity`);
  const unreserve = db.prepare(`UPDATE usage_counters SET reserved = MAX(0, reserved - ?), updated_at = ?
    WHERE subscription_id = ? AND period_start = ? AND dimension = ?`);
  const staleClaims = db.prepare('SELECT tenant_id, activity_id FROM turn_claims WHERE created_at < ?');
  const counters = db.prepare(`SELECT dimension, used, reserved FROM usage_counters
    WHERE subscription_id = ? AND period_start = ? ORDER BY dimension`);
  const daily = db.prepare(`SELECT strftime('%Y-%m-%d', occurred_at / 1000, 'unixepoch') AS day, dimension,
      COUNT(*) AS turns, SUM(quantity) AS quantity
    FROM usage_events WHERE subscription_id = ? AND occurred_at >= ? AND occurred_at < ?
    GROUP BY day, dimension ORDER BY day, dimension`);
  const topUsers = db.prepare(`SELECT e.user_id, u.user_name, COUNT(*) AS turns, SUM(e.quantity) AS quantity
    FROM usage_events e LEFT JOIN tenant_users u ON u.tenant_id = e.tenant_id AND u.user_id = e.user_id
    WHERE e.subscription_id = ? AND e.occurred_at >= ? AND e.occurred_at < ?
    GROUP BY e.user_id, u.user_name ORDER BY quantity DESC, turns DESC, e.user_id LIMIT ?`);

  /** Deletes a claim and gives its holds back to their counters. */
  const releaseClaim = (tenantId: string, activityId: string, at: number): boolean => {
    const claimed = takeClaim.run(tenantId, activityId).changes > 0;
    const holds = takeHolds.all(tenantId, activityId) as HoldRow[];
    for (const h of holds) unreserve.run(h.quantity, at, h.subscription_id, h.period_start, h.dimension);
    return claimed || holds.length > 0;
  };

  const claim = (c: TurnClaim): ClaimOutcome => {
    if (eventExists.get(c.tenantId, c.activityId)) return { ok: false, reason: 'duplicate' };
    const at = c.at.getTime();
    const period = c.periodStart.getTime();
    if (insertClaim.run(c.tenantId, c.activityId, c.subscriptionId, period, at).changes === 0) {
      return { ok: false, reason: 'duplicate' };
    }
    for (const h of c.holds) {
      const key = [c.subscriptionId, period, h.dimension] as const;
      ensureCounter.run(...key, at);
      const taken = reserveUnits.run({ q: h.quantity, at, s: key[0], p: key[1], d: key[2], limit: h.limit });
      if (taken.changes === 0) {
        const counter = readCounter.get(...key) as { used: number; reserved: number };
        // Undo the claim and the holds taken so far.
        throw new Rollback({ ok: false, reason: 'exceeded', dimension: h.dimension, ...counter });
      }
      insertHold.run(c.tenantId, c.activityId, h.dimension, c.subscriptionId, period, h.quantity, at);
    }
    return { ok: true };
  };

  const writer = usageRecordWriter(db, batcher, releaseClaim);

  const releaseStale = (before: number) => {
    const rows = staleClaims.all(before) as { tenant_id: string; activity_id: string }[];
    for (const r of rows) releaseClaim(r.tenant_id, r.activity_id, Date.now());
    return rows.length;
  };

  return {
    async claim(c) {
      try {
        return await batcher.run(() => claim(c));
      } catch (err) {
        if (err instanceof Rollback) return err.outcome;
        throw err;
      }
    },
    async release(tenantId, activityId) {
      return batcher.run(() => releaseClaim(tenantId, activityId, Date.now()));
    },
    async releaseStale(createdBefore) {
      return batcher.run(() => releaseStale(createdBefore.getTime()));
    },
    record: writer.record,
    // Reads of usage first commit the background writes this process holds: an admin's /usage right after a
    // message counts it.
    async counters(subscriptionId, periodStart) {
      batcher.flushNow();
      return (
        counters.all(subscriptionId, periodStart.getTime()) as { dimension: UsageKind; used: number; reserved: number }[]
      ).map((r) => ({ subscriptionId, periodStart, dimension: r.dimension, used: r.used, reserved: r.reserved }));
    },
    async daily(subscriptionId, from, to) {
      batcher.flushNow();
      return daily.all(subscriptionId, from.getTime(), to.getTime()) as Awaited<ReturnType<UsageRepo['daily']>>;
    },
    async topUsers(subscriptionId, from, to, limit) {
      batcher.flushNow();
      return (
        topUsers.all(subscriptionId, from.getTime(), to.getTime(), limit) as {
          user_id: string;
          user_name: string | null;
          turns: number;
          quantity: number;
        }[]
      ).map((r) => ({
        userId: r.user_id,
        ...(r.user_name ? { userName: r.user_name } : {}),
        turns: r.turns,
        quantity: r.quantity,
      }));
    },
  };
}
