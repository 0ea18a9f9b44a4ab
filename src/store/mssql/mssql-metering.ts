import type { Dimension } from '../../domain/billing-rules';
import { HOUR } from '../../domain/clock';
import { hourStart } from '../../domain/metering';
import type { AcceptedDay, DueReport, MeteringRepo, MeteringStatus } from '../store';
import { ID_COLLATION, param, type MssqlDatabase, type Queryable, type SqlParam, type SqlParams } from './mssql-database';
import { toMeteringReport, type ReportRow } from '../row-mapping';

/** Longest walk for an open hour: two days of hours after the one asked for. */
const MAX_CARRY_HOURS = 48;

/**
 * Hourly metering buckets in Azure SQL, with the embedded store's semantics (sqlite-metering.ts): each method that
 * writes is one transaction, bucket rows are read under UPDLOCK + HOLDLOCK before they are changed (so a consumer
 * and a settling worker never both open the same hour, and a bucket that was claimed meanwhile is not added to),
 * and id lists travel as one JSON parameter (OPENJSON, compatibility level 130 or later: every Azure SQL database).
 */
export function mssqlMetering(db: MssqlDatabase): MeteringRepo {
  const s = db.s;
  const openBefore = 'DATEADD(HOUR, -1, @closedBefore)';
  // The eligibility of a bucket to be sent, the same in listDue and claim.
  const eligible = {
    open: `status = N'Open' AND hour_start <= ${openBefore}`,
    retry: `status IN (N'Retry', N'Held') AND next_attempt_at <= @now`,
    inFlight: `status = N'InFlight' AND (@reclaim = 1 OR next_attempt_at <= @now)`,
  };

  // Remembers the ids not seen before and returns them; a redelivered id is left out.
  const remember = `INSERT INTO ${s}.metering_consumed (usage_event_id, consumed_at)
    OUTPUT inserted.usage_event_id
    SELECT m.id, @at
    FROM (SELECT DISTINCT CAST(j.[value] AS nvarchar(128)) COLLATE ${ID_COLLATION} AS id FROM OPENJSON(@ids) AS j) AS m
    WHERE NOT EXISTS (SELECT 1 FROM ${s}.metering_consumed AS c WITH (UPDLOCK, HOLDLOCK) WHERE c.usage_event_id = m.id)`;

  // Adds units to one hour's bucket when it is Open (or opens it); `added` = 0 when the hour was already submitted.
  const addToHour = `SET NOCOUNT ON;
    DECLARE @bucket bigint, @status nvarchar(16);
    SELECT @bucket = id, @status = status FROM ${s}.metered_usage_reports WITH (UPDLOCK, HOLDLOCK)
    WHERE subscription_id = @sub AND dimension = @dim AND hour_start = @hour;
    IF @bucket IS NULL
    BEGIN
      INSERT INTO ${s}.metered_usage_reports (subscription_id, dimension, hour_start, plan_id, quantity, status, attempts,
        created_at, updated_at)
      VALUES (@sub, @dim, @hour, @plan, @units, N'Open', 0, @now, @now);
    END
    ELSE IF @status = N'Open'
    BEGIN
      UPDATE ${s}.metered_usage_reports SET quantity = quantity + @units, plan_id = @plan, updated_at = @now
      WHERE id = @bucket;
    END;
    SELECT CAST(CASE WHEN @bucket IS NULL OR @status = N'Open' THEN 1 ELSE 0 END AS bit) AS added;`;

  /**
   * Adds units to the Open bucket of the first hour at or after `hour` whose bucket is open or absent: an hour already
   * submitted is never changed (one event per subscription, dimension and hour, ever). Returns the hour used.
   */
  async function addUnits(
    tx: Queryable,
    b: { subscriptionId: string; dimension: string; hour: number; planId: string; units: number },
    now: Date,
  ): Promise<number> {
    for (let h = b.hour, step = 0; step <= MAX_CARRY_HOURS; h += HOUR, step++) {
      const { rows } = await tx.query<{ added: boolean }>(addToHour, {
        sub: param.text(b.subscriptionId),
        dim: param.text(b.dimension),
        hour: param.time(new Date(h)),
        plan: param.text(b.planId),
        units: param.float(b.units),
        now: param.time(now),
      });
      if (rows[0]?.added) return h;
    }
    throw new Error(
      `no open metering hour for ${b.subscriptionId}/${b.dimension} within ${MAX_CARRY_HOURS} hours of ${new Date(b.hour).toISOString()}`,
    );
  }

  const settleOne = `UPDATE ${s}.metered_usage_reports
    SET status = @status, next_attempt_at = @nextAttemptAt, usage_event_id = COALESCE(@usageEventId, usage_event_id),
      accepted_quantity = COALESCE(@acceptedQuantity, accepted_quantity), request_id = COALESCE(@requestId, request_id),
      error_code = @errorCode, error_message = @errorMessage, updated_at = @now
    OUTPUT inserted.*
    WHERE id = @id AND status = N'InFlight' AND correlation_id = @correlationId`;

  return {
    async consume(messages, now, tooOldBefore) {
      const currentHour = hourStart(now).getTime();
      const oldest = tooOldBefore.getTime();
      const billableIds = messages.filter((m) => m.billable > 0).map((m) => m.usageEventId);
      return db.transaction(async (tx) => {
        const fresh = new Set<string>();
        if (billableIds.length > 0) {
          const { rows } = await tx.query<{ usage_event_id: string }>(remember, {
            ids: param.longText(JSON.stringify(billableIds)),
            at: param.time(now),
          });
          for (const r of rows) fresh.add(r.usage_event_id);
        }
        const outcome = { consumed: 0, duplicates: 0, carriedUnits: 0 };
        // Sum per (subscription, dimension, hour) first: one bucket write per group, not per message.
        const groups = new Map<
          string,
          { subscriptionId: string; dimension: string; hour: number; planId: string; latest: number; units: number }
        >();
        for (const m of messages) {
          if (!(m.billable > 0)) {
            outcome.consumed += 1;
            continue;
          }
          // The first occurrence of an id not consumed before counts; a repeat, in this batch or later, does not.
          if (!fresh.delete(m.usageEventId)) {
            outcome.duplicates += 1;
            continue;
          }
          outcome.consumed += 1;
          const occurred = new Date(m.occurredAt).getTime();
          const ownHour = hourStart(new Date(occurred)).getTime();
          // An hour the API would refuse as expired goes straight into the current hour.
          const hour = occurred < oldest ? currentHour : ownHour;
          if (hour !== ownHour) outcome.carriedUnits += m.billable;
          const key = `${m.subscriptionId}\u0000${m.dimension}\u0000${hour}`;
          const group = groups.get(key);
          if (!group) {
            groups.set(key, {
              subscriptionId: m.subscriptionId,
              dimension: m.dimension,
              hour,
              planId: m.planId,
              latest: occurred,
              units: m.billable,
            });
          } else {
            group.units += m.billable;
            if (occurred >= group.latest) {
              group.latest = occurred;
              group.planId = m.planId;
            }
          }
        }
        for (const g of groups.values()) {
          const used = await addUnits(tx, g, now);
          if (used !== g.hour) outcome.carriedUnits += g.units;
        }
        return outcome;
      });
    },

    async listDue({ now, closedBefore, reclaimInFlight, limit }) {
      const grace = now.getTime() - closedBefore.getTime();
      const params: SqlParams = {
        now: param.time(now),
        closedBefore: param.time(closedBefore),
        reclaim: param.bit(reclaimInFlight),
        limit: param.int(limit),
      };
      // Three index-friendly parts, each already in due order; the first `limit` of all three hold the first
      // `limit` overall.
      const { recordsets } = await db.query(
        `SELECT TOP (@limit) id, hour_start AS t FROM ${s}.metered_usage_reports WHERE ${eligible.open} ORDER BY hour_start, id;
        SELECT TOP (@limit) id, next_attempt_at AS t FROM ${s}.metered_usage_reports WHERE ${eligible.retry} ORDER BY next_attempt_at, id;
        SELECT TOP (@limit) id, next_attempt_at AS t FROM ${s}.metered_usage_reports WHERE ${eligible.inFlight} ORDER BY next_attempt_at, id;`,
        params,
      );
      type DueRow = { id: string | number; t: Date | null };
      const [open, retry, inFlight] = [0, 1, 2].map((i) => (recordsets[i] ?? []) as DueRow[]) as [DueRow[], DueRow[], DueRow[]];
      const rows = [
        ...open.map((r) => ({ id: Number(r.id), due: r.t!.getTime() + HOUR + grace })),
        ...[...retry, ...inFlight].map((r) => ({ id: Number(r.id), due: r.t ? r.t.getTime() : 0 })),
      ];
      rows.sort((a, b) => a.due - b.due || a.id - b.id);
      return rows.slice(0, limit).map((r): DueReport => ({ id: r.id, dueAt: new Date(r.due) }));
    },

    async claim(ids, { now, closedBefore, leaseUntil, reclaimInFlight, correlationId }) {
      if (ids.length === 0) return [];
      // One statement, so atomic on its own: a bucket another worker claimed a moment ago is no longer eligible.
      const { rows } = await db.query<ReportRow>(
        `UPDATE r
        SET status = N'InFlight', next_attempt_at = @leaseUntil, attempts = attempts + 1, correlation_id = @correlationId,
          request_id = NULL, updated_at = @now
        OUTPUT inserted.*
        FROM ${s}.metered_usage_reports AS r
        JOIN (SELECT DISTINCT CAST(j.[value] AS bigint) AS id FROM OPENJSON(@ids) AS j) AS i ON i.id = r.id
        WHERE (${eligible.open}) OR (${eligible.retry}) OR (${eligible.inFlight})`,
        {
          ids: param.longText(JSON.stringify(ids)),
          now: param.time(now),
          closedBefore: param.time(closedBefore),
          leaseUntil: param.time(leaseUntil),
          reclaim: param.bit(reclaimInFlight),
          correlationId: param.text(correlationId),
        },
      );
      const position = new Map(ids.map((id, i) => [id, i]));
      return rows.map(toMeteringReport).sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
    },

    async settle(outcomes, now) {
      await db.transaction(async (tx) => {
        for (const o of outcomes) {
          const { rows } = await tx.query<ReportRow>(settleOne, {
            id: param.bigint(o.id),
            correlationId: param.text(o.correlationId),
            status: param.text(o.status),
            now: param.time(now),
            requestId: param.text(o.requestId),
            nextAttemptAt: param.time(o.status === 'Retry' || o.status === 'Held' ? o.nextAttemptAt : null),
            usageEventId: param.text(o.status === 'Accepted' || o.status === 'Conflict' ? o.usageEventId : null),
            acceptedQuantity: param.float(o.status === 'Accepted' || o.status === 'Conflict' ? o.acceptedQuantity : null),
            errorCode: param.text(
              o.status === 'Retry' || o.status === 'Held' || o.status === 'Failed'
                ? o.errorCode
                : o.status === 'Expired'
                  ? 'Expired'
                  : null,
            ),
            errorMessage: param.longText('errorMessage' in o ? o.errorMessage : null),
          });
          const row = rows[0];
          // Not ours any more (reclaimed after our lease ran out): the other claimer settles it.
          if (!row || o.status !== 'Expired') continue;
          const into = await addUnits(
            tx,
            {
              subscriptionId: row.subscription_id,
              dimension: row.dimension,
              hour: hourStart(now).getTime(),
              planId: row.plan_id,
              units: row.quantity,
            },
            now,
          );
          await tx.query(`UPDATE ${s}.metered_usage_reports SET error_message = @message WHERE id = @id`, {
            message: param.longText(`${o.errorMessage}; ${row.quantity} units carried into ${new Date(into).toISOString()}`),
            id: param.bigint(o.id),
          });
        }
      });
    },

    async get(subscriptionId, dimension, hour) {
      const { rows } = await db.query<ReportRow>(
        `SELECT * FROM ${s}.metered_usage_reports WHERE subscription_id = @sub AND dimension = @dim AND hour_start = @hour`,
        { sub: param.text(subscriptionId), dim: param.text(dimension), hour: param.time(hour) },
      );
      return rows[0] ? toMeteringReport(rows[0]) : undefined;
    },

    async list(filter = {}) {
      const where: string[] = [];
      const params: Record<string, SqlParam> = {};
      if (filter.status) {
        where.push('status = @status');
        params.status = param.text(filter.status);
      }
      if (filter.subscriptionId) {
        where.push('subscription_id = @sub');
        params.sub = param.text(filter.subscriptionId);
      }
      const { rows } = await db.query<ReportRow>(
        `SELECT * FROM ${s}.metered_usage_reports ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY hour_start, subscription_id, dimension`,
        params,
      );
      return rows.map(toMeteringReport);
    },

    async overview(attentionLimit) {
      const { recordsets } = await db.query(
        `SELECT status, COUNT(*) AS reports, SUM(quantity) AS quantity FROM ${s}.metered_usage_reports GROUP BY status;
        SELECT TOP (@limit) * FROM ${s}.metered_usage_reports WHERE status IN (N'Conflict', N'Failed', N'Held')
        ORDER BY updated_at DESC, id DESC;`,
        { limit: param.int(attentionLimit) },
      );
      const counts = (recordsets[0] ?? []) as { status: MeteringStatus; reports: number; quantity: number }[];
      const attention = (recordsets[1] ?? []) as ReportRow[];
      return {
        byStatus: Object.fromEntries(counts.map((c) => [c.status, { reports: c.reports, quantity: c.quantity }])),
        attention: attention.map(toMeteringReport),
      };
    },

    async acceptedByDay(from) {
      const { rows } = await db.query<{ subscription_id: string; dimension: Dimension; day: string; quantity: number }>(
        `SELECT r.subscription_id, r.dimension, d.day, SUM(r.accepted_quantity) AS quantity
        FROM ${s}.metered_usage_reports AS r
        CROSS APPLY (SELECT CONVERT(char(10), r.hour_start, 23) AS day) AS d
        WHERE r.status = N'Accepted' AND r.hour_start >= @from
        GROUP BY r.subscription_id, r.dimension, d.day
        ORDER BY r.subscription_id, r.dimension, d.day`,
        { from: param.time(from) },
      );
      return rows.map((r): AcceptedDay => ({
        subscriptionId: r.subscription_id,
        dimension: r.dimension,
        day: r.day,
        quantity: r.quantity,
      }));
    },

    async pruneConsumed(before) {
      const { rowsAffected } = await db.query(`DELETE FROM ${s}.metering_consumed WHERE consumed_at < @before`, {
        before: param.time(before),
      });
      return rowsAffected[0] ?? 0;
    },
  };
}
