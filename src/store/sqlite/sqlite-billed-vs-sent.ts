import type Database from 'better-sqlite3';
import { DAY } from '../../domain/clock';
import { countOutcomes, startOfDay } from '../../domain/billed-vs-sent';
import { countsOf, filterConditions, pageOf, toBilledVsSentRow, toBilledVsSentRun, toLedgerDayTotal } from '../billed-vs-sent-rows';
import type { ComparisonRow, LedgerRow, RunRow } from '../billed-vs-sent-rows';
import type { BilledVsSentRepo } from '../billed-vs-sent-repo';
import type { WriteBatcher } from './write-batcher';

const JOB = 'billed-vs-sent';
/** `notDoneSince` absent: a time no run starts at or after. */
const NEVER = 8.64e15;

/** A synchronous read as the port's promise (a throw becomes a rejection). */
const read = <T>(work: () => T): Promise<T> => new Promise<T>((resolve) => resolve(work()));

/** Billed vs sent in the embedded store (see BilledVsSentRepo); every write in the single writer. */
export function sqliteBilledVsSent(db: Database.Database, batcher: WriteBatcher): BilledVsSentRepo {
  const takeLease = db.prepare(`UPDATE billed_vs_sent_lease SET owner = @owner, lease_until = @leaseUntil
    WHERE job = '${JOB}' AND (lease_until <= @now OR owner = @owner)
      AND NOT EXISTS (SELECT 1 FROM billed_vs_sent_runs WHERE status = 'Done' AND started_at >= @since)`);
  const abandon = db.prepare(`UPDATE billed_vs_sent_runs SET status = 'Failed', finished_at = @now,
      error = 'abandoned: its process stopped before the run ended (lease ran out)'
    WHERE status = 'Running'`);
  const insertRun = db.prepare(`INSERT INTO billed_vs_sent_runs (run_trigger, status, owner, started_at, first_day, last_day)
    VALUES (@trigger, 'Running', @owner, @now, @firstDay, @lastDay)`);
  const renew = db.prepare(`UPDATE billed_vs_sent_lease SET lease_until = @leaseUntil WHERE job = '${JOB}' AND owner = @owner`);
  const release = db.prepare(
    `UPDATE billed_vs_sent_lease SET owner = NULL, lease_until = 0 WHERE job = '${JOB}' AND owner = @owner`,
  );
  const deleteDay = db.prepare('DELETE FROM billed_vs_sent_rows WHERE usage_day = ?');
  const insertRow = db.prepare(`INSERT INTO billed_vs_sent_rows (usage_day, subscription_id, dimension, plan_id, outcome,
      ledger_quantity, ledger_hours, submitted_quantity, processed_quantity, submitted_count, recon_status, run_id, compared_at)
    VALUES (@day, @subscriptionId, @dimension, @planId, @outcome, @ledgerQuantity, @ledgerHours, @submittedQuantity,
      @processedQuantity, @submittedCount, @reconStatus, @runId, @now)`);
  const done = db.prepare(`UPDATE billed_vs_sent_runs SET status = 'Done', finished_at = @now, matches = @Match,
      pending = @Pending, quantity_mismatches = @QuantityMismatch, rejected = @Rejected,
      missing_at_marketplace = @MissingAtMarketplace, missing_in_ledger = @MissingInLedger, error = NULL
    WHERE id = @runId`);
  const failed = db.prepare(
    `UPDATE billed_vs_sent_runs SET status = 'Failed', finished_at = @now, error = @error WHERE id = @runId`,
  );
  // Hours the Marketplace told us it holds, with the quantity it holds: Accepted, and Conflict or Resolved ones.
  const ledger = db.prepare(`SELECT strftime('%Y-%m-%d', hour_start / 1000, 'unixepoch') AS day, subscription_id, dimension,
      plan_id, SUM(accepted_quantity) AS quantity, COUNT(*) AS hours
    FROM metered_usage_reports
    WHERE hour_start >= ? AND hour_start < ? AND accepted_quantity IS NOT NULL
      AND status IN ('Accepted', 'Conflict', 'Resolved')
    GROUP BY day, subscription_id, dimension, plan_id
    ORDER BY day, subscription_id, dimension, plan_id`);
  const latest = db.prepare('SELECT * FROM billed_vs_sent_runs ORDER BY id DESC LIMIT ?');
  const pruneRows = db.prepare('DELETE FROM billed_vs_sent_rows WHERE usage_day < ?');
  const pruneRuns = db.prepare('DELETE FROM billed_vs_sent_runs WHERE last_day < ?');

  return {
    async startRun({ owner, trigger, now, leaseUntil, firstDay, lastDay, notDoneSince }) {
      return batcher.run(() => {
        const took = takeLease.run({
          owner,
          now: now.getTime(),
          leaseUntil: leaseUntil.getTime(),
          since: notDoneSince?.getTime() ?? NEVER,
        });
        if (took.changes === 0) return undefined;
        // Whoever ran before us let its lease run out: its run can only have been abandoned.
        abandon.run({ now: now.getTime() });
        return Number(insertRun.run({ trigger, owner, now: now.getTime(), firstDay, lastDay }).lastInsertRowid);
      });
    },

    async renewLease(owner, _now, leaseUntil) {
      return batcher.run(() => renew.run({ owner, leaseUntil: leaseUntil.getTime() }).changes > 0);
    },

    async finishRun({ runId, owner, now, days, comparisons }) {
      const at = now.getTime();
      const counts = countOutcomes(comparisons);
      await batcher.run(() => {
        for (const day of days) deleteDay.run(day);
        for (const c of comparisons) {
          insertRow.run({
            day: c.day,
            subscriptionId: c.subscriptionId,
            dimension: c.dimension,
            planId: c.planId,
            outcome: c.outcome,
            ledgerQuantity: c.ledgerQuantity ?? null,
            ledgerHours: c.ledgerHours ?? null,
            submittedQuantity: c.submittedQuantity ?? null,
            processedQuantity: c.processedQuantity ?? null,
            submittedCount: c.submittedCount ?? null,
            reconStatus: c.reconStatus ?? null,
            runId,
            now: at,
          });
        }
        done.run({ runId, now: at, ...counts });
        release.run({ owner });
      });
    },

    async failRun({ runId, owner, now, error }) {
      await batcher.run(() => {
        failed.run({ runId, now: now.getTime(), error: error.slice(0, 2000) });
        release.run({ owner });
      });
    },

    ledger(fromDay, toDay) {
      const from = startOfDay(fromDay).getTime();
      const to = startOfDay(toDay).getTime() + DAY;
      return read(() => (ledger.all(from, to) as LedgerRow[]).map(toLedgerDayTotal));
    },

    latestRun() {
      return read(() => {
        const row = latest.get(1) as RunRow | undefined;
        return row ? toBilledVsSentRun(row) : undefined;
      });
    },

    runs(limit) {
      return read(() => (latest.all(Math.max(1, Math.floor(limit))) as RunRow[]).map(toBilledVsSentRun));
    },

    rows(filter = {}) {
      const { where, params } = filterConditions(filter);
      const { limit, offset } = pageOf(filter);
      const sql = `SELECT * FROM billed_vs_sent_rows ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY usage_day DESC, subscription_id, dimension, plan_id LIMIT @limit OFFSET @offset`;
      return read(() => (db.prepare(sql).all({ ...params, limit, offset }) as ComparisonRow[]).map(toBilledVsSentRow));
    },

    counts(filter = {}) {
      const { where, params } = filterConditions(filter);
      const sql = `SELECT outcome, COUNT(*) AS n FROM billed_vs_sent_rows ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        GROUP BY outcome`;
      return read(() => countsOf(db.prepare(sql).all(params) as { outcome: string; n: number }[]));
    },

    async prune(beforeDay) {
      return batcher.run(() => {
        pruneRuns.run(beforeDay);
        return pruneRows.run(beforeDay).changes;
      });
    },
  };
}
