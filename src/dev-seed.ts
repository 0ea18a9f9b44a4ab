import { PLAYGROUND_TENANT_ID, PLAYGROUND_USER_ID } from './config';
import type { Clock } from './domain/clock';
import type { PlanCatalog } from './domain/plans';
import type { Logger } from './logger';
import type { Store } from './store/store';

export const DEV_SUBSCRIPTION_ID = 'dev-playground-subscription';

/**
 * Development only: a subscribed tenant for the Agents Playground's default ids, so `npm start` + the Playground
 * (or `npm run chat`) work with no set-up. Created once; later changes (webhooks in dev) are kept.
 */
export async function seedDevSubscription(deps: {
  store: Store;
  catalog: PlanCatalog;
  clock: Clock;
  logger: Logger;
}): Promise<void> {
  if (await deps.store.subscriptions.get(DEV_SUBSCRIPTION_ID)) return;
  const plan = deps.catalog.get('business') ?? deps.catalog.plans.find((p) => !p.isPricePerSeat) ?? deps.catalog.plans[0]!;
  const now = deps.clock.now();
  const party = { tenantId: PLAYGROUND_TENANT_ID, objectId: PLAYGROUND_USER_ID, emailId: 'admin@playground.example' };
  await deps.store.subscriptions.upsert({
    id: DEV_SUBSCRIPTION_ID,
    name: 'Agents Playground (development)',
    offerId: plan.offerId,
    publisherId: plan.publisherId,
    planId: plan.id,
    ...(plan.isPricePerSeat ? { quantity: 5 } : {}),
    status: 'Subscribed',
    purchaser: party,
    beneficiary: party,
    term: { startDate: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), termUnit: 'P1M' },
    autoRenew: true,
    isTest: true,
    isFreeTrial: false,
    createdAt: now,
    updatedAt: now,
    activatedAt: now,
  });
  await deps.store.admins.add({
    tenantId: PLAYGROUND_TENANT_ID,
    userId: PLAYGROUND_USER_ID,
    userName: 'Playground admin',
    addedBy: 'seed',
    addedAt: now,
  });
  deps.logger.info({ tenantId: PLAYGROUND_TENANT_ID, planId: plan.id }, 'seeded the development subscription');
}
