import type Database from 'better-sqlite3';
import type { UsageKind } from '../../domain/billing-rules';
import type { SubscriptionStatus } from '../../domain/subscription';
import type { ActivityKind, ConsoleRepo, OperationEntry } from '../console-repo';
import type { OperationOutcome, OperationSource } from '../operation-repo';
import { toOperationRecord, toSubscription, type OperationRow, type SubscriptionRow } from '../row-mapping';
import type { WriteBatcher } from './write-batcher';

const DAY_MS = 86_400_000;
const isoDay = (dayNumber: number) => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);

/** The console's aggregate queries on the embedded store (see ConsoleRepo). */
export function sqliteConsole(db: Database.Database, batcher: WriteBatcher): ConsoleRepo {
  const tally = db.prepare(`SELECT offer_id, plan_id, status, COUNT(*) AS subscriptions,
      COALESCE(SUM(quantity), 0) AS seats FROM subscriptions GROUP BY offer_id, plan_id, status
    ORDER BY offer_id, plan_id, status`);
  const created = db.prepare('SELECT COUNT(*) AS n FROM subscriptions WHERE created_at >= ?');
  const movedTo = db.prepare(`SELECT COUNT(DISTINCT subscription_id) AS n FROM subscription_operations
    WHERE created_at >= ? AND status = 'Applied' AND to_status = ? AND (from_status IS NULL OR from_status <> to_status)`);
  // A covering scan of the occurred_at index: the day is computed from the time alone.
  const turns = db.prepare(`SELECT occurred_at / ${DAY_MS} AS d, COUNT(*) AS n FROM usage_events
    WHERE occurred_at >= ? AND occurred_at < ? GROUP BY d ORDER BY d`);
  const accepted = db.prepare(`SELECT strftime('%Y-%m', hour_start / 1000, 'unixepoch') AS month, plan_id, dimension,
      SUM(accepted_quantity) AS quantity
    FROM metered_usage_reports WHERE status = 'Accepted' AND hour_start >= ? AND hour_start < ?
    GROUP BY month, plan_id, dimension ORDER BY month, plan_id, dimension`);
  const opsCount = db.prepare(`SELECT source, action, status, COUNT(*) AS n FROM subscription_operations
    WHERE created_at >= ? GROUP BY source, action, status ORDER BY source, action, status`);
  const addActivity = db.prepare(`INSERT INTO activity_tallies (day, kind, count) VALUES (?, ?, 1)
    ON CONFLICT (day, kind) DO UPDATE SET count = count + 1`);
  const activity = db.prepare('SELECT day, kind, count FROM activity_tallies WHERE day >= ? ORDER BY day, kind');

  return {
    async tallySubscriptions() {
      const rows = tally.all() as { offer_id: string; plan_id: string; status: SubscriptionStatus; subscriptions: number; seats: number }[];
      return rows.map((r) => ({ offerId: r.offer_id, planId: r.plan_id, status: r.status, subscriptions: r.subscriptions, seats: r.seats }));
    },

    async searchSubscriptions(search) {
      const where: string[] = [];
      const params: Record<string, string | number> = {};
      const text = search.text?.trim().toLowerCase();
      if (text) {
        // LIKE with the user's text as data: % and _ are escaped so they match themselves.
        params.like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        where.push(`(${['id', 'name', 'beneficiary_tenant_id', 'purchaser_tenant_id', 'beneficiary_email', 'purchaser_email']
          .map((c) => `lower(${c}) LIKE @like ESCAPE '\\'`)
          .join(' OR ')})`);
      }
      if (search.offerId) {
        where.push('offer_id = @offerId');
        params.offerId = search.offerId;
      }
      if (search.planId) {
        where.push('plan_id = @planId');
        params.planId = search.planId;
      }
      if (search.status) {
        where.push('status = @status');
        params.status = search.status;
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      // One pass over the matches gives the page and their number (the text match is the costly part).
      const rows = db
        .prepare(`SELECT *, COUNT(*) OVER () AS total_matches FROM subscriptions ${clause}
          ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: search.limit, offset: search.offset }) as (SubscriptionRow & { total_matches: number })[];
      const total =
        rows[0]?.total_matches ??
        (search.offset > 0 ? (db.prepare(`SELECT COUNT(*) AS n FROM subscriptions ${clause}`).get(params) as { n: number }).n : 0);
      return { total, rows: rows.map(({ total_matches: _total, ...row }) => toSubscription(row)) };
    },

    async lifecycleSince(from) {
      const t = from.getTime();
      return {
        created: (created.get(t) as { n: number }).n,
        suspended: (movedTo.get(t, 'Suspended') as { n: number }).n,
        cancelled: (movedTo.get(t, 'Unsubscribed') as { n: number }).n,
      };
    },

    async turnsByDay(from, to) {
      const rows = turns.all(from.getTime(), to.getTime()) as { d: number; n: number }[];
      return rows.map((r) => ({ day: isoDay(r.d), count: r.n }));
    },

    async acceptedByMonth(from, to) {
      const rows = accepted.all(from.getTime(), to?.getTime() ?? Number.MAX_SAFE_INTEGER) as { month: string; plan_id: string; dimension: UsageKind; quantity: number }[];
      return rows.map((r) => ({ month: r.month, planId: r.plan_id, dimension: r.dimension, quantity: r.quantity }));
    },

    async recentOperations(filter) {
      const clause = filter.source ? 'WHERE source = @source' : '';
      const params = filter.source ? { source: filter.source } : {};
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM subscription_operations ${clause}`).get(params) as { n: number }).n;
      const rows = db
        .prepare(`SELECT * FROM subscription_operations ${clause} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: filter.limit, offset: filter.offset }) as (OperationRow & { id: number })[];
      return { total, rows: rows.map((r): OperationEntry => ({ id: r.id, ...toOperationRecord(r) })) };
    },

    async operationCounts(from) {
      const rows = opsCount.all(from.getTime()) as { source: OperationSource; action: string; status: OperationOutcome; n: number }[];
      return rows.map((r) => ({ source: r.source, action: r.action, status: r.status, count: r.n }));
    },

    async recordActivity(kind, at) {
      await batcher.run(() => addActivity.run(at.toISOString().slice(0, 10), kind));
    },

    async activityByDay(from) {
      const rows = activity.all(from.toISOString().slice(0, 10)) as { day: string; kind: ActivityKind; count: number }[];
      return rows.map((r) => ({ day: r.day, kind: r.kind, count: r.count }));
    },
  };
}
