import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { USAGE_KINDS } from '../../src/domain/billing-rules';
import { DAY } from '../../src/domain/clock';
import { mulberry32 } from '../../src/domain/seeded-random';
import type { UsageEvent } from '../../src/domain/usage';
import type { Store } from '../../src/store/store';
import { FakeClock } from '../helpers/fake-clock';
import { seedSubscription } from '../helpers/seed';
import { usageEvent } from './store-contract';

export interface RetentionStoreUnderTest {
  store: Store;
  /** Rows of a table (any table of the schema), optionally only those matching a `column = value`. */
  count(table: string, where?: { column: string; value: string }): Promise<number>;
  /** Every daily aggregate row, as numbers. */
  dailyRows(): Promise<
    {
      subscriptionId: string;
      day: string;
      userId: string;
      dimension: string;
      planId: string;
      turns: number;
      units: number;
      billableUnits: number;
      tokens: number;
    }[]
  >;
  /** Every per-(subscription, day, dimension) total row (migration 0012), as numbers. */
  totalRows(): Promise<
    {
      subscriptionId: string;
      day: string;
      dimension: string;
      turns: number;
      units: number;
      billableUnits: number;
      tokens: number;
    }[]
  >;
  /** Every per-(subscription, billing period, user) total row (migration 0012); `periodStart` as an ISO string. */
  periodUserRows(): Promise<{ subscriptionId: string; periodStart: string; userId: string; turns: number; units: number }[]>;
  /** Marks every metering bucket Accepted (the Marketplace took them). */
  acceptAllBuckets(): Promise<void>;
  cleanup(): Promise<void>;
}

const NOW = new Date('2026-09-01T12:00:00.000Z');
const monthOf = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
/** The billing periods the seeded events fall in (20 days before NOW). */
const PERIODS = [new Date('2026-08-01T00:00:00.000Z'), new Date('2026-09-01T00:00:00.000Z')];
const daysAgo = (n: number, hour = 10) => new Date(NOW.getTime() - n * DAY + (hour - 12) * 3_600_000);

/** Consumes every message in the outbox, as the metering worker does. */
async function drainOutbox(store: Store): Promise<void> {
  const queue = store.outboxQueue({ clock: new FakeClock(NOW) });
  for (;;) {
    const got = await queue.receive(500);
    if (got.length === 0) break;
    await store.metering.consume(
      got.map((g) => g.message),
      NOW,
      new Date(0),
    );
    await queue.complete(got);
  }
  await queue.close();
}

const expectedDaily = (events: UsageEvent[], subscriptionId: string) => {
  const m = new Map<string, { day: string; dimension: string; turns: number; quantity: number }>();
  for (const e of events.filter((x) => x.subscriptionId === subscriptionId)) {
    const day = e.occurredAt.toISOString().slice(0, 10);
    const k = `${day}|${e.dimension}`;
    const row = m.get(k) ?? { day, dimension: e.dimension, turns: 0, quantity: 0 };
    row.turns += 1;
    row.quantity += e.quantity;
    m.set(k, row);
  }
  return [...m.values()].sort((a, b) => (a.day + a.dimension < b.day + b.dimension ? -1 : 1));
};

/**
 * Rollups, retention and tenant erasure (issue 14), the same on every store: figures stay exact across the rollup
 * boundary, old raw usage goes only once billed and settled, and erasing a tenant touches no other.
 */
