import * as sql from 'mssql';
import type { MssqlStore } from '../../src/store/mssql/mssql-store';
import type { RetentionStoreUnderTest } from './retention-contract';

/** The retention contract's view of an isolated Azure SQL schema (`cleanup` drops it). */
export function mssqlRetentionHarness(store: MssqlStore, cleanup: () => Promise<void>): RetentionStoreUnderTest {
  const s = store.db.s;
  return {
    store,
    async count(table, where) {
      const { rows } = await store.db.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM ${s}.${table}${where ? ` WHERE ${where.column} = @v` : ''}`,
        where ? { v: { type: sql.NVarChar(sql.MAX), value: where.value } } : {},
      );
      return rows[0]!.n;
    },
    async dailyRows() {
      const { rows } = await store.db.query<{
        subscription_id: string;
        day: string;
        user_id: string;
        dimension: string;
        plan_id: string;
        turns: number;
        units: string | number;
        billable_units: string | number;
        tokens: string | number;
      }>(`SELECT subscription_id, CONVERT(char(10), day, 23) AS day, user_id, dimension, plan_id, turns, units,
          billable_units, tokens FROM ${s}.usage_daily`);
      return rows.map((r) => ({
        subscriptionId: r.subscription_id,
        day: r.day,
        userId: r.user_id,
        dimension: r.dimension,
        planId: r.plan_id,
        turns: r.turns,
        units: Number(r.units),
        billableUnits: Number(r.billable_units),
        tokens: Number(r.tokens),
      }));
    },
    async totalRows() {
      const { rows } = await store.db.query<{
        subscription_id: string;
        day: string;
        dimension: string;
        turns: number;
        units: string | number;
        billable_units: string | number;
        tokens: string | number;
      }>(`SELECT subscription_id, CONVERT(char(10), day, 23) AS day, dimension, turns, units, billable_units, tokens
          FROM ${s}.usage_daily_totals`);
      return rows.map((r) => ({
        subscriptionId: r.subscription_id,
        day: r.day,
        dimension: r.dimension,
        turns: r.turns,
        units: Number(r.units),
        billableUnits: Number(r.billable_units),
        tokens: Number(r.tokens),
      }));
    },
    async periodUserRows() {
      const { rows } = await store.db.query<{
        subscription_id: string;
        period_start: Date;
        user_id: string;
        turns: number;
        units: string | number;
      }>(`SELECT subscription_id, period_start, user_id, turns, units FROM ${s}.usage_period_users`);
      return rows.map((r) => ({
        subscriptionId: r.subscription_id,
        periodStart: r.period_start.toISOString(),
        userId: r.user_id,
        turns: r.turns,
        units: Number(r.units),
      }));
    },
    async acceptAllBuckets() {
      await store.db.query(`UPDATE ${s}.metered_usage_reports SET status = N'Accepted'`);
    },
    cleanup,
  };
}
