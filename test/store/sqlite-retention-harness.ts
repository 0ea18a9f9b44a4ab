import path from 'node:path';
import { dayOfNumber } from '../../src/domain/retention';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import { tempDir } from '../helpers/temp-dir';
import type { RetentionStoreUnderTest } from './retention-contract';

/** The retention contract's view of a real SQLite file. */
export async function openSqliteRetentionHarness(): Promise<
  RetentionStoreUnderTest & { store: ReturnType<typeof openSqliteStore> }
> {
  const store = openSqliteStore(path.join(tempDir(), 'retention.sqlite'));
  const count = async (table: string, where?: { column: string; value: string }) =>
    (
      store.db
        .prepare(`SELECT COUNT(*) AS n FROM ${table}${where ? ` WHERE ${where.column} = ?` : ''}`)
        .get(...(where ? [where.value] : [])) as { n: number }
    ).n;
  return {
    store,
    count,
    async dailyRows() {
      const rows = store.db.prepare('SELECT * FROM usage_daily').all() as {
        subscription_id: string;
        day: number;
        user_id: string;
        dimension: string;
        plan_id: string;
        turns: number;
        units: number;
        billable_units: number;
        tokens: number;
      }[];
      return rows.map((r) => ({
        subscriptionId: r.subscription_id,
        day: dayOfNumber(r.day),
        userId: r.user_id,
        dimension: r.dimension,
        planId: r.plan_id,
        turns: r.turns,
        units: r.units,
        billableUnits: r.billable_units,
        tokens: r.tokens,
      }));
    },
    async totalRows() {
      const rows = store.db.prepare('SELECT * FROM usage_daily_totals').all() as {
        subscription_id: string;
        day: number;
        dimension: string;
        turns: number;
        units: number;
        billable_units: number;
        tokens: number;
      }[];
      return rows.map((r) => ({
        subscriptionId: r.subscription_id,
        day: dayOfNumber(r.day),
        dimension: r.dimension,
        turns: r.turns,
        units: r.units,
        billableUnits: r.billable_units,
        tokens: r.tokens,
      }));
    },
    async periodUserRows() {
      const rows = store.db.prepare('SELECT * FROM usage_period_users').all() as {
        subscription_id: string;
        period_start: number;
        user_id: string;
        turns: number;
        units: number;
      }[];
      return rows.map((r) => ({
        subscriptionId: r.subscription_id,
        periodStart: new Date(r.period_start).toISOString(),
        userId: r.user_id,
        turns: r.turns,
        units: r.units,
      }));
    },
    async acceptAllBuckets() {
      store.db.prepare(`UPDATE metered_usage_reports SET status = 'Accepted'`).run();
    },
    cleanup: () => store.close(),
  };
}
