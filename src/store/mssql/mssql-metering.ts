import type { UsageKind } from '../../domain/billing-rules';
import { HOUR } from '../../domain/clock';
import { ATTENTION_STATUSES, hourStart } from '../../domain/metering';
import { groupConsumed } from '../../domain/metering-consume';
import {
  placementHours,
  placeUnits,
  type HourBucket,
  type Placement,
  type PlacementContext,
} from '../../domain/metering-placement';
import { expiredUnits, settlementColumns } from '../../domain/metering-settlement';
import type { AcceptedDay, DueReport, MeteringRepo, MeteringStatus } from '../metering-repo';
import { ID_COLLATION, param, type MssqlDatabase, type Queryable, type SqlParam, type SqlParams } from './mssql-database';
import { toMeteringReport, type ReportRow } from '../row-mapping';

const ATTENTION_IN = ATTENTION_STATUSES.map((status) => `N'${status}'`).join(', ');

/**
 * Hourly metering buckets in Azure SQL, with the embedded store's semantics (sqlite-metering.ts) and the domain's
 * decisions (src/domain/metering-*.ts): each method that writes is one transaction, the bucket rows a placement
 * looks at are read under UPDLOCK + HOLDLOCK (key-range locks, so a consumer and a settling worker never both open
 * the same hour, and a bucket that was claimed meanwhile is not added to), and id lists travel as one JSON parameter
 * (OPENJSON, compatibility level 130 or later: every Azure SQL database).
 */
