import type Database from 'better-sqlite3';
import { DAY } from '../../domain/clock';
import { UNSETTLED_METERING_STATUSES } from '../../domain/retention';
import type { RetentionRepo, RetentionStep } from '../retention-repo';
import type { WriteBatcher } from './write-batcher';

/**
 * The retention job's steps on the embedded store. Progress is kept by rowid: SQLite serialises writers, so rowids
 * are handed out in commit order and "every event at or below the mark is rolled up, none above it" holds across
 * processes sharing the file. Rowid order is also (near enough) time order, so a pass over old events walks a rowid
 * range, never the whole table.
 */
export function sqliteRetention(db: Database.Database, batcher: WriteBatcher): RetentionRepo {
  const takeLease = db.prepare(`INSERT INTO maintenance_leases (name, holder, lease_until) VALUES (@name, @holder, @until)
    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
    WHERE maintenance_leases.lease_until <= @now OR maintenance_leases.holder = excluded.holder`);
  const dropLease = db.prepare('DELETE FROM maintenance_leases WHERE name = ? AND holder = ?');
  const state = db.prepare('SELECT rolled_through, text_scrubbed_through FROM usage_rollup_state WHERE id = 1');
  /** The rowid `limit` rows after `after` (or the last one before `upTo` when fewer are left). */
  const rangeEnd = db
    .prepare(
      `SELECT MAX(rowid) FROM (SELECT rowid FROM usage_events
    WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?)`,
    )
    .pluck();
  const maxRowid = db.prepare('SELECT COALESCE(MAX(rowid), 0) FROM usage_events').pluck();
  const rollUpRange = db.prepare(`INSERT INTO usage_daily
      (subscription_id, day, user_id, dimension, plan_id, tenant_id, turns, units, billable_units, tokens)
    SELECT subscription_id, occurred_at / ${DAY}, user_id, dimension, plan_id, MIN(tenant_id),
      COUNT(*), SUM(quantity), SUM(billable), SUM(total_tokens)
    FROM usage_events WHERE rowid > ? AND rowid <= ?
    GROUP BY subscription_id, occurred_at / ${DAY}, user_id, dimension, plan_id
    ON CONFLICT (subscription_id, day, user_id, dimension, plan_id) DO UPDATE SET
      turns = turns + excluded.turns, units = units + excluded.units,
      billable_units = billable_units + excluded.billable_units, tokens = tokens + excluded.tokens`);
  // The smaller aggregates `stats` reads (migration 0012), from the same range in the same transaction.
  const totalRange = db.prepare(`INSERT INTO usage_daily_totals
      (subscription_id, day, dimension, turns, units, billable_units, tokens)
    SELECT subscription_id, occurred_at / ${DAY}, dimension, COUNT(*), SUM(quantity), SUM(billable), SUM(total_tokens)
    FROM usage_events WHERE rowid > ? AND rowid <= ?
    GROUP BY subscription_id, occurred_at / ${DAY}, dimension
    ON CONFLICT (subscription_id, day, dimension) DO UPDATE SET
      turns = turns + excluded.turns, units = units + excluded.units,
      billable_units = billable_units + excluded.billable_units, tokens = tokens + excluded.tokens`);
  const periodUsersRange = db.prepare(`INSERT INTO usage_period_users
      (subscription_id, period_start, user_id, tenant_id, turns, units)
    SELECT subscription_id, period_start, user_id, MIN(tenant_id), COUNT(*), SUM(quantity)
    FROM usage_events WHERE rowid > ? AND rowid <= ?
    GROUP BY subscription_id, period_start, user_id
    ON CONFLICT (subscription_id, period_start, user_id) DO UPDATE SET
      turns = turns + excluded.turns, units = units + excluded.units`);
  const countRange = db.prepare('SELECT COUNT(*) FROM usage_events WHERE rowid > ? AND rowid <= ?').pluck();
  const setRolled = db.prepare('UPDATE usage_rollup_state SET rolled_through = ? WHERE id = 1');
  const unsettled = UNSETTLED_METERING_STATUSES.map((s) => `'${s}'`).join(', ');
  const anyOlder = db.prepare('SELECT 1 FROM usage_events WHERE rowid > ? AND rowid <= ? AND occurred_at < ? LIMIT 1').pluck();
  // Billed: the event left the outbox (the metering worker consumed it). Settled: when it carries billable units,
  // no bucket of its subscription and dimension is still on its way or waiting for the operator.
  const purgeRange = db.prepare(`DELETE FROM usage_events
    WHERE rowid > @after AND rowid <= @end AND occurred_at < @before
      AND id NOT IN (SELECT usage_event_id FROM usage_outbox)
      AND (billable = 0 OR (subscription_id, dimension) NOT IN
        (SELECT subscription_id, dimension FROM metered_usage_reports WHERE status IN (${unsettled})))`);
  // A deletion that removed the newest events would let SQLite hand their rowids out again: the marks come down to
  // the largest rowid left, so that every event above them is one not yet counted.
  const lowerMarks = db.prepare(`UPDATE usage_rollup_state SET
      rolled_through = MIN(rolled_through, (SELECT COALESCE(MAX(rowid), 0) FROM usage_events)),
      text_scrubbed_through = MIN(text_scrubbed_through, (SELECT COALESCE(MAX(rowid), 0) FROM usage_events))
    WHERE id = 1`);
  const firstNewer = db
    .prepare('SELECT MIN(rowid) FROM usage_events WHERE rowid > ? AND rowid <= ? AND occurred_at >= ?')
    .pluck();
  const scrubRange = db.prepare(`UPDATE usage_events SET message_text = NULL, response_text = NULL
    WHERE rowid > ? AND rowid <= ? AND occurred_at < ? AND (message_text IS NOT NULL OR response_text IS NOT NULL)`);
  const setScrubbed = db.prepare(
    'UPDATE usage_rollup_state SET text_scrubbed_through = MAX(text_scrubbed_through, ?) WHERE id = 1',
  );

  const marks = () => state.get() as { rolled_through: number; text_scrubbed_through: number };

  const rollUp = (limit: number): number => {
    const from = marks().rolled_through;
    const end = rangeEnd.get(from, Number.MAX_SAFE_INTEGER, limit) as number | null;
    if (end === null) return 0;
    rollUpRange.run(from, end);
    totalRange.run(from, end);
    periodUsersRange.run(from, end);
    const rows = countRange.get(from, end) as number;
    setRolled.run(end);
    return rows;
  };

  const purge = (before: number, limit: number, after: number): RetentionStep => {
    const rolled = marks().rolled_through;
    const end = rangeEnd.get(after, rolled, limit) as number | null;
    // Nothing rolled up past `after`, or nothing old enough left in this range: the pass is over.
    if (end === null || !anyOlder.get(after, end, before)) return { rows: 0 };
    const rows = purgeRange.run({ after, end, before }).changes;
    if (rows > 0) lowerMarks.run();
    return { rows, next: String(end) };
  };

  const scrub = (before: number, limit: number, after: number | undefined): RetentionStep => {
    const from = after ?? marks().text_scrubbed_through;
    const end = rangeEnd.get(from, maxRowid.get(), limit) as number | null;
    if (end === null) return { rows: 0 };
    const newer = firstNewer.get(from, end, before) as number | null;
    const rows = scrubRange.run(from, end, before).changes;
    // The mark moves over the events that are all past their retention; the first newer one ends the pass.
    setScrubbed.run(newer === null ? end : newer - 1);
    return newer === null ? { rows, next: String(end) } : { rows };
  };

  return {
    async lease(name, holder, now, until) {
      return batcher.run(() => takeLease.run({ name, holder, until: until.getTime(), now: now.getTime() }).changes > 0);
    },
    async releaseLease(name, holder) {
      await batcher.run(() => dropLease.run(name, holder));
    },
    async rollUp(limit) {
      return batcher.run(() => rollUp(limit));
    },
    async purgeEvents({ before, limit, after }) {
      return batcher.run(() => purge(before.getTime(), limit, after === undefined ? 0 : Number(after)));
    },
    async scrubText({ before, limit, after }) {
      return batcher.run(() => scrub(before.getTime(), limit, after === undefined ? undefined : Number(after)));
    },
  };
}
