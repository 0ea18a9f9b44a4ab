import type { Comparison } from './billed-vs-sent';
import type { AlertEvent, AlertEventType, AlertSeverity, AlertValue } from './alert-events';

/**
 * The alert of each trigger, free of SDK types: its type, severity, problem and state (the dedup rule of
 * alert-events.ts) and its data. `id` and `occurredAt` are added by the caller (OperatorAlerts.raise).
 */
export type AlertDraft = Omit<AlertEvent, 'id' | 'occurredAt'>;

const hourOf = (d: Date) => d.toISOString().slice(0, 13) + ':00Z';

/** The metering statuses that need the operator, and the alert each raises. */
const METERING_ALERTS: Partial<Record<string, { type: AlertEventType; severity: AlertSeverity; what: string }>> = {
  Conflict: { type: 'metering.conflict', severity: 'critical', what: 'the Marketplace holds another quantity for' },
  Failed: { type: 'metering.refused', severity: 'critical', what: 'the Marketplace refused' },
  Held: { type: 'metering.held', severity: 'warning', what: 'the Marketplace holds (subscription not active)' },
  Expired: { type: 'metering.carried', severity: 'info', what: 'units carried into a later hour from' },
};

export interface MeteringOutcome {
  subscriptionId: string;
  dimension: string;
  hourStart: Date;
  /** The report's status after the attempt (Accepted, Conflict, Retry, Held, Expired, Failed…). */
  status: string;
  quantity: number;
  attempts: number;
}

/** One alert per metering hour and status: a hold retried every half hour alerts once, a hold that fails alerts again. */
export function meteringAlert(outcome: MeteringOutcome): AlertDraft | undefined {
  const kind = METERING_ALERTS[outcome.status];
  if (!kind) return undefined;
  const hour = hourOf(outcome.hourStart);
  return {
    type: kind.type,
    severity: kind.severity,
    problem: `metering:${outcome.subscriptionId}:${outcome.dimension}:${hour}`,
    state: outcome.status,
    summary: `Metering: ${kind.what} ${outcome.quantity} ${outcome.dimension} units of ${hour} (subscription ${outcome.subscriptionId}).`,
    subscriptionId: outcome.subscriptionId,
    data: { dimension: outcome.dimension, hourStart: hour, quantity: outcome.quantity, status: outcome.status, attempts: outcome.attempts },
  };
}

/** The worker's Marketplace calls are answered 401/403: one alert while it lasts (resolved by the next answered call). */
export const MARKETPLACE_AUTH_PROBLEM = 'marketplace.auth';
export function marketplaceAuthAlert(input: { status?: number; detail: string }): AlertDraft {
  return {
    type: 'marketplace.auth_failed',
    severity: 'critical',
    problem: MARKETPLACE_AUTH_PROBLEM,
    state: 'failing',
    summary: 'The metering worker cannot authenticate to the Marketplace; usage is kept and retried.',
    data: { httpStatus: input.status ?? null, detail: input.detail.slice(0, 300) },
  };
}

/** Billed (Marketplace) and sent (ours) quantities disagree for a subscription, dimension and period. */
export function billingMismatchAlert(input: {
  subscriptionId: string;
  dimension: string;
  /** `YYYY-MM-DD` or a period start: what the comparison covers. */
  period: string;
  sent: number;
  billed: number;
}): AlertDraft {
  return {
    type: 'billing.mismatch',
    severity: 'critical',
    problem: `billing:${input.subscriptionId}:${input.dimension}:${input.period}`,
    state: `${input.sent}/${input.billed}`,
    summary: `Billing: the Marketplace billed ${input.billed} ${input.dimension} units for ${input.period}, we sent ${input.sent} (subscription ${input.subscriptionId}).`,
    subscriptionId: input.subscriptionId,
    data: { dimension: input.dimension, period: input.period, sent: input.sent, billed: input.billed },
  };
}

/**
 * A key the billed-vs-sent comparison found wrong (src/domain/billed-vs-sent.ts), as a `billing.mismatch`: what the
 * ledger sent against what the Marketplace billed for that day (a rejected row bills nothing).
 */
export function billedVsSentAlert(c: Comparison): AlertDraft {
  return billingMismatchAlert({
    subscriptionId: c.subscriptionId,
    dimension: c.dimension,
    period: c.day,
    sent: c.ledgerQuantity ?? 0,
    billed: c.outcome === 'Rejected' ? 0 : (c.processedQuantity ?? c.submittedQuantity ?? 0),
  });
}

