import type { UsageKind } from './billing-rules';
import type { BillingPeriod } from './periods';
import type { Plan } from './plans';
import type { Subscription } from './subscription';

/**
 * Why a message turn is refused (DESIGN.md "Entitlement"). Each reason maps to one friendly card at the edge.
 */
export type Refusal =
  | { kind: 'no-tenant' }
  | { kind: 'no-user' }
  | { kind: 'no-subscription'; subscription?: Subscription }
  | { kind: 'pending'; subscription: Subscription }
  | { kind: 'suspended'; subscription: Subscription }
  | { kind: 'unknown-plan'; subscription: Subscription }
  | { kind: 'no-seat'; subscription: Subscription; seats: number; revoked: boolean }
  /** Microsoft manages the offer's licences and this user has none that allows use (or Graph could not say). */
  | { kind: 'no-licence'; subscription: Subscription; state: 'none' | 'inactive' | 'suspended' | 'unreachable' }
  | {
      kind: 'quota-exceeded';
      subscription: Subscription;
      plan: Plan;
      dimension: UsageKind;
      used: number;
      included: number;
      period: BillingPeriod;
    };

/**
 * The subscription that speaks for a tenant: the one whose beneficiary tenant matches, preferring `Subscribed`,
 * then the newest (a tenant that unsubscribed and bought again has two).
 */
export function pickTenantSubscription(candidates: readonly Subscription[]): Subscription | undefined {
  let best: Subscription | undefined;
  for (const s of candidates) {
    if (!best) {
      best = s;
      continue;
    }
    const sActive = s.status === 'Subscribed';
    const bestActive = best.status === 'Subscribed';
    if (sActive !== bestActive) {
      if (sActive) best = s;
      continue;
    }
    if (s.createdAt.getTime() > best.createdAt.getTime()) best = s;
  }
  return best;
}

/**
 * Every subscription that may speak for a tenant, best first, one per offer (a tenant may hold one of each offer a
 * deployment sells): within an offer, `pickTenantSubscription`'s choice; across offers, Subscribed first, then
 * per-user before flat-rate (users with a seat or licence use it; the others fall through to the flat-rate one),
 * then the newest. The gate tries them in this order.
 */
export function rankTenantSubscriptions(
  candidates: readonly Subscription[],
  isPerUser: (subscription: Subscription) => boolean,
): Subscription[] {
  const byOffer = new Map<string, Subscription[]>();
  for (const s of candidates) byOffer.set(s.offerId, [...(byOffer.get(s.offerId) ?? []), s]);
  const best = [...byOffer.values()].map((group) => pickTenantSubscription(group)!);
  const rank = (s: Subscription) => (s.status === 'Subscribed' ? 0 : 2) + (isPerUser(s) ? 0 : 1);
  return best.sort((a, b) => rank(a) - rank(b) || b.createdAt.getTime() - a.createdAt.getTime());
}

/** The refusal the subscription's status alone calls for, or `null` when it may go on to seats and quota. */
export function statusRefusal(subscription: Subscription | undefined): Refusal | null {
  if (!subscription) return { kind: 'no-subscription' };
  switch (subscription.status) {
    case 'Subscribed':
      return null;
    case 'NotStarted':
    case 'PendingFulfillmentStart':
      return { kind: 'pending', subscription };
    case 'Suspended':
      return { kind: 'suspended', subscription };
    case 'Unsubscribed':
      return { kind: 'no-subscription', subscription };
  }
}