export function describeRetentionContract(name: string, open: () => Promise<RetentionStoreUnderTest>): void {
  describe(`Retention contract: ${name}`, () => {
    let t: RetentionStoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      t = await open();
      store = t.store;
    });
    afterEach(async () => {
      await t.cleanup();
    });

    it('rollups equal the raw sums, and daily/topUsers stay exact before, during and after the rollup (seeded random data)', async () => {
      const random = mulberry32(1414);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      const subs = [
        await seedSubscription(store, { tenantId: 'tenant-a' }),
        await seedSubscription(store, { tenantId: 'tenant-b' }),
      ];
      const events: UsageEvent[] = [];
      const record = async (n: number) => {
        for (let i = 0; i < n; i += 1) {
          const sub = pick(subs);
          const occurredAt = daysAgo(Math.floor(random() * 20), Math.floor(random() * 24));
          const event = usageEvent(sub.id, {
            tenantId: sub.beneficiary.tenantId!,
            userId: `user-${Math.floor(random() * 6)}`,
            planId: pick(['business', 'enterprise']),
            dimension: pick(USAGE_KINDS),
            quantity: 1 + Math.floor(random() * 4),
            totalTokens: Math.floor(random() * 9000),
            occurredAt,
            periodStart: monthOf(occurredAt),
          });
          const included = Math.floor(random() * 30);
          const outcome = await store.usage.record({ event, included, overage: random() < 0.5 });
          if (outcome.status === 'recorded') events.push({ ...event, billable: outcome.billable } as UsageEvent);
        }
      };
      const from = daysAgo(25);
      const to = new Date(NOW.getTime() + 1);
      const check = async () => {
        for (const sub of subs) {
          expect(await store.usage.daily(sub.id, from, to)).toEqual(expectedDaily(events, sub.id));
          // Top users per billing period (the events of 20 days span two), in full and cut short: the cut is where
          // the store reads only the first ranked users, so ties and the tail are exercised there.
          for (const period of PERIODS) {
            const byUser = new Map<string, { turns: number; quantity: number }>();
            for (const e of events.filter((x) => x.subscriptionId === sub.id && x.periodStart.getTime() === period.getTime())) {
              const u = byUser.get(e.userId) ?? { turns: 0, quantity: 0 };
              u.turns += 1;
              u.quantity += e.quantity;
              byUser.set(e.userId, u);
            }
            const ranked = [...byUser]
              .map(([userId, u]) => ({ userId, ...u }))
              .sort((x, y) => y.quantity - x.quantity || y.turns - x.turns || (x.userId < y.userId ? -1 : 1));
            for (const limit of [100, 3, 1]) {
              const top = await store.usage.topUsers(sub.id, period, limit);
              expect(top.map((u) => ({ userId: u.userId, turns: u.turns, quantity: u.quantity }))).toEqual(ranked.slice(0, limit));
            }
          }
        }
      };
      await record(60);
      await check();
      // Rolled up in small, uneven steps, with turns recorded between them: exact at every point.
      for (let round = 0; round < 6; round += 1) {
        await store.retention.rollUp(1 + Math.floor(random() * 25));
        await check();
        await record(10);
        await check();
      }
      while ((await store.retention.rollUp(50)) > 0);
      await check();
      // The aggregates themselves equal the raw sums per (subscription, day, user, dimension, plan).
      const raw = new Map<string, { turns: number; units: number; billableUnits: number; tokens: number }>();
      for (const e of events) {
        const k = [e.subscriptionId, e.occurredAt.toISOString().slice(0, 10), e.userId, e.dimension, e.planId].join('|');
        const r = raw.get(k) ?? { turns: 0, units: 0, billableUnits: 0, tokens: 0 };
        r.turns += 1;
        r.units += e.quantity;
        r.billableUnits += (e as UsageEvent & { billable: number }).billable;
        r.tokens += e.totalTokens;
        raw.set(k, r);
      }
      const rolled = new Map(
        (await t.dailyRows()).map((r) => [
          [r.subscriptionId, r.day, r.userId, r.dimension, r.planId].join('|'),
          { turns: r.turns, units: r.units, billableUnits: r.billableUnits, tokens: r.tokens },
        ]),
      );
      expect(rolled).toEqual(raw);
      // So do the smaller aggregates `stats` reads: per (subscription, day, dimension) and per (subscription, period, user).
      const rawTotals = new Map<string, { turns: number; units: number; billableUnits: number; tokens: number }>();
      for (const [k, r] of raw) {
        const [subscriptionId, day, , dimension] = k.split('|');
        const key = [subscriptionId, day, dimension].join('|');
        const x = rawTotals.get(key) ?? { turns: 0, units: 0, billableUnits: 0, tokens: 0 };
        rawTotals.set(key, {
          turns: x.turns + r.turns,
          units: x.units + r.units,
          billableUnits: x.billableUnits + r.billableUnits,
          tokens: x.tokens + r.tokens,
        });
      }
      const totals = new Map(
        (await t.totalRows()).map((r) => [
          [r.subscriptionId, r.day, r.dimension].join('|'),
          { turns: r.turns, units: r.units, billableUnits: r.billableUnits, tokens: r.tokens },
        ]),
      );
      expect(totals).toEqual(rawTotals);
      const rawUsers = new Map<string, { turns: number; units: number }>();
      for (const e of events) {
        const k = [e.subscriptionId, e.periodStart.toISOString(), e.userId].join('|');
        const x = rawUsers.get(k) ?? { turns: 0, units: 0 };
        rawUsers.set(k, { turns: x.turns + 1, units: x.units + e.quantity });
      }
      const periodUsers = new Map(
        (await t.periodUserRows()).map((r) => [
          [r.subscriptionId, r.periodStart, r.userId].join('|'),
          { turns: r.turns, units: r.units },
        ]),
      );
      expect(periodUsers).toEqual(rawUsers);
      // Nothing is counted twice: rolling up again adds nothing.
      expect(await store.retention.rollUp(100)).toBe(0);
      await check();
    });

    it('deletes old raw events only once rolled up, billed and settled; keeps unbilled and unsettled ones; figures unchanged', async () => {
      const sub = await seedSubscription(store, { tenantId: 'tenant-a' });
      const rec = async (fields: Partial<UsageEvent>, included: number | null, overage: boolean) => {
        const event = usageEvent(sub.id, fields);
        await store.usage.record({ event, included, overage });
        return event;
      };
      const old = daysAgo(100);
      // Billed nothing, consumed by the worker: may go.
      const plain = await rec({ occurredAt: old, userId: 'plain' }, null, false);
      // Billable, its bucket still Open: kept until the Marketplace accepted it.
      const billable = await rec({ occurredAt: old, userId: 'billable', dimension: 'premium_messages' }, 0, true);
      // Recent: kept whatever its state.
      const recent = await rec({ occurredAt: daysAgo(10), userId: 'recent' }, null, false);
      const before = new Date(NOW.getTime() - 90 * DAY);
      const ids = async () => {
        const n = await Promise.all([plain, billable, recent].map((e) => t.count('usage_events', { column: 'id', value: e.id })));
        return { plain: n[0], billable: n[1], recent: n[2] };
      };
      // Not rolled up yet: nothing may go (the aggregates would lose it).
      expect((await store.retention.purgeEvents({ before, limit: 10 })).rows).toBe(0);
      while ((await store.retention.rollUp(2)) > 0);
      const from = daysAgo(120);
      const to = new Date(NOW.getTime() + 1);
      const figures = await store.usage.daily(sub.id, from, to);
      // Still in the outbox (the metering worker has not consumed them): unbilled, kept.
      expect((await store.retention.purgeEvents({ before, limit: 10 })).rows).toBe(0);
      expect(await ids()).toEqual({ plain: 1, billable: 1, recent: 1 });
      await drainOutbox(store);
      expect(await t.count('metered_usage_reports')).toBe(1);
      let step = await store.retention.purgeEvents({ before, limit: 10 });
      let purged = step.rows;
      while (step.next !== undefined) {
        step = await store.retention.purgeEvents({ before, limit: 10, after: step.next });
        purged += step.rows;
      }
      expect(purged).toBe(1);
      expect(await ids()).toEqual({ plain: 0, billable: 1, recent: 1 });
      // Once its bucket is accepted, the billable one goes too.
      await t.acceptAllBuckets();
      expect((await store.retention.purgeEvents({ before, limit: 10 })).rows).toBe(1);
      expect(await ids()).toEqual({ plain: 0, billable: 0, recent: 1 });
      expect(await store.usage.daily(sub.id, from, to)).toEqual(figures);
    });

    it('clears message text past its retention, and only there', async () => {
      const sub = await seedSubscription(store, { tenantId: 'tenant-a' });
      const oldEvent = usageEvent(sub.id, { occurredAt: daysAgo(40), messageText: 'old question', responseText: 'old answer' });
      const newEvent = usageEvent(sub.id, { occurredAt: daysAgo(5), messageText: 'new question', responseText: 'new answer' });
      for (const event of [oldEvent, newEvent]) await store.usage.record({ event, included: null, overage: false });
      const before = new Date(NOW.getTime() - 30 * DAY);
      let step = await store.retention.scrubText({ before, limit: 1 });
      let scrubbed = step.rows;
      while (step.next !== undefined) {
        step = await store.retention.scrubText({ before, limit: 1, after: step.next });
        scrubbed += step.rows;
      }
      expect(scrubbed).toBe(1);
      expect(await t.count('usage_events', { column: 'message_text', value: 'old question' })).toBe(0);
      expect(await t.count('usage_events', { column: 'response_text', value: 'old answer' })).toBe(0);
      expect(await t.count('usage_events', { column: 'message_text', value: 'new question' })).toBe(1);
      expect(await t.count('usage_events')).toBe(2);
    });

    it('gives a lease to one holder at a time, until it runs out or is released', async () => {
      const at = NOW;
      const until = new Date(at.getTime() + 60_000);
      expect(await store.retention.lease('retention', 'one', at, until)).toBe(true);
      expect(await store.retention.lease('retention', 'two', at, until)).toBe(false);
      expect(await store.retention.lease('retention', 'one', at, until)).toBe(true);
      expect(
        await store.retention.lease('retention', 'two', new Date(until.getTime() + 1), new Date(until.getTime() + 60_000)),
      ).toBe(true);
      await store.retention.releaseLease('retention', 'two');
      expect(await store.retention.lease('retention', 'one', at, until)).toBe(true);
    });

    it('erases everything of one tenant and nothing of another', async () => {
      const seedTenant = async (tenantId: string) => {
        const sub = await seedSubscription(store, { tenantId, status: 'Unsubscribed' });
        const perSeat = await seedSubscription(store, { tenantId, planId: 'team-seat', quantity: 5 });
        await store.admins.add({ tenantId, userId: `${tenantId}-admin`, addedBy: 'test', addedAt: NOW });
        await store.seats.assign({ subscriptionId: perSeat.id, userId: `${tenantId}-u1`, capacity: 5, by: 'test', at: NOW });
        await store.users.remember(tenantId, { userId: `${tenantId}-u1`, userName: 'Ann' }, NOW);
        await store.operations.apply({
          record: {
            operationId: randomUUID(),
            subscriptionId: sub.id,
            action: 'Unsubscribe',
            source: 'webhook',
            status: 'Applied',
            createdAt: NOW,
          },
        });
        for (let i = 0; i < 4; i += 1) {
          const event = usageEvent(sub.id, {
            tenantId,
            userId: `${tenantId}-u${i % 2}`,
            occurredAt: daysAgo(i),
            dimension: 'premium_messages',
          });
          await store.usage.record({ event, included: 1, overage: true, userName: 'Ann' });
        }
        // The data of issues 10 and 13: feedback, history, a ticket, notices, a chat reference.
        await store.feedback.record({
          tenantId,
          userId: `${tenantId}-u1`,
          key: `reply-${tenantId}`,
          replyId: `reply-${tenantId}`,
          subscriptionId: sub.id,
          reaction: 'dislike',
          comment: 'wrong',
          isReport: true,
          createdAt: NOW,
        });
        await store.history.save({
          key: `history-${tenantId}`,
          tenantId,
          exchanges: [{ user: 'q', assistant: 'a', tokens: 2, at: NOW }],
          expiresAt: new Date(NOW.getTime() + 86_400_000),
          at: NOW,
          expectedVersion: 0,
        });
        await store.tickets.open({
          tenantId,
          openedBy: `${tenantId}-u1`,
          subject: 'Help',
          category: 'technical',
          priority: 'normal',
          text: 'It does not work',
          at: NOW,
        });
        await store.notices.claim({ tenantId, key: `quota-80-${tenantId}`, kind: 'quota', at: NOW });
        await store.notices.setEnabled({ tenantId, kind: 'trial', enabled: false, by: `${tenantId}-u1`, at: NOW });
        await store.conversations.save({
          key: `user:${tenantId}:${tenantId}-u1`,
          address: { serviceUrl: 'https://smba.example', channelId: 'msteams', conversationId: `a:${tenantId}`, botId: 'bot' },
          locale: 'en',
          client: 'desktop',
          updatedAt: NOW,
        });
        // One turn in flight, holding quota.
        await store.usage.claim({
          tenantId,
          activityId: randomUUID(),
          subscriptionId: sub.id,
          periodStart: new Date('2026-08-01T00:00:00Z'),
          holds: [{ dimension: 'messages', quantity: 1, limit: 100 }],
          at: NOW,
        });
        return sub;
      };
      const a = await seedTenant('tenant-a');
      await seedTenant('tenant-b');
      // Some events rolled up, some not (tenant-b's last two).
      await store.retention.rollUp(6);
      // Half of tenant-a's outbox consumed, so that metering buckets and consumed ids exist too.
      const queue = store.outboxQueue({ clock: new FakeClock(NOW) });
      const got = await queue.receive(2);
      await store.metering.consume(
        got.map((g) => g.message),
        NOW,
        new Date(0),
      );
      await queue.complete(got);
      await queue.close();

      const before = { a: await store.tenantData.count('tenant-a'), b: await store.tenantData.count('tenant-b') };
      expect(Object.values(before.a).every((n) => n >= 0)).toBe(true);
      for (const facet of [
        'usage_events',
        'usage_daily',
        'usage_daily_totals',
        'usage_period_users',
        'usage_counters',
        'turn_claims',
        'quota_reservations',
        'tenant_admins',
        'tenant_users',
        'seat_assignments',
        'subscription_operations',
        'subscriptions',
        'ai_feedback',
        'conversation_history',
        'support_tickets',
        'support_ticket_messages',
        'tenant_notices',
        'notification_preferences',
        'conversation_refs',
      ]) {
        expect(before.a[facet], facet).toBeGreaterThan(0);
        expect(before.b[facet], facet).toBeGreaterThan(0);
      }
      const totals = async () => {
        const out: Record<string, number> = {};
        for (const table of Object.keys(before.a)) out[table] = await t.count(table);
        return out;
      };
      const all = await totals();
      const erased = await store.tenantData.erase('tenant-a');
      expect(Object.values(await store.tenantData.count('tenant-a')).every((n) => n === 0)).toBe(true);
      expect(await store.tenantData.count('tenant-b')).toEqual(before.b);
      // Every row that went was tenant-a's: the totals dropped by exactly what it had.
      const after = await totals();
      for (const table of Object.keys(all)) expect(after[table], table).toBe(all[table]! - erased[table]!);
      expect(erased.subscriptions).toBe(2);
      expect(await store.subscriptions.get(a.id)).toBeUndefined();
      // Erasing again finds nothing.
      expect(Object.values(await store.tenantData.erase('tenant-a')).every((n) => n === 0)).toBe(true);
    });
  });
}