/** Webhook calls refused (bad or missing token) in a burst: one alert per burst. */
export const WEBHOOK_REFUSALS_PROBLEM = 'webhook.refusals';
export function refusalsBurstAlert(input: { refusals: number; windowMinutes: number; lastReason: string }): AlertDraft {
  return {
    type: 'webhook.refusals_burst',
    severity: 'warning',
    problem: WEBHOOK_REFUSALS_PROBLEM,
    state: 'burst',
    summary: `Webhook: ${input.refusals} calls refused (no valid Marketplace token) within ${input.windowMinutes} minutes.`,
    data: { refusals: input.refusals, windowMinutes: input.windowMinutes, lastReason: input.lastReason.slice(0, 100) },
  };
}

export function driftRepairedAlert(input: { subscriptionId: string; drift: string; toStatus: string; toPlanId: string }): AlertDraft {
  return {
    type: 'reconciliation.drift_repaired',
    severity: 'warning',
    problem: `reconciliation:${input.subscriptionId}`,
    state: `${input.drift}|${input.toStatus}|${input.toPlanId}`,
    summary: `Reconciliation repaired subscription ${input.subscriptionId}: ${input.drift}.`,
    subscriptionId: input.subscriptionId,
    data: { drift: input.drift.slice(0, 500), toStatus: input.toStatus, toPlanId: input.toPlanId },
  };
}

/** Milestones of a secret's expiry: an alert when it first comes within 30 days, then within 7, within 1, and when it lapses. */
const SECRET_MILESTONES = [30, 7, 1] as const;
export function secretExpiringAlert(input: {
  variable: string;
  label: string;
  daysLeft: number;
  expired: boolean;
  expiresAt: Date;
}): AlertDraft | undefined {
  const milestone = SECRET_MILESTONES.filter((m) => input.daysLeft <= m).pop();
  if (milestone === undefined && !input.expired) return undefined;
  return {
    type: 'secret.expiring',
    severity: input.expired || (milestone ?? 0) <= 7 ? 'critical' : 'warning',
    problem: `secret:${input.variable}`,
    state: input.expired ? 'expired' : `within-${milestone}`,
    summary: input.expired
      ? `${input.label} (${input.variable}) has expired: rotate it.`
      : `${input.label} (${input.variable}) expires in ${input.daysLeft} days: rotate it.`,
    data: {
      variable: input.variable,
      daysLeft: input.daysLeft,
      expired: input.expired,
      expiresAt: input.expiresAt.toISOString().slice(0, 10),
    },
  };
}

export type LifecycleType = 'subscription.created' | 'subscription.suspended' | 'subscription.reinstated' | 'subscription.cancelled';

/**
 * A subscription's lifecycle: `created` once per subscription; suspended, reinstated and cancelled share one problem
 * per subscription, so each change alerts and a redelivered or repeated one does not.
 */
export function lifecycleAlert(
  type: LifecycleType,
  input: { subscriptionId: string; tenantId?: string; planId?: string; quantity?: number; operationId?: string },
): AlertDraft {
  const verb = type.slice('subscription.'.length);
  const data: Record<string, AlertValue> = {
    planId: input.planId ?? null,
    quantity: input.quantity ?? null,
    operationId: input.operationId ?? null,
  };
  return {
    type,
    severity: type === 'subscription.created' || type === 'subscription.reinstated' ? 'info' : 'warning',
    problem: type === 'subscription.created' ? `subscription.created:${input.subscriptionId}` : `subscription:${input.subscriptionId}`,
    state: verb,
    summary: `Subscription ${input.subscriptionId} ${verb}${input.planId ? ` (plan ${input.planId})` : ''}.`,
    subscriptionId: input.subscriptionId,
    ...(input.tenantId ? { tenantId: input.tenantId } : {}),
    data,
  };
}

/** A user reported an AI answer (h-feedback's content reports): one alert per report. Never the reported text. */
export function contentReportAlert(input: { reportId: string; tenantId: string; reason?: string; subscriptionId?: string }): AlertDraft {
  return {
    type: 'feedback.content_report',
    severity: 'warning',
    problem: `feedback:${input.reportId}`,
    state: 'reported',
    summary: `A user of tenant ${input.tenantId} reported an AI answer${input.reason ? ` (${input.reason.slice(0, 60)})` : ''}.`,
    tenantId: input.tenantId,
    ...(input.subscriptionId ? { subscriptionId: input.subscriptionId } : {}),
    data: { reportId: input.reportId, reason: input.reason?.slice(0, 60) ?? null },
  };
}
