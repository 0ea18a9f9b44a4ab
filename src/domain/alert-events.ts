/**
 * Operator alert events (issue 13, part 1): what the publisher must know about without watching logs. Each event has
 * a stable `type`, a unique `id` and a documented shape (docs/alert-events.schema.json, README "Operator alerts").
 *
 * Deduplication: every event names the *problem* it is about (`problem`, e.g. one metering hour, one subscription,
 * one secret) and what that problem looks like now (`state`). A problem alerts once per state: the same problem
 * raised again in the same state is a repeat (counted, not delivered); a new state (held → refused, suspended →
 * reinstated, 30 → 7 days left) is a new alert, and so is the same state after the problem was resolved.
 */
export const ALERT_EVENT_TYPES = [
  'metering.conflict',
  'metering.refused',
  'metering.held',
  'metering.carried',
  'marketplace.auth_failed',
  'billing.mismatch',
  'webhook.refusals_burst',
  'reconciliation.drift_repaired',
  'secret.expiring',
  'subscription.created',
  'subscription.suspended',
  'subscription.reinstated',
  'subscription.cancelled',
  'feedback.content_report',
] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

export type AlertSeverity = 'info' | 'warning' | 'critical';

/** Values an event's `data` may hold: JSON scalars only, never message text or secrets. */
export type AlertValue = string | number | boolean | null;

export interface AlertEvent {
  /** Unique, time-ordered (UUID v7): receivers deduplicate on it. */
  id: string;
  type: AlertEventType;
  severity: AlertSeverity;
  occurredAt: Date;
  /** The problem this event is about: one alert per problem and state. */
  problem: string;
  /** What the problem looks like now. */
  state: string;
  /** One English line for logs, chat tools and CRMs (Teams messages are built in the operator's language). */
  summary: string;
  tenantId?: string;
  subscriptionId?: string;
  data: Readonly<Record<string, AlertValue>>;
}

/** The payload of the signed webhook: the event as JSON (docs/alert-events.schema.json). */
export interface AlertPayload {
  specVersion: '1';
  id: string;
  type: AlertEventType;
  severity: AlertSeverity;
  occurredAt: string;
  problem: string;
  summary: string;
  tenantId?: string;
  subscriptionId?: string;
  data: Readonly<Record<string, AlertValue>>;
}

export function alertPayload(event: AlertEvent): AlertPayload {
  return {
    specVersion: '1',
    id: event.id,
    type: event.type,
    severity: event.severity,
    occurredAt: event.occurredAt.toISOString(),
    problem: event.problem,
    summary: event.summary,
    ...(event.tenantId ? { tenantId: event.tenantId } : {}),
    ...(event.subscriptionId ? { subscriptionId: event.subscriptionId } : {}),
    data: event.data,
  };
}

export function isAlertEventType(value: unknown): value is AlertEventType {
  return typeof value === 'string' && (ALERT_EVENT_TYPES as readonly string[]).includes(value);
}
