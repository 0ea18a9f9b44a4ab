import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import { CARD_SEPARATOR, renderReply } from '../../src/cli/card-text';
import { DAY } from '../../src/domain/clock';
import { messageActivity, postActivity, type ReplyActivity } from '../helpers/activities';
import { FakeClock } from '../helpers/fake-clock';
import { seedSubscription } from '../helpers/seed';
import { startTestApp } from '../helpers/test-app';
import { priorUsageEvent } from '../helpers/usage-events';

describe('tenant admin commands', () => {
  let app: RunningApp;
  let clock: FakeClock;
  const say = (text: string, userId = 'tenant-a-purchaser', tenantId = 'tenant-a', userName?: string) =>
    postActivity(app.url, messageActivity({ text, userId, tenantId, ...(userName ? { userName } : {}) }));
  const card = (reply: ReplyActivity | undefined) => reply?.attachments?.[0]?.content as { body: Record<string, unknown>[] };

  beforeEach(async () => {
    clock = new FakeClock('2026-03-20T12:00:00Z');
    app = await startTestApp({}, { clock });
  });
  afterEach(() => app.close());

  it('shows /usage with used vs included, overage so far and days left', async () => {
    await seedSubscription(app.store, { tenantId: 'tenant-a', planId: 'business' });
    for (let i = 0; i < 3; i++) await say(`question ${i}`, `user-${i}`);
    const res = await say('/usage');
    expect(res.text).toContain('Business plan · Mar 1, 2026 – Apr 1, 2026 · 12 days left');
    expect(res.text).toContain('Standard messages: 3 of 5,000 (0%)');
    expect(res.text).toContain('Premium messages: 0 of 500 (0%)');
    expect(res.text).toContain('Overage so far: €0.00');
  });

  it('counts overage in /usage once past the allowance', async () => {
    const s = await seedSubscription(app.store, { tenantId: 'tenant-a', planId: 'business' });
    await app.store.usage.record({
      event: priorUsageEvent(s.id, {
        id: 'big',
        activityId: 'big',
        userId: 'u',
        conversationId: 'c',
        quantity: 5100,
        occurredAt: clock.now(),
        periodStart: new Date('2026-03-01T00:00:00Z'),
      }),
      included: 5000,
      overage: true,
    });
    const res = await say('/usage');
    expect(res.text).toContain('Standard messages: 5,100 of 5,000 (102%) · 100 over');
    expect(res.text).toContain('Overage so far: €1.00');
  });

  it('charts messages per day for 14 days and lists top users in /stats', async () => {
    await seedSubscription(app.store, { tenantId: 'tenant-a' });
    clock.set(new Date(clock.now().getTime() - 2 * DAY));
    await say('what is new?', 'user-ada', 'tenant-a', 'Ada');
    clock.set('2026-03-20T12:00:00Z');
    await say('and today?', 'user-ada', 'tenant-a', 'Ada');
    await say('hey', 'user-bob', 'tenant-a', 'Bob');
    const res = await say('stats');
    const chart = card(res.replies[0]).body.find((e) => e.type === 'Chart.HorizontalBar') as { data: { x: string; y: number }[] };
    expect(chart.data).toHaveLength(14);
    expect(chart.data.at(-1)).toEqual({ x: 'Fri, Mar 20', y: 2 });
    expect(chart.data.at(-3)).toEqual({ x: 'Wed, Mar 18', y: 1 });
    expect(chart.data.at(0)).toEqual({ x: 'Sat, Mar 7', y: 0 });
    expect(res.text).toContain('Top users this billing period');
    expect(res.text).toContain('Ada: 2 messages, 2 units');
    expect(res.text).toContain('Bob: 1 message, 1 unit');
  });

  it('describes the plan and the other plans in /plan', async () => {
    await seedSubscription(app.store, { tenantId: 'tenant-a', planId: 'starter' });
    const res = await say('plan');
    expect(res.text).toContain('Starter plan');
    expect(res.text).toContain('Price: €9.00 per month');
    expect(res.text).toContain('Standard messages: 500; Premium messages: 50');
    expect(res.text).toContain('Enterprise');
    expect(res.text).toContain('[Change plan in browser]');
  });

  it('manages seats: list, assign by name or id, revoke, and a full seat count', async () => {
    await seedSubscription(app.store, { tenantId: 'tenant-a', planId: 'team-seat', quantity: 2 });
    await say('first question', 'user-ada', 'tenant-a', 'Ada Lovelace');
    expect((await say('seats')).text).toContain('1 of 2 seats in use');
    expect((await say('Seats revoke Ada Lovelace')).text).toContain('Ada Lovelace no longer has a seat');
    expect((await say('again', 'user-ada')).text).toContain('Your seat was removed');
    expect((await say('/seats assign ada lovelace')).text).toContain('Ada Lovelace now has a seat');
    expect((await say('again', 'user-ada')).text).not.toContain('seat');
    expect((await say('/seats assign 8c1f0a2e-4b7d-4e1a-9f00-0000000000b0')).text).toContain(
      '8c1f0a2e-4b7d-4e1a-9f00-0000000000b0 now has a seat',
    );
    expect((await say('/seats assign 8c1f0a2e-4b7d-4e1a-9f00-0000000000c0')).text).toContain('All 2 seats are taken');
    expect((await say('/seats assign Nobody Known')).text).toContain(`I don't know anyone called "Nobody Known"`);
    expect((await say('/seats frob')).text).toContain('Type "seats assign" or "seats revoke" followed by a name');
  });

  it('explains that seats do not apply to flat-rate plans', async () => {
    await seedSubscription(app.store, { tenantId: 'tenant-a', planId: 'business' });
    expect((await say('/seats')).text).toContain('not priced per user');
  });

  it('manages admins; a new admin can run admin commands; nobody removes themselves', async () => {
    await seedSubscription(app.store, { tenantId: 'tenant-a' });
    expect((await say('/usage', 'user-eve')).text).toContain("for your organization's admins");
    await say('what can you do?', 'user-eve', 'tenant-a', 'Eve');
    expect((await say('admins add Eve')).text).toContain('Eve is now an admin');
    expect((await say('/usage', 'user-eve')).text).toContain('Usage this period');
    expect((await say('ADMINS', 'user-eve')).text).toContain('Eve (user-eve)');
    expect((await say('/admins remove Eve', 'user-eve')).text).toContain('cannot remove yourself');
    expect((await say('/admins remove user-eve')).text).toContain('Eve is no longer an admin');
    expect((await say('/usage', 'user-eve')).text).toContain("for your organization's admins");
  });

  it('scopes everything to the caller’s tenant', async () => {
    await seedSubscription(app.store, { tenantId: 'tenant-a', planId: 'team-seat', quantity: 3 });
    await seedSubscription(app.store, { tenantId: 'tenant-b', planId: 'team-seat', quantity: 3 });
    await say('hi from b', 'user-bella', 'tenant-b', 'Bella');
    // tenant-a's purchaser is nobody in tenant-b.
    expect((await say('/usage', 'tenant-a-purchaser', 'tenant-b')).text).toContain("for your organization's admins");
    // Names resolve within the tenant only.
    expect((await say('/seats assign Bella')).text).toContain(`I don't know anyone called "Bella"`);
    expect((await say('/stats')).text).toContain('Nobody has chatted');
  });

  it('shows the admin section of /help to admins only, and never counts commands', async () => {
    await seedSubscription(app.store, { tenantId: 'tenant-a' });
    expect((await say('/help')).text).toContain('Admin commands');
    const member = await say('help', 'user-zed');
    expect(member.text).toContain('help: This card');
    expect(member.text).not.toContain('Admin commands');
    const counters = await app.store.usage.counters('sub-tenant-a-1', new Date('2026-03-01T00:00:00Z'));
    expect(counters.reduce((n, c) => n + c.used, 0)).toBe(0);
  });

  describe('a tenant holding a subscription of each offer', () => {
    const FLAT = 'Teams AI assistant · Business plan';
    const PER_USER = 'Teams AI assistant (per user) · Team (per user) plan';
    const titles = (reply: ReplyActivity | undefined) =>
      (reply?.attachments ?? []).map((a) => (a.content.body?.[0] as { text?: string } | undefined)?.text);
    let seatSub: string;
    let flatSub: string;

    beforeEach(async () => {
      // Created in this order on purpose: the ranking, not the order of creation, puts the per-user one first.
      flatSub = (await seedSubscription(app.store, { tenantId: 'tenant-a', offerId: 'teams-ai-assistant', planId: 'business' }))
        .id;
      seatSub = (
        await seedSubscription(app.store, {
          tenantId: 'tenant-a',
          offerId: 'teams-ai-assistant-users',
          planId: 'team-seat',
          quantity: 2,
        })
      ).id;
    });

    it('shows one usage card per subscription, in the gate’s order, each named by offer and plan', async () => {
      await say('a question', 'user-ada', 'tenant-a', 'Ada');
      const res = await say('usage');
      expect(res.replies).toHaveLength(1);
      expect(titles(res.replies[0])).toEqual([`Usage this period: ${PER_USER}`, `Usage this period: ${FLAT}`]);
      // Ada took a seat: her message counts on the per-user subscription only.
      const [seat, flat] = res.replies[0]!.attachments!.map((a) => JSON.stringify(a.content));
      expect(seat).toContain('1 of 600 (0%)');
      expect(flat).toContain('0 of 5,000 (0%)');
      expect(res.text.match(/\[Change plan in browser\]/g)).toHaveLength(2);
      // The terminal client (npm run chat) renders both, in order.
      const terminal = renderReply(res.replies[0]!)!;
      expect(terminal.indexOf(`== Usage this period: ${PER_USER} ==`)).toBeGreaterThanOrEqual(0);
      expect(terminal.indexOf(CARD_SEPARATOR)).toBeGreaterThan(terminal.indexOf(PER_USER));
      expect(terminal.indexOf(`== Usage this period: ${FLAT} ==`)).toBeGreaterThan(terminal.indexOf(CARD_SEPARATOR));
    });

    it('shows one plan card per subscription; other plans stay within each offer; none on a phone', async () => {
      const res = await say('/plan');
      expect(titles(res.replies[0])).toEqual([PER_USER, FLAT]);
      const [seat, flat] = res.replies[0]!.attachments!.map((a) => JSON.stringify(a.content));
      expect(seat).toContain('Team Plus (per user)');
      expect(seat).not.toContain('Enterprise');
      expect(flat).toContain('Enterprise');
      expect(flat).not.toContain('Team Plus');
      const phone = await postActivity(app.url, messageActivity({ text: 'plan', userId: 'tenant-a-purchaser', platform: 'ios' }));
      expect(titles(phone.replies[0])).toEqual([PER_USER, FLAT]);
      expect(phone.text).not.toContain('in browser');
      expect(phone.text).not.toContain('Price:');
      expect(phone.text).not.toContain('EUR');
      expect(phone.text.match(/ask your organization’s Microsoft 365 admin/g)).toHaveLength(2);
    });

    it('covers each subscription in /stats', async () => {
      await say('a question', 'user-ada', 'tenant-a', 'Ada');
      await say('another', 'user-bob', 'tenant-a', 'Bob');
      await say('and one more', 'user-cy', 'tenant-a', 'Cy');
      const res = await say('stats');
      expect(titles(res.replies[0])).toEqual([
        `Messages per day, last 14 days: ${PER_USER}`,
        `Messages per day, last 14 days: ${FLAT}`,
      ]);
      const [seat, flat] = res.replies[0]!.attachments!.map((a) => JSON.stringify(a.content));
      // Two seats: Ada and Bob on the per-user subscription, Cy falls through to the flat-rate one.
      expect(seat).toContain('Ada');
      expect(seat).toContain('Bob');
      expect(seat).not.toContain('Cy');
      expect(flat).toContain('Cy');
    });

    it('acts on the per-user subscription in /seats and says so', async () => {
      const list = await say('seats');
      expect(titles(list.replies[0])).toEqual([`Seats: ${PER_USER}`]);
      expect(list.text).toContain('Seats belong to this per-user subscription');
      expect(list.text).toContain('0 of 2 seats in use');
      expect((await say('/seats assign 8c1f0a2e-4b7d-4e1a-9f00-0000000000b0')).text).toContain('now has a seat');
      expect((await app.store.seats.list(seatSub)).map((s) => s.userId)).toEqual(['8c1f0a2e-4b7d-4e1a-9f00-0000000000b0']);
      expect(await app.store.seats.list(flatSub)).toEqual([]);
    });

    it('makes the purchaser of either subscription an admin, and lists both purchasers', async () => {
      const flat = (await app.store.subscriptions.get(flatSub))!;
      const buyer = { tenantId: 'tenant-a', objectId: 'second-buyer', emailId: 'second@tenant-a.example' };
      await app.store.subscriptions.upsert({ ...flat, purchaser: buyer, beneficiary: buyer });
      // The flat-rate subscription ranks second: its purchaser is an admin all the same.
      const usage = await say('usage', 'second-buyer');
      expect(titles(usage.replies[0])).toEqual([`Usage this period: ${PER_USER}`, `Usage this period: ${FLAT}`]);
      const admins = await say('admins', 'second-buyer');
      expect(admins.text).toContain('tenant-a-purchaser: purchaser · beneficiary');
      expect(admins.text).toContain('second@tenant-a.example (second-buyer): purchaser · beneficiary');
    });

    it('shows exactly one card, unchanged, once the other subscription is unsubscribed', async () => {
      const seat = (await app.store.subscriptions.get(seatSub))!;
      await app.store.subscriptions.upsert({ ...seat, status: 'Unsubscribed' });
      const usage = await say('usage');
      expect(titles(usage.replies[0])).toEqual(['Usage this period']);
      expect(usage.text).toContain('Business plan · Mar 1, 2026 – Apr 1, 2026 · 12 days left');
      expect(titles((await say('plan')).replies[0])).toEqual(['Business plan']);
      expect(titles((await say('stats')).replies[0])).toEqual(['Messages per day, last 14 days']);
      expect((await say('seats')).text).toContain('not priced per user');
    });
  });

  it('answers with exactly one card for a single subscription of a known offer', async () => {
    await seedSubscription(app.store, {
      tenantId: 'tenant-a',
      offerId: 'teams-ai-assistant-users',
      planId: 'team-seat',
      quantity: 2,
    });
    for (const command of ['usage', 'plan', 'stats', 'seats']) {
      const res = await say(command);
      expect(res.replies).toHaveLength(1);
      expect(res.replies[0]!.attachments).toHaveLength(1);
    }
    const titleOf = async (command: string) =>
      ((await say(command)).replies[0]!.attachments![0]!.content.body![0] as { text: string }).text;
    expect(await titleOf('usage')).toBe('Usage this period');
    expect(await titleOf('plan')).toBe('Team (per user) plan');
    expect(await titleOf('seats')).toBe('Seats');
  });
});
