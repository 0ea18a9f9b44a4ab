import type Database from 'better-sqlite3';
import type { TenantDataRepo } from '../store';
import type { WriteBatcher } from './write-batcher';

/** The tenant's subscriptions: those it is the beneficiary of (the purchaser's tenant may be another). */
const SUBSCRIPTIONS = 'SELECT id FROM subscriptions WHERE beneficiary_tenant_id = @tenant';

/**
 * Every table that holds data of a tenant, with the rows that are its: one entry per facet, deleted in this order
 * (rows that point at others first, subscriptions last). A feature that stores tenant data (feedback, history,
 * tickets, alerts, conversation references…) adds its facet here, and its table to the erasure test.
 */
export const SQLITE_TENANT_FACETS: readonly { name: string; where: string; table: string }[] = [
  {
    name: 'usage_outbox',
    table: 'usage_outbox',
    where: 'usage_event_id IN (SELECT id FROM usage_events WHERE tenant_id = @tenant)',
  },
  {
    name: 'metering_consumed',
    table: 'metering_consumed',
    where: 'usage_event_id IN (SELECT id FROM usage_events WHERE tenant_id = @tenant)',
  },
  {
    name: 'usage_daily',
    table: 'usage_daily',
    where: `subscription_id IN (${SUBSCRIPTIONS}) OR (tenant_id = @tenant
      AND subscription_id IN (SELECT DISTINCT subscription_id FROM usage_events WHERE tenant_id = @tenant))`,
  },
  // The smaller aggregates `stats` reads (migration 0012): the per-user one as usage_daily; the chart's totals,
  // without user or tenant, are the subscription's.
  {
    name: 'usage_period_users',
    table: 'usage_period_users',
    where: `subscription_id IN (${SUBSCRIPTIONS}) OR (tenant_id = @tenant
      AND subscription_id IN (SELECT DISTINCT subscription_id FROM usage_events WHERE tenant_id = @tenant))`,
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
    where: 'ticket_number IN (SELECT ticket_number FROM support_tickets WHERE tenant_id = @tenant)',
  },
  { name: 'support_tickets', table: 'support_tickets', where: 'tenant_id = @tenant' },
  { name: 'tenant_notices', table: 'tenant_notices', where: 'tenant_id = @tenant' },
  { name: 'notification_preferences', table: 'notification_preferences', where: 'tenant_id = @tenant' },
  { name: 'conversation_refs', table: 'conversation_refs', where: "ref_key LIKE 'user:' || @tenant || ':%'" },
  { name: 'billed_vs_sent_rows', table: 'billed_vs_sent_rows', where: `subscription_id IN (${SUBSCRIPTIONS})` },
  { name: 'tenant_admins', table: 'tenant_admins', where: 'tenant_id = @tenant' },
  { name: 'tenant_users', table: 'tenant_users', where: 'tenant_id = @tenant' },
  { name: 'subscriptions', table: 'subscriptions', where: 'beneficiary_tenant_id = @tenant' },
];

/** The large facets are deleted first in chunks of this many rows, each its own short transaction. */
const CHUNK = 5_000;
const CHUNKED = new Set(['usage_daily', 'usage_period_users', 'usage_events']);

/** The primary keys of the chunked tables without rowid (WITHOUT ROWID): their chunks go by primary key. */
const KEYS: Record<string, string> = {
  usage_daily: 'subscription_id, day, user_id, dimension, plan_id',
  usage_period_users: 'subscription_id, period_start, user_id',
};

export function sqliteTenantData(db: Database.Database, batcher: WriteBatcher): TenantDataRepo {
  const chunkOf = (f: (typeof SQLITE_TENANT_FACETS)[number]) => {
    if (!CHUNKED.has(f.name)) return undefined;
    const key = KEYS[f.name] ?? 'rowid';
    return db.prepare(`DELETE FROM ${f.table} WHERE (${key}) IN (SELECT ${key} FROM ${f.table} WHERE ${f.where} LIMIT ${CHUNK})`);
  };
  const facets = SQLITE_TENANT_FACETS.map((f) => ({
    name: f.name,
    count: db.prepare(`SELECT COUNT(*) FROM ${f.table} WHERE ${f.where}`).pluck(),
    remove: db.prepare(`DELETE FROM ${f.table} WHERE ${f.where}`),
    chunk: chunkOf(f),
  }));
  // Deleting the newest events lowers the rollup marks (see sqlite-retention.ts): a reused rowid stays above them.
  const lowerMarks = db.prepare(`UPDATE usage_rollup_state SET
      rolled_through = MIN(rolled_through, (SELECT COALESCE(MAX(rowid), 0) FROM usage_events)),
      text_scrubbed_through = MIN(text_scrubbed_through, (SELECT COALESCE(MAX(rowid), 0) FROM usage_events))
    WHERE id = 1`);

  return {
    async count(tenantId) {
      batcher.flushNow();
      return Object.fromEntries(facets.map((f) => [f.name, f.count.get({ tenant: tenantId }) as number]));
    },
    async erase(tenantId) {
      const deleted: Record<string, number> = Object.fromEntries(facets.map((f) => [f.name, 0]));
      // The outbox and consumed rows point at events: they go with the first chunks' events, never after them.
      for (const f of facets) {
        const statement = f.chunk;
        if (!statement) continue;
        for (;;) {
          const n = await batcher.run(() => {
            if (f.name === 'usage_events') {
              for (const dependent of facets.slice(0, 2))
                deleted[dependent.name]! += dependent.remove.run({ tenant: tenantId }).changes;
            }
            const changes = statement.run({ tenant: tenantId }).changes;
            if (f.name === 'usage_events') lowerMarks.run();
            return changes;
          });
          deleted[f.name]! += n;
          if (n < CHUNK) break;
        }
      }
      await batcher.run(() => {
        for (const f of facets) deleted[f.name]! += f.remove.run({ tenant: tenantId }).changes;
        lowerMarks.run();
      });
      return deleted;
    },
  };
}
