import type { Subscription } from '../../src/domain/subscription';
import type { Store } from '../../src/store/store';

let counter = 0;

/** Stores a subscription for a tenant; fields default to a Subscribed business plan with a term from 1 March. */
export async function seedSubscription(
  store: Store,
  fields: Partial<Subscription> & { tenantId: string },
): Promise<Subscription> {
  const { tenantId, ...rest } = fields;
  counter += 1;
  const created = new Date('2026-03-01T00:00:00.000Z');
  const subscription: Subscription = {
    id: `sub-${tenantId}-${counter}`,
    name: `Subscription of ${tenantId}`,
    offerId: 'offer',
    planId: 'business',
    status: 'Subscribed',
    purchaser: { tenantId, objectId: `${tenantId}-purchaser` },
    beneficiary: { tenantId, objectId: `${tenantId}-purchaser` },
    term: { startDate: new Date('2026-03-01T00:00:00.000Z'), termUnit: 'P1M' },
    autoRenew: true,
    isTest: false,
    isFreeTrial: false,
    createdAt: created,
    updatedAt: created,
    ...rest,
  };
  await store.subscriptions.upsert(subscription);
  return subscription;
}
