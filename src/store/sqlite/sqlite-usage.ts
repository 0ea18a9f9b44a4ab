import type Database from 'better-sqlite3';
import type { Dimension } from '../../domain/billing-rules';
import type { QuotaReservation, ReserveOutcome, UsageRepo } from '../store';
import { usageRecordWriter } from './usage-record-writer';
import type { WriteBatcher } from './write-batcher';

interface ReservationRow {
  subscription_id: string;
  period_start: number;
  dimension: string;
  quantity: number;
}

/** Thrown inside a transaction to roll it back; never escapes this module. */
class Rollback extends Error {
  constructor(readonly outcome: ReserveOutcome) {
    super('rollback');
  }
}

export function sqliteUsage(db: Database.Database, batcher: WriteBatcher): UsageRepo {
  const eventExists = db.prepare('SELECT 1 FROM usage_events WHERE tenant_id = ? AND activity_id = ?').pluck();
  const ensureCounter = db.prepare(`INSERT INTO usage_counters (subscription_id, period_start, dimension, updated_at)
    VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`);
  // The whole quota decision is this one conditional increment: concurrent turns cannot both take the last unit.
  const reserveUnits = db.prepare(`UPDATE usage_counters SET reserved = reserved + @q, updated_at = @at
    WHERE subscription_id = @s AND period_start = @p AND dimension = @d
      AND (@limit IS NULL OR used + reserved + @q <= @limit)`);
  const readCounter = db.prepare(`SELECT used, reserved FROM usage_counters
    WHERE subscription_id = ? AND period_start = ? AND dimension = ?`);
  const insertReservation = db.prepare(`INSERT INTO quota_reservations
    (tenant_id, activity_id, subscription_id, period_start, dimension, quantity, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
  const takeReservation = db.prepare(`DELETE FROM quota_reservations WHERE tenant_id = ? AND activity_id = ?
    RETURNING subscription_id, period_start, dimension, quantity`);
  const unreserve = db.prepare(`UPDATE usage_counters SET reserved = MAX(0, reserved - ?), updated_at = ?
    WHERE subscription_id = ? AND period_start = ? AND dimension = ?`);
  const staleReservations = db.prepare('SELECT * FROM quota_reservations WHERE created_at < ?');
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

  const releaseRow = (tenantId: string, activityId: string, at: number): boolean => {
    const r = takeReservation.get(tenantId, activityId) as ReservationRow | undefined;
    if (!r) return false;
    unreserve.run(r.quantity, at, r.subscription_id, r.period_start, r.dimension);
    return true;
  };

  const reserve = (r: QuotaReservation): ReserveOutcome => {
    if (eventExists.get(r.tenantId, r.activityId)) return { ok: false, reason: 'duplicate' };
    const key = [r.subscriptionId, r.periodStart.getTime(), r.dimension] as const;
    ensureCounter.run(...key, r.at.getTime());
    const taken = reserveUnits.run({ q: r.quantity, at: r.at.getTime(), s: key[0], p: key[1], d: key[2], limit: r.limit });
    if (taken.changes === 0) {
      const c = readCounter.get(...key) as { used: number; reserved: number };
      return { ok: false, reason: 'exceeded', used: c.used, reserved: c.reserved };
    }
    const inserted = insertReservation.run(r.tenantId, r.activityId, ...key, r.quantity, r.at.getTime());
    // Same activity already in flight: undo the increment above.
    if (inserted.changes === 0) throw new Rollback({ ok: false, reason: 'duplicate' });
    return { ok: true };
  };

  const writer = usageRecordWriter(db, batcher, releaseRow);

  const releaseStale = (before: number) => {
    const rows = staleReservations.all(before) as (ReservationRow & { tenant_id: string; activity_id: string })[];
    for (const r of rows) releaseRow(r.tenant_id, r.activity_id, Date.now());
    return rows.length;
  };

  return {
    async reserve(r) {
      try {
        return await batcher.run(() => reserve(r));
      } catch (err) {
        if (err instanceof Rollback) return err.outcome;
        throw err;
      }
    },
    async isRecorded(tenantId, activityId) {
      return eventExists.get(tenantId, activityId) !== undefined;
    },
    async release(tenantId, activityId) {
      return batcher.run(() => releaseRow(tenantId, activityId, Date.now()));
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
        counters.all(subscriptionId, periodStart.getTime()) as { dimension: Dimension; used: number; reserved: number }[]
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
