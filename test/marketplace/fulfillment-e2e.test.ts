import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../../src/domain/clock';
import { parseCatalog } from '../../src/domain/catalog-parser';
import type { Telemetry } from '../../src/telemetry/telemetry';
import { loadPlanCatalog } from '../../src/plan-catalog-source';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { messageActivity, postActivity } from '../helpers/activities';
import { FakeClock } from '../helpers/fake-clock';
import { Browser, hiddenField, startMarketplaceHarness, type MarketplaceHarness } from '../helpers/marketplace-harness';

const TENANT = 'contoso-tenant';
const BUYER = 'buyer-object-id';
/**
 * Partner Center publishes more than the bot accepts: a plan missing from the bot's catalog, and a seat plan that
 * allows up to 10,000 seats where the bot's catalog stops at 1,000. The bot must refuse those changes.
 */
const partnerCenterPlans = [
  ...loadPlanCatalog(undefined).plans.map((p) => (p.id === 'team-seat' ? { ...p, maxSeats: 10_000 } : p)),
  parseCatalog(
    {
      offers: [
        {
          id: 'teams-ai-assistant-users',
          publisherId: 'contoso',
          pricingModel: 'perUser',
          plans: [{ id: 'legacy-gold', prices: { P1M: 9 } }],
        },
      ],
    },
    'extra',
  ).plans[0]!,
];

/**
 * The whole fulfillment story on real HTTP, bot and Marketplace emulator on ephemeral ports, one fake clock for both.
 */
