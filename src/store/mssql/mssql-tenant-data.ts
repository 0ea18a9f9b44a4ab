import type { TenantDataRepo } from '../store';
import { param, type MssqlDatabase } from './mssql-database';

/**
 * Every table that holds data of a tenant, as src/store/sqlite/sqlite-tenant-data.ts (same facets, same order: rows
 * that point at others first, subscriptions last). A feature that stores tenant data adds its facet here too.
 * `{s}` stands for the schema.
 */
const SUBSCRIPTIONS = 'SELECT id FROM {s}.subscriptions WHERE beneficiary_tenant_id = @tenant';
export const MSSQL_TENANT_FACETS: readonly { name: string; table: string; where: string }[] = [
  {
    name: 'usage_outbox',
    table: 'usage_outbox',
    where: 'usage_event_id IN (SELECT id FROM {s}.usage_events WHERE tenant_id = @tenant)',
  },
  {
    name: 'metering_consumed',
    table: 'metering_consumed',
    where: 'usage_event_id IN (SELECT id FROM {s}.usage_events WHERE tenant_id = @tenant)',
  },
  {
    name: 'usage_daily',
    table: 'usage_daily',
    where: `subscription_id IN (${SUBSCRIPTIONS}) OR (tenant_id = @tenant
      AND subscription_id IN (SELECT subscription_id FROM {s}.usage_events WHERE tenant_id = @tenant))`,
  },
  // The smaller aggregates `stats` reads (migration 0012): the per-user one as usage_daily; the chart's totals,
  // without user or tenant, are the subscription's.
  {
    name: 'usage_period_users',
    table: 'usage_period_users',
    where: `subscription_id IN (${SUBSCRIPTIONS}) OR (tenant_id = @tenant
      AND subscription_id IN (SELECT subscription_id FROM {s}.usage_events WHERE tenant_id = @tenant))`,
  },
  { name: 'usage_daily_totals', table: 'usage_daily_totals', where: `subscription_id IN (${SUBSCRIPTIONS})` },
  { name: 'usage_events', table: 'usage_events', where: `tenant_id = @tenant OR subscription_id IN (${SUBSCRIPTIONS})` },
  { name: 'usage_counters', table: 'usage_counters', where: `subscription_id IN (${SUBSCRIPTIONS})` },
  {
    name: 'quota_reservations',
    table: 'quota_reservations',
    where: `tenant_id = @tenant OR subscription_id IN (${SUBSCRIPTIONS})`,
  },
  { name: 'turn_claims', table: 'turn_claims', where: `tenant_id = @tenant OR subscription_id IN (${SUBSCRIPTIONS})` },
  { name: 'metered_usage_reports', table: 'metered_usage_reports', where: `subscription_id IN (${SUBSCRIPTIONS})` },
  { name: 'seat_assignments', table: 'seat_assignments', where: `subscription_id IN (${SUBSCRIPTIONS})` },
  { name: 'subscription_operations', table: 'subscription_operations', where: `subscription_id IN (${SUBSCRIPTIONS})` },
  // Features of issue 10 and 13: feedback and reports, conversation history, support tickets, notices, chat references.
  { name: 'ai_feedback', table: 'ai_feedback', where: 'tenant_id = @tenant' },
  { name: 'conversation_history', table: 'conversation_history', where: 'tenant_id = @tenant' },
  {
    name: 'support_ticket_messages',
    table: 'support_ticket_messages',
    where: 'ticket_number IN (SELECT ticket_number FROM {s}.support_tickets WHERE tenant_id = @tenant)',
  },
  { name: 'support_tickets', table: 'support_tickets', where: 'tenant_id = @tenant' },
  { name: 'tenant_notices', table: 'tenant_notices', where: 'tenant_id = @tenant' },
  { name: 'notification_preferences', table: 'notification_preferences', where: 'tenant_id = @tenant' },
  { name: 'conversation_refs', table: 'conversation_refs', where: "ref_key LIKE CONCAT('user:', @tenant, ':%')" },
  { name: 'billed_vs_sent_rows', table: 'billed_vs_sent_rows', where: `subscription_id IN (${SUBSCRIPTIONS})` },
  { name: 'tenant_admins', table: 'tenant_admins', where: 'tenant_id = @tenant' },
  { name: 'tenant_users', table: 'tenant_users', where: 'tenant_id = @tenant' },
  { name: 'subscriptions', table: 'subscriptions', where: 'beneficiary_tenant_id = @tenant' },
];

/** The large facets are deleted first in chunks of this many rows, each its own short transaction. */
const CHUNK = 5_000;
const CHUNKED = new Set(['usage_daily', 'usage_period_users', 'usage_events']);

export function mssqlTenantData(db: MssqlDatabase): TenantDataRepo {
  const facets = MSSQL_TENANT_FACETS.map((f) => ({
    name: f.name,
    table: `${db.s}.${f.table}`,
    where: f.where.replaceAll('{s}', db.s),
  }));
  const tenant = (tenantId: string) => ({ tenant: param.text(tenantId) });
  return {
    async count(tenantId) {
      const result: Record<string, number> = {};
      for (const f of facets) {
        const { rows } = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${f.table} WHERE ${f.where}`, tenant(tenantId));
        result[f.name] = rows[0]?.n ?? 0;
      }
      return result;
    },
    async erase(tenantId) {
      const deleted: Record<string, number> = Object.fromEntries(facets.map((f) => [f.name, 0]));
      const dependents = facets.slice(0, 2);
      for (const f of facets) {
        if (!CHUNKED.has(f.name)) continue;
        for (;;) {
          const n = await db.transaction(async (tx) => {
            if (f.name === 'usage_events') {
              for (const d of dependents) {
                const r = await tx.query<{ n: number }>(
                  `DELETE FROM ${d.table} WHERE ${d.where}; SELECT @@ROWCOUNT AS n;`,
                  tenant(tenantId),
                );
                deleted[d.name]! += r.rows[0]?.n ?? 0;
              }
            }
            const r = await tx.query<{ n: number }>(
              `DELETE TOP (${CHUNK}) FROM ${f.table} WHERE ${f.where}; SELECT @@ROWCOUNT AS n;`,
              tenant(tenantId),
            );
            return r.rows[0]?.n ?? 0;
          });
          deleted[f.name]! += n;
          if (n < CHUNK) break;
        }
      }
      await db.transaction(async (tx) => {
        for (const f of facets) {
          const r = await tx.query<{ n: number }>(
            `DELETE FROM ${f.table} WHERE ${f.where}; SELECT @@ROWCOUNT AS n;`,
            tenant(tenantId),
          );
          deleted[f.name]! += r.rows[0]?.n ?? 0;
        }
      });
      return deleted;
    },
  };
}
