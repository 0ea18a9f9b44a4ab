import type { Subscription } from '../domain/subscription';
import { storableStatus } from '../domain/subscription-lifecycle';
import type { ApiSubscription } from './fulfillment-types';

/**
 * The Marketplace's view of a subscription in our words. What the API leaves out is kept from what we already
 * had (tolerant reading), and `createdAt`/`activatedAt` stay ours. A subscription we hold as Unsubscribed stays
 * Unsubscribed whatever the API says (final: src/domain/subscription-lifecycle.ts).
 */
export function toDomainSubscription(api: ApiSubscription, existing: Subscription | undefined, now: Date): Subscription {
  const term = api.term?.startDate
    ? {
        startDate: api.term.startDate,
        ...(api.term.endDate ? { endDate: api.term.endDate } : {}),
        ...(api.term.termUnit ? { termUnit: api.term.termUnit } : {}),
      }
    : existing?.term;
  const quantity = api.quantity ?? existing?.quantity;
  const publisherId = api.publisherId ?? existing?.publisherId;
  return {
    id: api.id,
    name: api.name ?? existing?.name ?? '',
    offerId: api.offerId ?? existing?.offerId ?? '',
    ...(publisherId ? { publisherId } : {}),
    planId: api.planId ?? existing?.planId ?? '',
    ...(quantity !== undefined ? { quantity } : {}),
    status: storableStatus(existing?.status, api.status ?? existing?.status ?? 'PendingFulfillmentStart'),
    purchaser: { ...existing?.purchaser, ...api.purchaser },
    beneficiary: { ...existing?.beneficiary, ...api.beneficiary },
    ...(term ? { term } : {}),
    autoRenew: api.autoRenew ?? existing?.autoRenew ?? false,
    isTest: api.isTest ?? existing?.isTest ?? false,
    isFreeTrial: api.isFreeTrial ?? existing?.isFreeTrial ?? false,
    createdAt: existing?.createdAt ?? api.created ?? now,
    updatedAt: now,
    ...(existing?.activatedAt ? { activatedAt: existing.activatedAt } : {}),
  };
}

/** What differs between two states of a subscription, in the fields reconciliation repairs. */
export function subscriptionDrift(stored: Subscription, truth: Subscription): string[] {
  const drift: string[] = [];
  if (stored.status !== truth.status) drift.push(`status ${stored.status} → ${truth.status}`);
  if (stored.planId !== truth.planId) drift.push(`plan ${stored.planId} → ${truth.planId}`);
  if ((stored.quantity ?? null) !== (truth.quantity ?? null))
    drift.push(`quantity ${stored.quantity ?? '-'} → ${truth.quantity ?? '-'}`);
  const start = (s: Subscription) => s.term?.startDate.toISOString() ?? '-';
  const end = (s: Subscription) => s.term?.endDate?.toISOString() ?? '-';
  if (stored.isFreeTrial !== truth.isFreeTrial)
    drift.push(stored.isFreeTrial ? 'free trial → converted to paid' : 'paid → free trial');
  if (start(stored) !== start(truth) || end(stored) !== end(truth))
    drift.push(`term ${start(stored)}..${end(stored)} → ${start(truth)}..${end(truth)}`);
  return drift;
}
