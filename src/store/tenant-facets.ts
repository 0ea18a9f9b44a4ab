/** The tenant's subscriptions: those it is the beneficiary of (the purchaser's tenant may be another). */
const SUBSCRIPTIONS = 'SELECT id FROM {s}.subscriptions WHERE beneficiary_tenant_id = @tenant';

/**
 * Every table that holds data of a tenant, with the rows that are its, for both stores: one entry per facet, deleted
 * in this order (rows that point at others first, subscriptions last). A feature that stores tenant data adds its
 * facet here, and its table to the erasure test (test/store/retention-contract.ts). `{s}.` stands for the Azure SQL
 * schema (nothing in SQLite).
 */
export const TENANT_FACETS: readonly { name: string; table: string; where: string }[] = [
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
export const CHUNK = 5_000;
export const CHUNKED = new Set(['usage_daily', 'usage_period_users', 'usage_events']);
/** The facets whose rows point at usage events: deleted with the first chunk of the tenant's events, never after. */
export const EVENT_DEPENDENTS = new Set(['usage_outbox', 'metering_consumed']);
