import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/domain/catalog-parser';
import { HOUR } from '../../src/domain/clock';
import { messageActivity, postActivity } from '../helpers/activities';
import { FakeClock } from '../helpers/fake-clock';
import { activateOnLanding, EMULATOR_TOKEN, startMarketplaceHarness, type MarketplaceHarness } from '../helpers/marketplace-harness';
import { tempDir } from '../helpers/temp-dir';

const TENANT = 'b5a1d7c2-7f35-4c3a-9e0b-1f7c2a9d4e61';
const FAVOURED = '0c7e4b8a-2d5f-4e19-8a63-5b9f1c2d3e4f';
const BUYER = 'buyer-1';

/** Two offers of one publisher, with its own dimension ids: what the bot and the emulator both sell. */
export const TWO_OFFERS = {
  currency: 'EUR',
  offers: [
    {
      id: 'acme-assistant',
      publisherId: 'acme',
      pricingModel: 'flatRate',
      dimensions: [
        { id: 'std-msg', displayName: 'Messages', unitOfMeasure: 'per message' },
        { id: 'gpt_msg', displayName: 'Premium messages', unitOfMeasure: 'per message' },
      ],
      usageDimensions: { messages: 'std-msg', premium_messages: 'gpt_msg' },
      plans: [
        {
          id: 'acme-metered',
          displayName: 'Acme metered',
          prices: { P1M: 10 },
          dimensions: { 'std-msg': { included: 1, pricePerUnit: 0.5 }, gpt_msg: { included: 0, pricePerUnit: 1 } },
        },
        {
          id: 'acme-private',
          displayName: 'Acme private',
          prices: { P1M: 5 },
          private: { tenants: [FAVOURED] },
          dimensions: { 'std-msg': { included: 'unlimited' }, gpt_msg: { included: 10, hardCap: true } },
        },
      ],
    },
    {
      id: 'acme-assistant-users',
      publisherId: 'acme',
      pricingModel: 'perUser',
      plans: [{ id: 'acme-seat', displayName: 'Acme seat', prices: { P1M: 5 }, minUsers: 1, maxUsers: 10 }],
    },
  ],
};

/**
 * One deployment selling two offers (a flat-rate metered one and a per-user one) to one tenant that holds both:
 * purchase through the landing page, answers (seat holders on the per-user subscription, everyone else on the
 * flat-rate one), metering under the offer's own dimension ids, and webhooks per subscription.
 */
describe('two offers in one deployment', () => {
  let h: MarketplaceHarness;
  let clock: FakeClock;
  let seatSub: string;
  let flatSub: string;
  const chat = (text: string, userId: string) => postActivity(h.app.url, messageActivity({ tenantId: TENANT, userId, text }));
  const answered = (text: string) => text.includes('[Offline demo model]');

  beforeAll(async () => {
    clock = new FakeClock(new Date('2026-05-04T09:10:00.000Z'));
    const file = path.join(tempDir('two-offers-'), 'catalog.json');
    fs.writeFileSync(file, JSON.stringify(TWO_OFFERS));
    const catalog = parseCatalog(TWO_OFFERS, 'two offers');
    h = await startMarketplaceHarness(
      { PLAN_CATALOG_FILE: file, WORKER: 'in-process', METERING_GRACE_MINUTES: '5' },
      { clock, emulatorPlans: catalog.plans, app: { startWorker: false } },
    );
  });
  afterAll(() => h?.close());

  async function purchase(planId: string, quantity?: number): Promise<string> {
    const bought = h.emulator.buy({ planId, tenantId: TENANT, objectId: BUYER, ...(quantity ? { quantity } : {}) });
    await activateOnLanding(h, bought.landingUrl);
    return bought.subscriptionId;
  }

  it('a tenant buys one plan of each offer; each subscription is stored with its offer', async () => {
    seatSub = await purchase('acme-seat', 1);
    flatSub = await purchase('acme-metered');
    expect(await h.app.store.subscriptions.get(seatSub)).toMatchObject({ offerId: 'acme-assistant-users', status: 'Subscribed' });
    expect(await h.app.store.subscriptions.get(flatSub)).toMatchObject({ offerId: 'acme-assistant', status: 'Subscribed' });
  });

  it('the seat holder is answered on the per-user subscription, the others on the flat-rate one', async () => {
    expect(answered((await chat('hello from the buyer', BUYER)).text)).toBe(true);
    expect(await h.app.store.seats.list(seatSub)).toEqual([expect.objectContaining({ userId: BUYER })]);
    // The only seat is taken: a colleague falls through to the flat-rate subscription (and uses its allowance).
    expect(answered((await chat('first question', 'colleague')).text)).toBe(true);
    expect(answered((await chat('second question', 'colleague')).text)).toBe(true);
    await h.app.settled();
    const db = (h.app.store as unknown as { db: import('better-sqlite3').Database }).db;
    const perSubscription = db
      .prepare('SELECT subscription_id AS s, COUNT(*) AS n FROM usage_events GROUP BY subscription_id')
      .all() as { s: string; n: number }[];
    expect(Object.fromEntries(perSubscription.map((r) => [r.s, r.n]))).toEqual({ [seatSub]: 1, [flatSub]: 2 });
  });

  it('metering sends the overage under the offer’s own dimension id and the plan of the hour', async () => {
    clock.advance(2 * HOUR);
    await h.app.worker!.runOnce();
    expect(h.emulator.acceptedUsage()).toEqual([
      expect.objectContaining({ resourceId: flatSub, dimension: 'std-msg', planId: 'acme-metered', quantity: 1 }),
    ]);
  });

  it('webhooks act on the subscription they name: a suspended per-user subscription leaves the flat-rate one', async () => {
    expect((await h.emulator.trigger(seatSub, 'ChangeQuantity', { quantity: 3 })).webhookStatus).toBe(200);
    expect((await h.app.store.subscriptions.get(seatSub))?.quantity).toBe(3);
    expect((await h.emulator.trigger(seatSub, 'Suspend')).webhookStatus).toBe(200);
    expect((await h.app.store.subscriptions.get(flatSub))?.status).toBe('Subscribed');
    // The buyer's seat is on hold with its subscription; the flat-rate subscription still answers.
    expect(answered((await chat('still there?', BUYER)).text)).toBe(true);
    expect((await h.emulator.trigger(flatSub, 'Suspend')).webhookStatus).toBe(200);
    const refused = await chat('and now?', BUYER);
    expect(answered(refused.text)).toBe(false);
    expect(refused.text).toContain('on hold');
  });

  it('a private plan is sold and listed only to the tenants it names', async () => {
    expect(() => h.emulator.buy({ planId: 'acme-private', tenantId: TENANT })).toThrow(/private/);
    const favoured = h.emulator.buy({ planId: 'acme-private', tenantId: FAVOURED });
    const listed = (sub: string) =>
      fetch(`${h.emulatorUrl}/api/saas/subscriptions/${sub}/listAvailablePlans?api-version=2018-08-31`, {
        headers: { authorization: `Bearer ${EMULATOR_TOKEN}` },
      }).then(async (r) => ((await r.json()) as { plans: { planId: string; isPrivate: boolean }[] }).plans);
    expect((await listed(favoured.subscriptionId)).map((p) => p.planId)).toEqual(['acme-metered', 'acme-private']);
    expect((await listed(flatSub)).map((p) => p.planId)).toEqual(['acme-metered']);
  });
});
