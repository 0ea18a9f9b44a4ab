import { USAGE_KINDS, type UsageKind } from '../domain/billing-rules';
import { utcDay } from '../domain/usage-report';
import { billingPeriodAt } from '../domain/periods';
import type { PlanCatalog } from '../domain/plans';
import { roundMoney } from '../domain/usage-report';
import type { MeteringReport, MeteringStatus, Store } from '../store/store';

export interface BilledSubscription {
  subscriptionId: string;
  name: string;
  tenantId?: string;
  planId: string;
  periodStart: string;
  units: Record<UsageKind, number>;
  amount: number;
  currency: string;
}

/** Retrying hours join the attention list after this many failed calls (METERING_MAX_ATTEMPTS). */
export const DEFAULT_ATTENTION_ATTEMPTS = 8;

export interface MeteringOverviewView {
  generatedAt: string;
  /** Problems of the worker that last until they are cleared (e.g. it cannot authenticate to the Marketplace). */
  alerts: { key: string; message: string; since: string; lastSeen: string; count: number }[];
  byStatus: Partial<Record<MeteringStatus, { reports: number; quantity: number }>>;
  /** Conflicts, failures, held reports and hours retrying for long: what the operator must look at. */
  attention: Pick<
    MeteringReport,
    | 'id'
    | 'subscriptionId'
    | 'dimension'
    | 'hourStart'
    | 'status'
    | 'quantity'
    | 'acceptedQuantity'
    | 'attempts'
    | 'errorCode'
    | 'errorMessage'
    | 'requestId'
    | 'correlationId'
  >[];
  /** Units accepted by the Marketplace in each subscription's current billing period, and their price. */
  billedThisPeriod: BilledSubscription[];
}

/**
 * The operator's view of metering (the `/metering` command and the admin JSON endpoint). "This period" is each
 * subscription's own billing period; periods start at midnight UTC, so accepted units per day add up exactly.
 */
export async function meteringOverview(
  store: Store,
  catalog: PlanCatalog,
  now: Date,
  options: { attentionLimit?: number; attentionAttempts?: number } = {},
): Promise<MeteringOverviewView> {
  const [overview, subscriptions, alerts] = await Promise.all([
    store.metering.overview(options.attentionLimit ?? 20, options.attentionAttempts ?? DEFAULT_ATTENTION_ATTEMPTS),
    store.subscriptions.list(),
    store.alerts.active(),
  ]);
  const periodStart = new Map(subscriptions.map((s) => [s.id, billingPeriodAt(now, s.term).start]));
  const earliest = new Date(Math.min(now.getTime(), ...[...periodStart.values()].map((d) => d.getTime())));
  const days = await store.metering.acceptedByDay(earliest);
  const billed = new Map<string, BilledSubscription>();
  for (const d of days) {
    const start = periodStart.get(d.subscriptionId);
    if (!start || d.day < utcDay(start)) continue;
    const subscription = subscriptions.find((s) => s.id === d.subscriptionId)!;
    const plan = catalog.get(subscription.planId);
    const entry =
      billed.get(d.subscriptionId) ??
      ({
        subscriptionId: d.subscriptionId,
        name: subscription.name,
        ...(subscription.beneficiary.tenantId ? { tenantId: subscription.beneficiary.tenantId } : {}),
        planId: subscription.planId,
        periodStart: start.toISOString(),
        units: Object.fromEntries(USAGE_KINDS.map((dim) => [dim, 0])) as Record<UsageKind, number>,
        amount: 0,
        currency: plan?.currency ?? 'EUR',
      } satisfies BilledSubscription);
    entry.units[d.dimension] += d.quantity;
    entry.amount = roundMoney(entry.amount + d.quantity * (plan?.dimensions[d.dimension].overagePrice ?? 0));
    billed.set(d.subscriptionId, entry);
  }
  return {
    generatedAt: now.toISOString(),
    alerts: alerts.map((a) => ({
      key: a.key,
      message: a.message,
      since: a.firstSeenAt.toISOString(),
      lastSeen: a.lastSeenAt.toISOString(),
      count: a.count,
    })),
    byStatus: overview.byStatus,
    attention: overview.attention.map((r) => ({
      id: r.id,
      subscriptionId: r.subscriptionId,
      dimension: r.dimension,
      hourStart: r.hourStart,
      status: r.status,
      quantity: r.quantity,
      attempts: r.attempts,
      ...(r.acceptedQuantity !== undefined ? { acceptedQuantity: r.acceptedQuantity } : {}),
      ...(r.errorCode ? { errorCode: r.errorCode } : {}),
      ...(r.errorMessage ? { errorMessage: r.errorMessage } : {}),
      ...(r.requestId ? { requestId: r.requestId } : {}),
      ...(r.correlationId ? { correlationId: r.correlationId } : {}),
    })),
    billedThisPeriod: [...billed.values()].sort(
      (a, b) => b.amount - a.amount || a.subscriptionId.localeCompare(b.subscriptionId),
    ),
  };
}
