import type { Subscription } from '../../src/domain/subscription';

/**
 * The benchmarks' subscription of a tenant: Subscribed on one of the catalog's plans (Business unless told), its term
 * from this month's 1st.
 */
export function benchSubscription(id: string, tenantId: string, now = new Date(), planId = 'business'): Subscription {
  return {
    id,
    name: 'bench',
    offerId: 'offer',
    planId,
    status: 'Subscribed',
    purchaser: { tenantId },
    beneficiary: { tenantId },
    term: { startDate: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)) },
    autoRenew: true,
    isTest: true,
    isFreeTrial: false,
    createdAt: now,
    updatedAt: now,
  };
}
