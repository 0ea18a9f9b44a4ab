import { PLAYGROUND_TENANT_ID, PLAYGROUND_USER_ID } from './config';
import type { Clock } from './domain/clock';
import type { PlanCatalog } from './domain/plans';
import type { Logger } from './logger';
import type { Emulator } from './dev/marketplace-emulator/emulator';
import type { Store } from './store/store';

/** A GUID, as the Marketplace's are: our webhook refuses any other subscription id (see the emulator mirror below). */
export const DEV_SUBSCRIPTION_ID = '00000000-0000-0000-0000-00000000de50';
/** The seed's id before it was a GUID: a store that has it keeps it, and is not seeded a second subscription. */
const LEGACY_DEV_SUBSCRIPTION_ID = 'dev-playground-subscription';

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
  if (await deps.store.subscriptions.get(LEGACY_DEV_SUBSCRIPTION_ID)) {
    deps.logger.info(
      { subscriptionId: LEGACY_DEV_SUBSCRIPTION_ID },
      'the development subscription predates the emulator page listing it: delete the data folder to seed it again',
    );
    return;
  }
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

/**
 * Development only: the seeded subscription on the mounted Marketplace emulator too, under the same id, plan,
 * seats, tenant and status, so that its page lists it and can suspend, change or cancel it through the real webhook
 * path. Skipped when the emulator has it already (its state file keeps it) or the store has none.
 */
export async function mirrorDevSubscription(deps: {
  store: Store;
  emulator: Pick<Emulator, 'subscription' | 'buy'>;
  logger: Logger;
}): Promise<void> {
  const seeded = await deps.store.subscriptions.get(DEV_SUBSCRIPTION_ID);
  if (!seeded || deps.emulator.subscription(DEV_SUBSCRIPTION_ID)) return;
  const status = seeded.status;
  if (status !== 'Subscribed' && status !== 'Suspended' && status !== 'Unsubscribed') return;
  deps.emulator.buy({
    planId: seeded.planId,
    ...(seeded.quantity !== undefined ? { quantity: seeded.quantity } : {}),
    tenantId: seeded.beneficiary.tenantId ?? PLAYGROUND_TENANT_ID,
    objectId: seeded.purchaser.objectId ?? PLAYGROUND_USER_ID,
    ...(seeded.purchaser.emailId ? { email: seeded.purchaser.emailId } : {}),
    name: seeded.name,
    // The emulator's term is monthly from its activation: from the seed's term start, both agree on the period.
    activatedAt: seeded.term?.startDate ?? seeded.activatedAt ?? seeded.createdAt,
    existing: { subscriptionId: seeded.id, status },
  });
  deps.logger.info({ subscriptionId: seeded.id, status }, 'the development subscription is on the emulator page too');
}
