import type { UsageKind } from '../../domain/billing-rules';
import type { SubscriptionStatus } from '../../domain/subscription';
import type { ActivityKind, ConsoleRepo, OperationEntry } from '../console-repo';
import type { OperationOutcome, OperationSource } from '../operation-repo';
import { toOperationRecord, toSubscription, type OperationRow, type SubscriptionRow } from '../row-mapping';
import { param, type MssqlDatabase, type SqlParam } from './mssql-database';

/** The console's aggregate queries on Azure SQL (as sqlite-console.ts). */
export function mssqlConsole(db: MssqlDatabase): ConsoleRepo {
  const s = db.s;
  return {
    async tallySubscriptions() {
      const { rows } = await db.query<{ offer_id: string; plan_id: string; status: SubscriptionStatus; subscriptions: number; seats: number }>(
        `SELECT offer_id, plan_id, status, COUNT(*) AS subscriptions, COALESCE(SUM(CAST(quantity AS bigint)), 0) AS seats
        FROM ${s}.subscriptions GROUP BY offer_id, plan_id, status ORDER BY offer_id, plan_id, status`,
      );
      return rows.map((r) => ({
        offerId: r.offer_id,
        planId: r.plan_id,
        status: r.status,
        subscriptions: Number(r.subscriptions),
        seats: Number(r.seats),
      }));
    },

    async searchSubscriptions(search) {
      const where: string[] = [];
      const params: Record<string, SqlParam> = {};
      const text = search.text?.trim().toLowerCase();
      if (text) {
        params.like = param.text(`%${text.replace(/[\\%_[]/g, (c) => `\\${c}`)}%`);
        where.push(`(${['id', 'name', 'beneficiary_tenant_id', 'purchaser_tenant_id', 'beneficiary_email', 'purchaser_email']
          .map((c) => `LOWER(${c}) LIKE @like ESCAPE '\\'`)
          .join(' OR ')})`);
      }
      if (search.offerId) {
        where.push('offer_id = @offerId');
        params.offerId = param.text(search.offerId);
      }
      if (search.planId) {
        where.push('plan_id = @planId');
        params.planId = param.text(search.planId);
      }
      if (search.status) {
        where.push('status = @status');
        params.status = param.text(search.status);
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      // One pass over the matches gives the page and their number (as in SQLite).
      const { rows } = await db.query<SubscriptionRow & { total_matches: number }>(
        `SELECT *, COUNT(*) OVER () AS total_matches FROM ${s}.subscriptions ${clause} ORDER BY created_at DESC, id
        OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY`,
        { ...params, offset: param.int(search.offset), limit: param.int(search.limit) },
      );
      let total = rows[0] ? Number(rows[0].total_matches) : 0;
      if (!rows[0] && search.offset > 0) {
        const count = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${s}.subscriptions ${clause}`, params);
        total = Number(count.rows[0]?.n ?? 0);
      }
      return { total, rows: rows.map(({ total_matches: _total, ...row }) => toSubscription(row)) };
    },

    async lifecycleSince(from) {
      const { rows } = await db.query<{ created: number; suspended: number; cancelled: number }>(
        `SELECT
          (SELECT COUNT(*) FROM ${s}.subscriptions WHERE created_at >= @from) AS created,
          (SELECT COUNT(DISTINCT subscription_id) FROM ${s}.subscription_operations WHERE created_at >= @from
            AND status = N'Applied' AND to_status = N'Suspended' AND (from_status IS NULL OR from_status <> to_status)) AS suspended,
          (SELECT COUNT(DISTINCT subscription_id) FROM ${s}.subscription_operations WHERE created_at >= @from
            AND status = N'Applied' AND to_status = N'Unsubscribed' AND (from_status IS NULL OR from_status <> to_status)) AS cancelled`,
        { from: param.time(from) },
      );
      const r = rows[0];
      return { created: Number(r?.created ?? 0), suspended: Number(r?.suspended ?? 0), cancelled: Number(r?.cancelled ?? 0) };
    },

    async turnsByDay(from, to) {
      const { rows } = await db.query<{ day: string; n: number }>(
        `SELECT CONVERT(char(10), CAST(occurred_at AS date), 23) AS day, COUNT(*) AS n FROM ${s}.usage_events
        WHERE occurred_at >= @from AND occurred_at < @to
        GROUP BY CAST(occurred_at AS date) ORDER BY CAST(occurred_at AS date)`,
        { from: param.time(from), to: param.time(to) },
      );
      return rows.map((r) => ({ day: r.day, count: Number(r.n) }));
    },

    async acceptedByMonth(from, to) {
      const { rows } = await db.query<{ month: string; plan_id: string; dimension: UsageKind; quantity: number }>(
        `SELECT CONVERT(char(7), hour_start, 126) AS month, plan_id, dimension, SUM(accepted_quantity) AS quantity
        FROM ${s}.metered_usage_reports WHERE status = N'Accepted' AND hour_start >= @from
          AND (@to IS NULL OR hour_start < @to)
        GROUP BY CONVERT(char(7), hour_start, 126), plan_id, dimension
        ORDER BY month, plan_id, dimension`,
        { from: param.time(from), to: param.time(to) },
      );
      return rows.map((r) => ({ month: r.month, planId: r.plan_id, dimension: r.dimension, quantity: Number(r.quantity) }));
    },

    async recentOperations(filter) {
      const clause = filter.source ? 'WHERE source = @source' : '';
      const params: Record<string, SqlParam> = filter.source ? { source: param.text(filter.source) } : {};
      const count = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${s}.subscription_operations ${clause}`, params);
      const { rows } = await db.query<OperationRow & { id: number | string }>(
        `SELECT * FROM ${s}.subscription_operations ${clause} ORDER BY created_at DESC, id DESC
        OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY`,
        { ...params, offset: param.int(filter.offset), limit: param.int(filter.limit) },
      );
      return {
        total: Number(count.rows[0]?.n ?? 0),
        rows: rows.map((r): OperationEntry => ({ id: Number(r.id), ...toOperationRecord(r) })),
      };
    },

    async operationCounts(from) {
      const { rows } = await db.query<{ source: OperationSource; action: string; status: OperationOutcome; n: number }>(
        `SELECT source, action, status, COUNT(*) AS n FROM ${s}.subscription_operations WHERE created_at >= @from
        GROUP BY source, action, status ORDER BY source, action, status`,
        { from: param.time(from) },
      );
      return rows.map((r) => ({ source: r.source, action: r.action, status: r.status, count: Number(r.n) }));
    },

    async recordActivity(kind, at) {
      await db.query(
        `MERGE ${s}.activity_tallies WITH (HOLDLOCK) AS t
        USING (SELECT @day AS day, @kind AS kind) AS k ON t.day = k.day AND t.kind = k.kind
        WHEN MATCHED THEN UPDATE SET count = t.count + 1
        WHEN NOT MATCHED THEN INSERT (day, kind, count) VALUES (@day, @kind, 1);`,
        { day: param.text(at.toISOString().slice(0, 10)), kind: param.text(kind) },
      );
    },

    async activityByDay(from) {
      const { rows } = await db.query<{ day: string; kind: ActivityKind; count: number }>(
        `SELECT day, kind, count FROM ${s}.activity_tallies WHERE day >= @from ORDER BY day, kind`,
        { from: param.text(from.toISOString().slice(0, 10)) },
      );
      return rows.map((r) => ({ day: r.day, kind: r.kind, count: Number(r.count) }));
    },
  };
}
