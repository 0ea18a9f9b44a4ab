import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../../src/domain/clock';
import { messageActivity, postActivity } from '../helpers/activities';
import { FakeClock } from '../helpers/fake-clock';
import { activateOnLanding, startMarketplaceHarness, type MarketplaceHarness } from '../helpers/marketplace-harness';

/**
 * Free trials with the emulator: the shipped per-user plan offers one, so a purchase starts as a trial
 * (`isFreeTrial`), tenant admins see the days left, the trial converts with the renewal of its one-month term
 * (webhook, or reconciliation when the webhook was missed) or ends with an Unsubscribe.
 */
describe('free trial lifecycle', () => {
  let h: MarketplaceHarness;
  let clock: FakeClock;
  const chat = (tenantId: string, userId: string, text: string) =>
    postActivity(h.app.url, messageActivity({ tenantId, userId, text }));
  const answered = (text: string) => text.includes('[Offline demo model]');

  beforeAll(async () => {
    clock = new FakeClock(new Date('2026-04-01T08:00:00.000Z'));
    h = await startMarketplaceHarness({}, { clock });
  });
  afterAll(() => h.close());

  async function trial(tenantId: string, buyer: string): Promise<string> {
    const bought = h.emulator.buy({ planId: 'team-seat', quantity: 2, tenantId, objectId: buyer });
    await activateOnLanding(h, bought.landingUrl);
    return bought.subscriptionId;
  }

  it('a purchase of a plan with a free trial is a trial; admins see the days left; nothing is billed', async () => {
    const id = await trial('tenant-trial', 'admin-1');
    expect(await h.app.store.subscriptions.get(id)).toMatchObject({ isFreeTrial: true, status: 'Subscribed' });
    expect((await chat('tenant-trial', 'admin-1', '/plan')).text).toContain('Free trial: 30 days left');
    expect(answered((await chat('tenant-trial', 'admin-1', 'Please draft a short note')).text)).toBe(true);
    clock.advance(10 * DAY);
    expect((await chat('tenant-trial', 'admin-1', '/usage')).text).toContain('Free trial: 20 days left');
    await h.app.settled();
    const counters = await h.app.store.usage.counters(id, new Date('2026-04-01T00:00:00.000Z'));
    expect(counters.reduce((n, c) => n + c.used, 0)).toBe(1);
  });

  it('converts with the renewal of its term: the webhook stores a paid subscription', async () => {
    const id = (await h.app.store.subscriptions.list()).find((s) => s.beneficiary.tenantId === 'tenant-trial')!.id;
    clock.advance(21 * DAY);
    expect((await h.emulator.trigger(id, 'Renew')).webhookStatus).toBe(200);
    expect(await h.app.store.subscriptions.get(id)).toMatchObject({ isFreeTrial: false, status: 'Subscribed' });
    const plan = (await chat('tenant-trial', 'admin-1', '/plan')).text;
    expect(plan).toContain('Team (per user) plan');
    expect(plan).not.toContain('Free trial');
  });

  it('a conversion whose webhook was missed is repaired by reconciliation', async () => {
    const id = await trial('tenant-missed', 'admin-2');
    h.emulator.configure({ webhookUrl: 'http://127.0.0.1:9/api/webhook' });
    await h.emulator.trigger(id, 'Renew').catch(() => undefined);
    h.emulator.configure({ webhookUrl: `${h.app.url}/api/webhook` });
    expect((await h.app.store.subscriptions.get(id))?.isFreeTrial).toBe(true);
    const summary = await h.app.reconcile();
    expect(summary.repaired.find((r) => r.subscriptionId === id)?.drift).toContain('free trial → converted to paid');
    expect((await h.app.store.subscriptions.get(id))?.isFreeTrial).toBe(false);
  });

  it('a trial cancelled before it converts ends the subscription: members are refused', async () => {
    const id = await trial('tenant-cancel', 'admin-3');
    expect((await h.emulator.trigger(id, 'Unsubscribe')).webhookStatus).toBe(200);
    const refused = await chat('tenant-cancel', 'admin-3', 'hello?');
    expect(answered(refused.text)).toBe(false);
    expect(refused.text).toContain('subscription has ended');
  });
});
