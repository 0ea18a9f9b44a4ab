import { DAY } from '../../domain/clock';
import { countOutcomes, startOfDay } from '../../domain/billed-vs-sent';
import { countsOf, filterConditions, pageOf, toBilledVsSentRow, toBilledVsSentRun, toLedgerDayTotal } from '../billed-vs-sent-rows';
import type { ComparisonRow, LedgerRow, RunRow } from '../billed-vs-sent-rows';
import type { BilledVsSentRepo } from '../billed-vs-sent-repo';
import { param, type MssqlDatabase, type SqlParams } from './mssql-database';

const JOB = 'billed-vs-sent';
/** `notDoneSince` absent: a time no run starts at or after. */
const NEVER = new Date('9999-12-31T00:00:00.000Z');
const EPOCH = new Date(0);
/** Comparisons written per INSERT statement. */
const INSERT_CHUNK = 500;

/** Billed vs sent in Azure SQL (as sqlite-billed-vs-sent.ts). */
export function mssqlBilledVsSent(db: MssqlDatabase): BilledVsSentRepo {
  const s = db.s;
  const filterParams = (params: Record<string, string>): SqlParams =>
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, param.text(v)]));

  return {
    async startRun({ owner, trigger, now, leaseUntil, firstDay, lastDay, notDoneSince }) {
      return db.transaction(async (tx) => {
        // The lease row is the lock: UPDLOCK holds it to the end of the transaction, so two instances take turns here.
        const took = await tx.query(
          `UPDATE ${s}.billed_vs_sent_lease WITH (UPDLOCK, HOLDLOCK) SET owner = @owner, lease_until = @leaseUntil
          WHERE job = @job AND (lease_until <= @now OR owner = @owner)
            AND NOT EXISTS (SELECT 1 FROM ${s}.billed_vs_sent_runs WHERE status = N'Done' AND started_at >= @since)`,
          {
            job: param.text(JOB),
            owner: param.text(owner),
            now: param.time(now),
            leaseUntil: param.time(leaseUntil),
            since: param.time(notDoneSince ?? NEVER),
          },
        );
        if ((took.rowsAffected[0] ?? 0) === 0) return undefined;
        await tx.query(
          `UPDATE ${s}.billed_vs_sent_runs SET status = N'Failed', finished_at = @now,
            error = N'abandoned: its process stopped before the run ended (lease ran out)'
          WHERE status = N'Running'`,
          { now: param.time(now) },
        );
        const { rows } = await tx.query<{ id: string | number }>(
          `INSERT INTO ${s}.billed_vs_sent_runs (run_trigger, status, owner, started_at, first_day, last_day)
          OUTPUT INSERTED.id VALUES (@trigger, N'Running', @owner, @now, @firstDay, @lastDay)`,
          {
            trigger: param.text(trigger),
            owner: param.text(owner),
            now: param.time(now),
            firstDay: param.text(firstDay),
            lastDay: param.text(lastDay),
          },
        );
        return Number(rows[0]!.id);
      });
    },

    async renewLease(owner, _now, leaseUntil) {
      const { rowsAffected } = await db.query(
        `UPDATE ${s}.billed_vs_sent_lease SET lease_until = @leaseUntil WHERE job = @job AND owner = @owner`,
        { job: param.text(JOB), owner: param.text(owner), leaseUntil: param.time(leaseUntil) },
      );
      return (rowsAffected[0] ?? 0) > 0;
    },

    async finishRun({ runId, owner, now, days, comparisons }) {
      const counts = countOutcomes(comparisons);
      await db.transaction(async (tx) => {
        await tx.query(
          `DELETE FROM ${s}.billed_vs_sent_rows
          WHERE usage_day IN (SELECT CAST(j.[value] AS char(10)) FROM OPENJSON(@days) AS j)`,
          { days: param.longText(JSON.stringify(days)) },
        );
        // One statement per chunk of rows (OPENJSON), not one round trip per row.
        for (let i = 0; i < comparisons.length; i += INSERT_CHUNK) {
          await tx.query(
            `INSERT INTO ${s}.billed_vs_sent_rows (usage_day, subscription_id, dimension, plan_id, outcome, ledger_quantity,
              ledger_hours, submitted_quantity, processed_quantity, submitted_count, recon_status, run_id, compared_at)
            SELECT j.day, j.subscriptionId, j.dimension, j.planId, j.outcome, j.ledgerQuantity, j.ledgerHours,
              j.submittedQuantity, j.processedQuantity, j.submittedCount, j.reconStatus, @runId, @now
            FROM OPENJSON(@rows) WITH (
              day char(10) '$.day',
              subscriptionId nvarchar(128) '$.subscriptionId',
              dimension nvarchar(64) '$.dimension',
              planId nvarchar(100) '$.planId',
              outcome nvarchar(32) '$.outcome',
              ledgerQuantity float '$.ledgerQuantity',
              ledgerHours int '$.ledgerHours',
              submittedQuantity float '$.submittedQuantity',
              processedQuantity float '$.processedQuantity',
              submittedCount int '$.submittedCount',
              reconStatus nvarchar(100) '$.reconStatus'
            ) AS j`,
            {
              rows: param.longText(JSON.stringify(comparisons.slice(i, i + INSERT_CHUNK))),
              runId: param.bigint(runId),
              now: param.time(now),
            },
          );
        }
        await tx.query(
          `UPDATE ${s}.billed_vs_sent_runs SET status = N'Done', finished_at = @now, matches = @match, pending = @pending,
            quantity_mismatches = @quantityMismatch, rejected = @rejected, missing_at_marketplace = @missingAtMarketplace,
            missing_in_ledger = @missingInLedger, error = NULL
          WHERE id = @runId`,
          {
            runId: param.bigint(runId),
            now: param.time(now),
            match: param.int(counts.Match),
            pending: param.int(counts.Pending),
            quantityMismatch: param.int(counts.QuantityMismatch),
            rejected: param.int(counts.Rejected),
            missingAtMarketplace: param.int(counts.MissingAtMarketplace),
            missingInLedger: param.int(counts.MissingInLedger),
          },
        );
        await tx.query(
          `UPDATE ${s}.billed_vs_sent_lease SET owner = NULL, lease_until = @epoch WHERE job = @job AND owner = @owner`,
          { job: param.text(JOB), owner: param.text(owner), epoch: param.time(EPOCH) },
        );
      });
    },

    async failRun({ runId, owner, now, error }) {
      await db.transaction(async (tx) => {
        await tx.query(
          `UPDATE ${s}.billed_vs_sent_runs SET status = N'Failed', finished_at = @now, error = @error WHERE id = @runId`,
          { runId: param.bigint(runId), now: param.time(now), error: param.longText(error.slice(0, 2000)) },
        );
        await tx.query(
          `UPDATE ${s}.billed_vs_sent_lease SET owner = NULL, lease_until = @epoch WHERE job = @job AND owner = @owner`,
          { job: param.text(JOB), owner: param.text(owner), epoch: param.time(EPOCH) },
        );
      });
    },

    async ledger(fromDay, toDay) {
      const { rows } = await db.query<LedgerRow>(
        `SELECT d.day, r.subscription_id, r.dimension, r.plan_id, SUM(r.accepted_quantity) AS quantity, COUNT(*) AS hours
        FROM ${s}.metered_usage_reports AS r
        CROSS APPLY (SELECT CONVERT(char(10), r.hour_start, 23) AS day) AS d
        WHERE r.hour_start >= @from AND r.hour_start < @to AND r.accepted_quantity IS NOT NULL
          AND r.status IN (N'Accepted', N'Conflict', N'Resolved')
        GROUP BY d.day, r.subscription_id, r.dimension, r.plan_id
        ORDER BY d.day, r.subscription_id, r.dimension, r.plan_id`,
        { from: param.time(startOfDay(fromDay)), to: param.time(new Date(startOfDay(toDay).getTime() + DAY)) },
      );
      return rows.map(toLedgerDayTotal);
    },

    async latestRun() {
      const { rows } = await db.query<RunRow>(`SELECT TOP (1) * FROM ${s}.billed_vs_sent_runs ORDER BY id DESC`);
      return rows[0] ? toBilledVsSentRun(rows[0]) : undefined;
    },

    async runs(limit) {
      const { rows } = await db.query<RunRow>(`SELECT TOP (@limit) * FROM ${s}.billed_vs_sent_runs ORDER BY id DESC`, {
        limit: param.int(Math.max(1, Math.floor(limit))),
      });
      return rows.map(toBilledVsSentRun);
    },

    async rows(filter = {}) {
      const { where, params } = filterConditions(filter);
      const { limit, offset } = pageOf(filter);
      const { rows } = await db.query<ComparisonRow>(
        `SELECT * FROM ${s}.billed_vs_sent_rows ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY usage_day DESC, subscription_id, dimension, plan_id OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY`,
        { ...filterParams(params), limit: param.int(limit), offset: param.int(offset) },
      );
      return rows.map(toBilledVsSentRow);
    },

    async counts(filter = {}) {
      const { where, params } = filterConditions(filter);
      const { rows } = await db.query<{ outcome: string; n: number }>(
        `SELECT outcome, COUNT(*) AS n FROM ${s}.billed_vs_sent_rows ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        GROUP BY outcome`,
        filterParams(params),
      );
      return countsOf(rows);
    },

    async prune(beforeDay) {
      return db.transaction(async (tx) => {
        await tx.query(`DELETE FROM ${s}.billed_vs_sent_runs WHERE last_day < @day`, { day: param.text(beforeDay) });
        const { rowsAffected } = await tx.query(`DELETE FROM ${s}.billed_vs_sent_rows WHERE usage_day < @day`, {
          day: param.text(beforeDay),
        });
        return rowsAffected[0] ?? 0;
      });
    },
  };
}