export function mssqlMetering(db: MssqlDatabase): MeteringRepo {
  const s = db.s;
  const openBefore = 'DATEADD(HOUR, -1, @closedBefore)';
  // The eligibility of a bucket to be sent, the same in listDue and claim. A live lease is never eligible.
  const eligible = {
    open: `status = N'Open' AND hour_start <= ${openBefore}`,
    retry: `status IN (N'Retry', N'Held') AND next_attempt_at <= @now`,
    inFlight: `status = N'InFlight' AND next_attempt_at <= @now`,
  };

  // Remembers the ids not seen before and returns them; a redelivered id is left out.
  const remember = `INSERT INTO ${s}.metering_consumed (usage_event_id, consumed_at)
    OUTPUT inserted.usage_event_id
    SELECT m.id, @at
    FROM (SELECT DISTINCT CAST(j.[value] AS nvarchar(128)) COLLATE ${ID_COLLATION} AS id FROM OPENJSON(@ids) AS j) AS m
    WHERE NOT EXISTS (SELECT 1 FROM ${s}.metering_consumed AS c WITH (UPDLOCK, HOLDLOCK) WHERE c.usage_event_id = m.id)`;

  /** The buckets placeUnits may look at, locked until the transaction ends, and the subscription's state now. */
  async function readPlacement(
    tx: Queryable,
    subscriptionId: string,
    dimension: string,
    hours: { own: number; from: number; to: number },
  ): Promise<{ bucketAt: (hour: number) => HourBucket | undefined; subscription?: { status: string; planId: string } }> {
    const { recordsets } = await tx.query(
      `SELECT hour_start, status, plan_id FROM ${s}.metered_usage_reports WITH (UPDLOCK, HOLDLOCK)
      WHERE subscription_id = @sub AND dimension = @dim
        AND (hour_start = @own OR (hour_start >= @from AND hour_start <= @to));
      SELECT status, plan_id FROM ${s}.subscriptions WHERE id = @sub;`,
      {
        sub: param.text(subscriptionId),
        dim: param.text(dimension),
        own: param.time(new Date(hours.own)),
        from: param.time(new Date(hours.from)),
        to: param.time(new Date(hours.to)),
      },
    );
    const buckets = new Map(
      ((recordsets[0] ?? []) as { hour_start: Date; status: MeteringStatus; plan_id: string }[]).map((r) => [
        r.hour_start.getTime(),
        { status: r.status, planId: r.plan_id },
      ]),
    );
    const sub = ((recordsets[1] ?? []) as { status: string; plan_id: string }[])[0];
    return {
      bucketAt: (hour) => buckets.get(hour),
      ...(sub ? { subscription: { status: sub.status, planId: sub.plan_id } } : {}),
    };
  }

  /** Writes units into the placement's hour: opens its bucket or adds to it (placeUnits chose an absent or Open one). */
  async function addUnits(
    tx: Queryable,
    b: { subscriptionId: string; dimension: string; units: number },
    placed: Placement,
    now: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE ${s}.metered_usage_reports SET quantity = quantity + @units, updated_at = @now
      WHERE subscription_id = @sub AND dimension = @dim AND hour_start = @hour AND status = N'Open';
      IF @@ROWCOUNT = 0
        INSERT INTO ${s}.metered_usage_reports (subscription_id, dimension, hour_start, plan_id, quantity, status, attempts,
          created_at, updated_at)
        VALUES (@sub, @dim, @hour, @plan, @units, N'Open', 0, @now, @now);`,
      {
        sub: param.text(b.subscriptionId),
        dim: param.text(b.dimension),
        hour: param.time(new Date(placed.hour)),
        plan: param.text(placed.planId),
        units: param.float(b.units),
        now: param.time(now),
      },
    );
  }

  const settleOne = `UPDATE ${s}.metered_usage_reports
    SET status = @status, attempts = attempts + @attemptsAdded, next_attempt_at = @nextAttemptAt, usage_event_id = COALESCE(@usageEventId, usage_event_id),
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
        // Sum per (subscription, dimension, hour, plan) first: one bucket write per group, not per message. Deleting
        // from `fresh` counts the first occurrence of an id not consumed before; a repeat in this batch does not.
        const batch = groupConsumed(messages, (id) => fresh.delete(id));
        const outcome = { consumed: batch.consumed, duplicates: batch.duplicates, carriedUnits: 0 };
        for (const g of batch.groups) {
          const ctx: PlacementContext = { currentHour, oldest, currentPlanId: undefined };
          const units = { hour: g.hour, planId: g.planId };
          const read = await readPlacement(tx, g.subscriptionId, g.dimension, placementHours(units, ctx));
          ctx.currentPlanId = read.subscription?.planId;
          const placed = placeUnits(units, ctx, read.bucketAt);
          await addUnits(tx, g, placed, now);
          if (placed.carried) outcome.carriedUnits += g.units;
        }
        return outcome;
      });
    },

    async listDue({ now, closedBefore, limit }) {
      const grace = now.getTime() - closedBefore.getTime();
      const params: SqlParams = { now: param.time(now), closedBefore: param.time(closedBefore), limit: param.int(limit) };
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
        ...open.map((r) => ({ id: Number(r.id), due: r.t!.getTime() + HOUR + grace, urgent: false })),
        ...[...retry, ...inFlight].map((r) => ({ id: Number(r.id), due: r.t ? r.t.getTime() : 0, urgent: true })),
      ];
      rows.sort((a, b) => a.due - b.due || a.id - b.id);
      return rows.slice(0, limit).map((r): DueReport => ({ id: r.id, dueAt: new Date(r.due), urgent: r.urgent }));
    },

    async claim(ids, { now, closedBefore, leaseUntil, correlationId }) {
      if (ids.length === 0) return [];
      // One statement, so atomic on its own: a bucket another worker claimed a moment ago is no longer eligible.
      const { rows } = await db.query<ReportRow>(
        `UPDATE r
        SET status = N'InFlight', next_attempt_at = @leaseUntil, correlation_id = @correlationId, request_id = NULL,
          updated_at = @now
        OUTPUT inserted.*
        FROM ${s}.metered_usage_reports AS r
        JOIN (SELECT DISTINCT CAST(j.[value] AS bigint) AS id FROM OPENJSON(@ids) AS j) AS i ON i.id = r.id
        WHERE (${eligible.open}) OR (${eligible.retry}) OR (${eligible.inFlight})`,
        {
          ids: param.longText(JSON.stringify(ids)),
          now: param.time(now),
          closedBefore: param.time(closedBefore),
          leaseUntil: param.time(leaseUntil),
          correlationId: param.text(correlationId),
        },
      );
      const position = new Map(ids.map((id, i) => [id, i]));
      return rows.map(toMeteringReport).sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
    },

    async settle(outcomes, now) {
      await db.transaction(async (tx) => {
        for (const o of outcomes) {
          const c = settlementColumns(o);
          const { rows } = await tx.query<ReportRow>(settleOne, {
            id: param.bigint(o.id),
            correlationId: param.text(o.correlationId),
            now: param.time(now),
            status: param.text(c.status),
            attemptsAdded: param.int(c.attemptsAdded),
            requestId: param.text(c.requestId),
            nextAttemptAt: param.time(c.nextAttemptAt),
            usageEventId: param.text(c.usageEventId),
            acceptedQuantity: param.float(c.acceptedQuantity),
            errorCode: param.text(c.errorCode),
            errorMessage: param.longText(c.errorMessage),
          });
          const row = rows[0];
          // Not ours any more (reclaimed after our lease ran out): the other claimer settles it.
          if (!row || o.status !== 'Expired') continue;
          const hour = new Date(row.hour_start).getTime();
          const ctxHours = placementHours(
            { hour, planId: row.plan_id },
            { currentHour: hourStart(now).getTime(), oldest: Infinity, currentPlanId: undefined },
          );
          const read = await readPlacement(tx, row.subscription_id, row.dimension, ctxHours);
          const units = expiredUnits(
            { hourStart: hour, planId: row.plan_id, quantity: row.quantity, reason: o.errorMessage },
            read.subscription,
            now,
            read.bucketAt,
          );
          if (units.kind === 'carry')
            await addUnits(
              tx,
              { subscriptionId: row.subscription_id, dimension: row.dimension, units: row.quantity },
              units.placement,
              now,
            );
          await tx.query(
            `UPDATE ${s}.metered_usage_reports SET status = @status, error_code = @code, error_message = @message WHERE id = @id`,
            {
              status: param.text(units.kind === 'carry' ? 'Expired' : 'Failed'),
              code: param.text(units.kind === 'carry' ? 'Expired' : units.errorCode),
              message: param.longText(units.kind === 'carry' ? units.note : units.errorMessage),
              id: param.bigint(o.id),
            },
          );
        }
      });
    },

    async resend(id, { by, at, note }) {
      const { recordsets } = await db.query(
        `DECLARE @changed int;
        UPDATE ${s}.metered_usage_reports SET status = N'Retry', next_attempt_at = @at, resolved_by = @by,
          resolution_note = @note, updated_at = @at
        WHERE id = @id AND status = N'Failed';
        SET @changed = @@ROWCOUNT;
        SELECT @changed AS changed, (SELECT COUNT(*) FROM ${s}.metered_usage_reports WHERE id = @id) AS present;`,
        { id: param.bigint(id), by: param.text(by), at: param.time(at), note: param.longText(note ?? null) },
      );
      return actionOutcome(recordsets);
    },

    async resolve(id, { by, at, note }) {
      const { recordsets } = await db.query(
        `DECLARE @changed int;
        UPDATE ${s}.metered_usage_reports SET status = N'Resolved', next_attempt_at = NULL, resolved_by = @by,
          resolution_note = @note, updated_at = @at
        WHERE id = @id AND status IN (N'Failed', N'Conflict');
        SET @changed = @@ROWCOUNT;
        SELECT @changed AS changed, (SELECT COUNT(*) FROM ${s}.metered_usage_reports WHERE id = @id) AS present;`,
        { id: param.bigint(id), by: param.text(by), at: param.time(at), note: param.longText(note) },
      );
      return actionOutcome(recordsets);
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

    async overview(attentionLimit, attentionAttempts) {
      const { recordsets } = await db.query(
        `SELECT status, COUNT(*) AS reports, SUM(quantity) AS quantity FROM ${s}.metered_usage_reports GROUP BY status;
        SELECT TOP (@limit) * FROM ${s}.metered_usage_reports
        WHERE status IN (${ATTENTION_IN}) OR (status = N'Retry' AND attempts >= @attempts)
        ORDER BY updated_at DESC, id DESC;`,
        { limit: param.int(attentionLimit), attempts: param.int(attentionAttempts) },
      );
      const counts = (recordsets[0] ?? []) as { status: MeteringStatus; reports: number; quantity: number }[];
      const attention = (recordsets[1] ?? []) as ReportRow[];
      return {
        byStatus: Object.fromEntries(counts.map((c) => [c.status, { reports: c.reports, quantity: c.quantity }])),
        attention: attention.map(toMeteringReport),
      };
    },

    async acceptedByDay(from) {
      const { rows } = await db.query<{ subscription_id: string; dimension: UsageKind; day: string; quantity: number }>(
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

function actionOutcome(recordsets: unknown[]): 'done' | 'not-found' | 'not-eligible' {
  const row = ((recordsets[0] ?? []) as { changed: number; present: number }[])[0];
  if (row && row.changed > 0) return 'done';
  return row && row.present > 0 ? 'not-eligible' : 'not-found';
}
