import type { Subscription } from '../../src/domain/subscription';

/** The benchmarks' subscription of a tenant: Subscribed on the catalog's Business plan, its term from this month's 1st. */
export function benchSubscription(id: string, tenantId: string, now = new Date()): Subscription {
  return {
    id,
    name: 'bench',
    offerId: 'offer',
    planId: 'business',
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
