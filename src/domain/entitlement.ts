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