describe('fulfillment end to end with the Marketplace emulator', () => {
  let h: MarketplaceHarness;
  let clock: FakeClock;
  let subscriptionId: string;
  const chat = (text: string, userId = BUYER) => postActivity(h.app.url, messageActivity({ tenantId: TENANT, userId, text }));
  const answered = (text: string) => text.includes('[Offline demo model]');

  const events: string[] = [];
  const telemetry: Telemetry = {
    subscriptionEvent: (name) => void events.push(name),
    usageRecorded: () => void events.push('UsageRecorded'),
    meteringResult: () => undefined,
    billedVsSent: () => undefined,
    dependency: () => undefined,
    flush: async () => undefined,
  };

  beforeAll(async () => {
    clock = new FakeClock(new Date());
    h = await startMarketplaceHarness({}, { clock, emulatorPlans: partnerCenterPlans, app: { telemetry } });
  });
  afterAll(() => h.close());

  it('refuses the tenant before it has bought anything', async () => {
    expect((await chat('Please draft a short note')).text).toContain('has not subscribed');
  });

  it('buy → landing page → Activate → success page with the Teams deep link; the purchaser becomes an admin', async () => {
    const bought = h.emulator.buy({
      planId: 'team-seat',
      quantity: 5,
      tenantId: TENANT,
      objectId: BUYER,
      email: 'ada@contoso.example',
      name: 'Contoso assistant',
    });
    subscriptionId = bought.subscriptionId;
    expect(bought.token).toMatch(/\+/);
    expect(bought.token).toMatch(/\//);

    // The bot learns of the purchase when the buyer opens the landing page.
    expect((await chat('Please draft a short note')).text).toContain('has not subscribed');

    const browser = new Browser();
    const landing = await browser.get(bought.landingUrl);
    expect(landing.status).toBe(200);
    expect(landing.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(landing.body).toContain('Activate your subscription');
    expect(landing.body).toContain('Contoso assistant');
    expect(landing.body).toContain('Team (per user)');
    expect(landing.body).toContain('ada@contoso.example');
    expect(landing.body).toMatch(/Users \(seats\)<\/dt>\s*<dd>5</);
    // Resolved, not activated: the bot asks to finish set-up, with the landing page link.
    const pending = await chat('Please draft a short note');
    expect(pending.text).toContain('almost ready');
    expect(pending.text).toContain('[Finish set-up in browser]');

    const done = await browser.postForm(`${h.app.url}/landing/activate`, {
      subscriptionId: hiddenField(landing.body, 'subscriptionId')!,
      csrf: hiddenField(landing.body, 'csrf')!,
    });
    expect(done.status).toBe(200);
    expect(done.body).toContain('You’re all set');
    expect(done.body).toContain('href="https://teams.microsoft.com/l/app/teams-app-0001"');
    expect(h.emulator.subscription(subscriptionId)?.saasSubscriptionStatus).toBe('Subscribed');
    expect(await h.app.store.admins.isAdmin(TENANT, BUYER)).toBe(true);

    // Opening the link again shows the manage view.
    const again = await browser.get(bought.landingUrl);
    expect(again.body).toContain('Your subscription');
    expect(again.body).toContain('This billing period');
  });

  it('the bot now answers the tenant', async () => {
    expect(answered((await chat('What can you do?')).text)).toBe(true);
    expect((await chat('/usage')).text).toContain('Usage this period');
  });

  it('ChangeQuantity accepted: PATCH Success, seats updated', async () => {
    const result = await h.emulator.trigger(subscriptionId, 'ChangeQuantity', { quantity: 8 });
    expect(result.webhookStatus).toBe(200);
    expect(result.operation.status).toBe('Succeeded');
    expect((await h.app.store.subscriptions.get(subscriptionId))?.quantity).toBe(8);
  });

  it('ChangeQuantity out of range rejected: PATCH Failure, 400, nothing changed', async () => {
    const result = await h.emulator.trigger(subscriptionId, 'ChangeQuantity', { quantity: 5000 });
    expect(result.webhookStatus).toBe(400);
    expect(result.operation.status).toBe('Failed');
    expect((await h.app.store.subscriptions.get(subscriptionId))?.quantity).toBe(8);
  });

  it('ChangePlan accepted: the bot uses the new plan at once', async () => {
    const result = await h.emulator.trigger(subscriptionId, 'ChangePlan', { planId: 'team-plus' });
    expect(result.webhookStatus).toBe(200);
    expect(result.operation.status).toBe('Succeeded');
    expect((await h.app.store.subscriptions.get(subscriptionId))?.planId).toBe('team-plus');
    expect((await chat('/plan')).text).toContain('Team Plus (per user) plan');
  });

  it('ChangePlan to a plan the bot does not offer rejected', async () => {
    const result = await h.emulator.trigger(subscriptionId, 'ChangePlan', { planId: 'legacy-gold' });
    expect(result.webhookStatus).toBe(400);
    expect(result.operation.status).toBe('Failed');
    expect((await h.app.store.subscriptions.get(subscriptionId))?.planId).toBe('team-plus');
    expect(h.emulator.subscription(subscriptionId)?.planId).toBe('team-plus');
  });

  it('Suspend: the next message is refused', async () => {
    expect((await h.emulator.trigger(subscriptionId, 'Suspend')).webhookStatus).toBe(200);
    const res = await chat('still there?');
    expect(res.text).toContain('on hold');
    expect(answered(res.text)).toBe(false);
  });

  it('Reinstate: answered again', async () => {
    expect((await h.emulator.trigger(subscriptionId, 'Reinstate')).webhookStatus).toBe(200);
    expect(answered((await chat('back?')).text)).toBe(true);
    // Its usage is written in the background, within 50 ms of the answer: before the next event here.
    await h.app.settled();
  });

  it('Renew: a new term, a new billing period with a fresh allowance', async () => {
    const before = await h.app.store.subscriptions.get(subscriptionId);
    clock.advance(32 * DAY);
    expect((await h.emulator.trigger(subscriptionId, 'Renew')).webhookStatus).toBe(200);
    const after = await h.app.store.subscriptions.get(subscriptionId);
    expect(after!.term!.startDate.getTime()).toBeGreaterThan(before!.term!.startDate.getTime());
    await chat('first question of the new term');
    const usage = (await chat('/usage')).text;
    expect(usage).toContain('Standard messages: 1 of 8,000');
  });

  it('Unsubscribe: refused, data kept', async () => {
    expect((await h.emulator.trigger(subscriptionId, 'Unsubscribe')).webhookStatus).toBe(200);
    const res = await chat('hello?');
    expect(res.text).toContain('subscription has ended');
    await h.app.settled();
    const db = (h.app.store as SqliteStore).db;
    expect(
      (db.prepare('SELECT COUNT(*) AS n FROM usage_events WHERE subscription_id = ?').get(subscriptionId) as { n: number }).n,
    ).toBe(3);
    expect((await h.app.store.subscriptions.get(subscriptionId))?.status).toBe('Unsubscribed');
  });

  it('recorded every operation once with its before and after', async () => {
    const ops = await h.app.store.operations.list(subscriptionId);
    expect(ops.map((o) => `${o.action}:${o.status}`)).toEqual([
      'Activate:Applied',
      'ChangeQuantity:Applied',
      'ChangeQuantity:Rejected',
      'ChangePlan:Applied',
      'ChangePlan:Rejected',
      'Suspend:Applied',
      'Reinstate:Applied',
      'Renew:Applied',
      'Unsubscribe:Applied',
    ]);
    expect(ops[3]).toMatchObject({ fromPlanId: 'team-seat', toPlanId: 'team-plus', source: 'webhook' });
    expect(ops[5]).toMatchObject({ fromStatus: 'Subscribed', toStatus: 'Suspended' });
  });

  it('sent a telemetry event for every lifecycle change and every answered turn', () => {
    expect(events).toEqual([
      'SubscriptionActivated',
      'UsageRecorded',
      'SubscriptionChanged',
      'SubscriptionChanged',
      'SubscriptionSuspended',
      'SubscriptionReinstated',
      'UsageRecorded',
      'SubscriptionRenewed',
      'UsageRecorded',
      'SubscriptionUnsubscribed',
    ]);
  });
});
