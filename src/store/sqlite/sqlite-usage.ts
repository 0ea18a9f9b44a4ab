import type Database from 'better-sqlite3';
import type { UsageKind } from '../../domain/billing-rules';
import { DAY } from '../../domain/clock';
import { dayOfNumber, dayWindow } from '../../domain/retention';
import type { ClaimOutcome, TurnClaim, UsageRepo } from '../usage-repo';
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
  // A duplicate either way: the activity is claimed (being answered) or already has its usage event (answered).
  const insertClaim = db.prepare(`INSERT INTO turn_claims (tenant_id, activity_id, subscription_id, period_start, created_at)
    SELECT @t, @a, @s, @p, @at
    WHERE NOT EXISTS (SELECT 1 FROM usage_events WHERE tenant_id = @t AND activity_id = @a)
    ON CONFLICT DO NOTHING`);
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
  // A scan: the table holds only the turns in flight (no index on created_at to write twice per turn, migration 0014).
  const staleClaims = db.prepare('SELECT tenant_id, activity_id FROM turn_claims WHERE created_at < ?');
  const counters = db.prepare(`SELECT dimension, used, reserved FROM usage_counters
    WHERE subscription_id = ? AND period_start = ? ORDER BY dimension`);
  // Admins' views read the aggregates plus the events above the rollup mark (the tail: minutes of traffic when the
  // job runs), in one read transaction so that the job cannot move the mark between the two.
  const mark = '(SELECT rolled_through FROM usage_rollup_state WHERE id = 1)';
  const daily = db.prepare(`SELECT day, dimension, SUM(turns) AS turns, SUM(units) AS quantity FROM (
      SELECT day, dimension, turns, units FROM usage_daily_totals
        WHERE subscription_id = @s AND day >= @fromDay AND day < @toDay
      UNION ALL
      SELECT occurred_at / ${DAY}, dimension, 1, quantity FROM usage_events NOT INDEXED
        WHERE rowid > ${mark} AND subscription_id = @s AND occurred_at >= @start AND occurred_at < @end)
    GROUP BY day, dimension ORDER BY day, dimension`);
  // Exact top users without adding up every user of the period: the first @limit rolled-up users in rank order (the
  // index stops there) and every user of the tail are the only candidates. A user in neither has only rolled-up
  // units, ranked after those first @limit, whose totals can only have grown: none of them can be passed.
  const topUsers = db.prepare(`WITH
    tail AS (SELECT user_id, MIN(tenant_id) AS tenant_id, COUNT(*) AS turns, SUM(quantity) AS units
      FROM usage_events NOT INDEXED
      WHERE rowid > ${mark} AND subscription_id = @s AND period_start = @p GROUP BY user_id),
    ranked AS (SELECT user_id FROM usage_period_users INDEXED BY ix_usage_period_users_rank
      WHERE subscription_id = @s AND period_start = @p ORDER BY units DESC, turns DESC, user_id LIMIT @limit),
    candidates AS (SELECT user_id FROM ranked UNION SELECT user_id FROM tail)
    SELECT c.user_id, COALESCE(r.tenant_id, t.tenant_id) AS tenant_id,
      COALESCE(r.turns, 0) + COALESCE(t.turns, 0) AS turns, COALESCE(r.units, 0) + COALESCE(t.units, 0) AS quantity
    FROM candidates AS c
    LEFT JOIN usage_period_users AS r ON r.subscription_id = @s AND r.period_start = @p AND r.user_id = c.user_id
    LEFT JOIN tail AS t ON t.user_id = c.user_id
    ORDER BY quantity DESC, turns DESC, c.user_id LIMIT @limit`);
  const userName = db.prepare('SELECT user_name FROM tenant_users WHERE tenant_id = ? AND user_id = ?').pluck();
  const readDaily = db.transaction((window: Record<string, string | number>) => daily.all(window));
  const readTop = db.transaction((window: Record<string, string | number>) => topUsers.all(window));

  /** Deletes a claim and gives its holds back to their counters (unless the caller knows it held none). */
  const releaseClaim = (tenantId: string, activityId: string, at: number, unitsHeld = true): boolean => {
    const claimed = takeClaim.run(tenantId, activityId).changes > 0;
    const holds = unitsHeld ? (takeHolds.all(tenantId, activityId) as HoldRow[]) : [];
    for (const h of holds) unreserve.run(h.quantity, at, h.subscription_id, h.period_start, h.dimension);
    return claimed || holds.length > 0;
  };

  const claim = (c: TurnClaim): ClaimOutcome => {
    const at = c.at.getTime();
    const period = c.periodStart.getTime();
    if (insertClaim.run({ t: c.tenantId, a: c.activityId, s: c.subscriptionId, p: period, at }).changes === 0) {
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
        // Holds are decided on the counters: the settlements still waiting in the group commit free units first.
        // Without holds, the claim is its one insert.
        const holds = c.holds.length > 0;
        return await batcher.run(() => claim(c), { withBackground: holds, oneStatement: !holds });
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
      const rows = readDaily.deferred({ s: subscriptionId, ...dayWindow(from, to) }) as {
        day: number;
        dimension: UsageKind;
        turns: number;
        quantity: number;
      }[];
      return rows.map((r) => ({ day: dayOfNumber(r.day), dimension: r.dimension, turns: r.turns, quantity: r.quantity }));
    },
    async topUsers(subscriptionId, periodStart, limit) {
      batcher.flushNow();
      const rows = readTop.deferred({ s: subscriptionId, p: periodStart.getTime(), limit }) as {
        user_id: string;
        tenant_id: string;
        turns: number;
        quantity: number;
      }[];
      return rows.map((r) => {
        const name = userName.get(r.tenant_id, r.user_id) as string | null | undefined;
        return { userId: r.user_id, ...(name ? { userName: name } : {}), turns: r.turns, quantity: r.quantity };
      });
    },
  };
}
