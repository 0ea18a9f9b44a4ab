import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../../src/domain/clock';
import type { SubscriptionOperationRecord } from '../../src/store/store';
import { messageActivity, postActivity } from '../helpers/activities';
import { FakeClock } from '../helpers/fake-clock';
import { Browser, startMarketplaceHarness, type MarketplaceHarness } from '../helpers/marketplace-harness';

/**
 * "The Marketplace's state is the truth" (DESIGN.md "Lifecycle truth"), on real HTTP with the emulator: deliveries
 * replayed late and out of order, operations the Marketplace itself settled (Failed, Conflict, or accepted before
 * our PATCH, which then gets 409), and lifecycle actions whose subscription moved on since. One fake clock for both
 * sides, moved a minute between operations so that their times differ.
 */
describe('webhook: the Marketplace state wins over late, out-of-order and failed operations', () => {
  let h: MarketplaceHarness;
  let clock: FakeClock;
  let tenants = 0;

  beforeAll(async () => {
    clock = new FakeClock(new Date());
    h = await startMarketplaceHarness({}, { clock });
  });
  afterAll(() => h.close());

  /** A Subscribed subscription of a tenant of its own, known to the bot. */
  const subscribed = async (planId = 'business') => {
    const tenantId = `truth-tenant-${++tenants}`;
    const { subscriptionId } = h.emulator.buy({ planId, tenantId, objectId: `${tenantId}-buyer` });
    await h.app.fulfillment.activate(subscriptionId, { planId });
    await h.app.reconcile();
    expect((await h.app.store.subscriptions.get(subscriptionId))?.status).toBe('Subscribed');
    return { subscriptionId, tenantId };
  };
  const later = () => clock.advance(MINUTE);
  const stored = async (id: string) => (await h.app.store.subscriptions.get(id))!;
  const recordOf = async (subscriptionId: string, operationId: string): Promise<SubscriptionOperationRecord | undefined> =>
    (await h.app.store.operations.list(subscriptionId)).find((r) => r.operationId === operationId);
  const chat = async (tenantId: string) =>
    (await postActivity(h.app.url, messageActivity({ tenantId, userId: `${tenantId}-buyer`, text: 'are you there?' }))).text;
  const answered = (text: string) => text.includes('[Offline demo model]');

  it('Reinstate and Renew delivered after the Unsubscribe: stays Unsubscribed, the gate refuses', async () => {
    const { subscriptionId, tenantId } = await subscribed();
    later();
    expect((await h.emulator.trigger(subscriptionId, 'Suspend')).webhookStatus).toBe(200);
    later();
    const reinstate = await h.emulator.trigger(subscriptionId, 'Reinstate', {}, { deliver: false });
    later();
    const renew = await h.emulator.trigger(subscriptionId, 'Renew', {}, { deliver: false });
    later();
    expect((await h.emulator.trigger(subscriptionId, 'Unsubscribe')).webhookStatus).toBe(200);
    expect((await stored(subscriptionId)).status).toBe('Unsubscribed');

    // Microsoft retries for hours: the two held-back deliveries arrive now, after the Unsubscribe.
    later();
    expect((await h.emulator.redeliver(reinstate.operationId)).status).toBe(200);
    expect((await h.emulator.redeliver(renew.operationId)).status).toBe(200);
    expect(h.emulator.subscription(subscriptionId)?.saasSubscriptionStatus).toBe('Unsubscribed');
    expect((await stored(subscriptionId)).status).toBe('Unsubscribed');
    for (const op of [reinstate, renew]) {
      expect(await recordOf(subscriptionId, op.operationId)).toMatchObject({
        status: 'Ignored',
        fromStatus: 'Unsubscribed',
        toStatus: 'Unsubscribed',
        detail: expect.stringContaining('Unsubscribed, which is final'),
      });
    }
    const refused = await chat(tenantId);
    expect(refused).toContain('subscription has ended');
    expect(answered(refused)).toBe(false);

    // Nor does reconciliation bring it back.
    await h.app.reconcile();
    expect((await stored(subscriptionId)).status).toBe('Unsubscribed');
  });

  it('an older Suspend delivered after a newer Reinstate does not suspend', async () => {
    const { subscriptionId, tenantId } = await subscribed();
    later();
    const suspend = await h.emulator.trigger(subscriptionId, 'Suspend', {}, { deliver: false });
    later();
    expect((await h.emulator.trigger(subscriptionId, 'Reinstate')).webhookStatus).toBe(200);
    later();
    const late = await h.emulator.redeliver(suspend.operationId);
    expect(late).toMatchObject({ status: 200, body: { result: 'ignored' } });
    expect((await stored(subscriptionId)).status).toBe('Subscribed');
    expect(await recordOf(subscriptionId, suspend.operationId)).toMatchObject({
      status: 'Ignored',
      detail: expect.stringContaining('out of order'),
    });
    expect(answered(await chat(tenantId))).toBe(true);
  });

  it('an older ChangePlan delivered after a newer one does not undo it', async () => {
    const { subscriptionId } = await subscribed();
    later();
    const first = await h.emulator.trigger(subscriptionId, 'ChangePlan', { planId: 'enterprise' }, { deliver: false });
    // Nobody answered: the Marketplace accepted that change on its own.
    h.emulator.settleOperation(subscriptionId, first.operationId, 'Succeeded');
    later();
    const second = await h.emulator.trigger(subscriptionId, 'ChangePlan', { planId: 'starter' });
    expect(second.webhookStatus).toBe(200);
    expect((await stored(subscriptionId)).planId).toBe('starter');
    later();
    expect((await h.emulator.redeliver(first.operationId)).status).toBe(200);
    expect((await stored(subscriptionId)).planId).toBe('starter');
    expect(h.emulator.subscription(subscriptionId)?.planId).toBe('starter');
    expect((await recordOf(subscriptionId, first.operationId))?.status).toBe('Ignored');
  });

  it.each(['Failed', 'Conflict'] as const)('a ChangePlan the Marketplace reports %s is not applied', async (status) => {
    const { subscriptionId } = await subscribed();
    later();
    const op = await h.emulator.trigger(subscriptionId, 'ChangePlan', { planId: 'enterprise' }, { deliver: false });
    h.emulator.settleOperation(subscriptionId, op.operationId, status, { message: 'Payment instrument declined.' });
    const res = await h.emulator.redeliver(op.operationId);
    expect(res).toMatchObject({ status: 200, body: { result: 'ignored' } });
    expect((await stored(subscriptionId)).planId).toBe('business');
    expect(await recordOf(subscriptionId, op.operationId)).toMatchObject({
      status: 'Ignored',
      toPlanId: 'business',
      detail: expect.stringMatching(new RegExp(`operation ${status}.*Payment instrument declined`)),
    });
  });

  it.each([
    ['Succeeded', 'enterprise', 'Applied'],
    ['Failed', 'business', 'Ignored'],
    ['Conflict', 'business', 'Ignored'],
  ] as const)(
    'PATCH answered 409 (the Marketplace settled it first as %s): GET again and follow it',
    async (settledAs, planAfter, outcome) => {
      const { subscriptionId } = await subscribed();
      later();
      h.emulator.settleOnNextPatch(subscriptionId, settledAs);
      const op = await h.emulator.trigger(subscriptionId, 'ChangePlan', { planId: 'enterprise' });
      expect(op.webhookStatus).toBe(200);
      expect(op.operation.status).toBe(settledAs);
      expect((await stored(subscriptionId)).planId).toBe(planAfter);
      expect(await recordOf(subscriptionId, op.operationId)).toMatchObject({
        status: outcome,
        detail: expect.stringContaining(`answered 409: the Marketplace settled it as ${settledAs}`),
      });
    },
  );

  it('a late Reinstate stores what GET subscription says (suspended again since), not what its name implies', async () => {
    const { subscriptionId, tenantId } = await subscribed();
    later();
    expect((await h.emulator.trigger(subscriptionId, 'Suspend')).webhookStatus).toBe(200);
    later();
    const reinstate = await h.emulator.trigger(subscriptionId, 'Reinstate', {}, { deliver: false });
    later();
    const suspendAgain = await h.emulator.trigger(subscriptionId, 'Suspend', {}, { deliver: false });
    expect((await h.emulator.redeliver(reinstate.operationId)).status).toBe(200);
    expect((await stored(subscriptionId)).status).toBe('Suspended');
    expect(await recordOf(subscriptionId, reinstate.operationId)).toMatchObject({
      status: 'Applied',
      toStatus: 'Suspended',
      detail: 'GET subscription says Suspended, not Subscribed',
    });
    expect(await chat(tenantId)).toContain('on hold');
    expect((await h.emulator.redeliver(suspendAgain.operationId)).status).toBe(200);
    expect((await stored(subscriptionId)).status).toBe('Suspended');
  });

  it('Suspend, Reinstate and Renew store GET subscription’s plan, quantity and term', async () => {
    const { subscriptionId, tenantId } = await subscribed('team-seat');
    later();
    // A seat change the Marketplace accepted on its own, whose webhook never came.
    const seats = await h.emulator.trigger(subscriptionId, 'ChangeQuantity', { quantity: 12 }, { deliver: false });
    h.emulator.settleOperation(subscriptionId, seats.operationId, 'Succeeded');
    later();
    expect((await h.emulator.trigger(subscriptionId, 'Suspend')).webhookStatus).toBe(200);
    expect(await stored(subscriptionId)).toMatchObject({ status: 'Suspended', planId: 'team-seat', quantity: 12 });
    later();
    expect((await h.emulator.trigger(subscriptionId, 'Reinstate')).webhookStatus).toBe(200);
    expect(await stored(subscriptionId)).toMatchObject({ status: 'Subscribed', quantity: 12 });
    clock.advance(32 * DAY);
    expect((await h.emulator.trigger(subscriptionId, 'Renew')).webhookStatus).toBe(200);
    const truth = h.emulator.subscription(subscriptionId)!;
    const after = await stored(subscriptionId);
    expect(after.term?.startDate.toISOString()).toBe(truth.term.startDate);
    expect(after.term?.endDate?.toISOString()).toBe(truth.term.endDate);
    expect(after.status).toBe('Subscribed');
    expect(answered(await chat(tenantId))).toBe(true);
    // The seat change's own delivery, now late: older than what is stored, ignored (its effect is already there).
    expect((await h.emulator.redeliver(seats.operationId)).status).toBe(200);
    expect((await recordOf(subscriptionId, seats.operationId))?.status).toBe('Ignored');
    expect((await stored(subscriptionId)).quantity).toBe(12);
  });

  it('a subscription stored as Unsubscribed stays so when the Marketplace still lists it otherwise (landing, reconciliation)', async () => {
    const tenantId = `truth-tenant-${++tenants}`;
    const bought = h.emulator.buy({ planId: 'business', tenantId, objectId: `${tenantId}-buyer` });
    const browser = new Browser();
    expect((await browser.get(bought.landingUrl)).body).toContain('Activate your subscription');
    // We recorded its end (say, from an Unsubscribe the API no longer shows); the API, lagging, says otherwise.
    const mine = await stored(bought.subscriptionId);
    await h.app.store.subscriptions.upsert({ ...mine, status: 'Unsubscribed' });

    const again = await browser.get(bought.landingUrl);
    expect(again.status).toBe(200);
    expect(again.body).not.toContain('Activate your subscription');
    expect((await stored(bought.subscriptionId)).status).toBe('Unsubscribed');
    await h.app.reconcile();
    expect((await stored(bought.subscriptionId)).status).toBe('Unsubscribed');
    expect(h.emulator.subscription(bought.subscriptionId)?.saasSubscriptionStatus).toBe('PendingFulfillmentStart');
  });
});
