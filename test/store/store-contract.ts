import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageMessage } from '../../src/domain/usage';
import type { UsageKind } from '../../src/domain/billing-rules';
import type { QuotaHold } from '../../src/domain/turn-envelope';
import type { Store, TurnClaim } from '../../src/store/store';
import { seedSubscription } from '../helpers/seed';
import { usageEvent } from '../helpers/usage-events';

/** The fixture lives in test/helpers/usage-events.ts; re-exported for the store suites beside this file. */
export { usageEvent };

export interface StoreUnderTest {
  store: Store;
  /** Raw counts for assertions the port does not expose. */
  count(table: 'usage_events' | 'usage_outbox' | 'quota_reservations' | 'turn_claims'): Promise<number>;
  cleanup(): Promise<void>;
}

const PERIOD = new Date('2026-03-01T00:00:00.000Z');

/**
 * A turn of tenant-a in the March 2026 period claiming its activity and holding one unit of `messages`, limit 10;
 * fields override that one hold (`limit: null`: a claim that holds nothing), or `holds` replaces it.
 */
export function turnClaim(
  subscriptionId: string,
  fields: {
    activityId?: string;
    dimension?: UsageKind;
    quantity?: number;
    limit?: number | null;
    holds?: QuotaHold[];
    at?: Date;
  } = {},
): TurnClaim {
  const { dimension = 'messages', quantity = 1, limit = 10 } = fields;
  return {
    tenantId: 'tenant-a',
    activityId: fields.activityId ?? randomUUID(),
    subscriptionId,
    periodStart: PERIOD,
    holds: fields.holds ?? (limit === null ? [] : [{ dimension, quantity, limit }]),
    at: fields.at ?? new Date('2026-03-10T10:00:00Z'),
  };
}

/**
 * Every store behaviour the bot, webhook and worker rely on. Run against SQLite always and against SQL Server
 * when a connection string is set.
 */
export function describeStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    let t: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      t = await open();
      store = t.store;
    });
    afterEach(async () => {
      await t.cleanup();
    });

    describe('subscriptions', () => {
      it('upserts, reads back every field and keeps createdAt on update', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a', quantity: 3, planId: 'team-seat', publisherId: 'pub' });
        expect(await store.subscriptions.get(s.id)).toEqual(s);
        await store.subscriptions.upsert({
          ...s,
          status: 'Suspended',
          createdAt: new Date('2030-01-01'),
          updatedAt: new Date('2026-03-05'),
        });
        const back = await store.subscriptions.get(s.id);
        expect(back?.status).toBe('Suspended');
        expect(back?.createdAt).toEqual(s.createdAt);
        expect(await store.subscriptions.get('missing')).toBeUndefined();
      });

      it('lists a tenant’s subscriptions by beneficiary tenant only', async () => {
        await seedSubscription(store, { tenantId: 'tenant-a' });
        await seedSubscription(store, { tenantId: 'tenant-b' });
        await seedSubscription(store, { tenantId: 'tenant-a', status: 'Unsubscribed' });
        expect((await store.subscriptions.listForTenant('tenant-a')).map((s) => s.beneficiary.tenantId)).toEqual([
          'tenant-a',
          'tenant-a',
        ]);
        expect(await store.subscriptions.listForTenant('nobody')).toEqual([]);
        expect(await store.subscriptions.list()).toHaveLength(3);
      });

      it('lists for the ending notices only the live subscriptions that will not renew on their own, and trials', async () => {
        const ending = await seedSubscription(store, { tenantId: 'tenant-a', autoRenew: false });
        const trial = await seedSubscription(store, { tenantId: 'tenant-b', isFreeTrial: true });
        await seedSubscription(store, { tenantId: 'tenant-c' });
        await seedSubscription(store, { tenantId: 'tenant-d', autoRenew: false, status: 'Suspended' });
        await seedSubscription(store, { tenantId: 'tenant-e', isFreeTrial: true, status: 'Unsubscribed' });
        await seedSubscription(store, { tenantId: 'tenant-f', autoRenew: false, status: 'PendingFulfillmentStart' });
        expect((await store.subscriptions.listForEndingNotices()).map((s) => s.id).sort()).toEqual([ending.id, trial.id].sort());
        expect((await store.subscriptions.listForEndingNotices())[0]).toEqual(ending);
      });

      it('never moves a subscription out of Unsubscribed, by upsert or by an operation (other fields still change)', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a', status: 'Unsubscribed' });
        await store.subscriptions.upsert({ ...s, status: 'Subscribed', planId: 'starter' });
        expect(await store.subscriptions.get(s.id)).toMatchObject({ status: 'Unsubscribed', planId: 'starter' });
        const record = {
          operationId: randomUUID(),
          subscriptionId: s.id,
          action: 'Reinstate',
          source: 'webhook' as const,
          status: 'Applied' as const,
          createdAt: new Date('2026-03-10T10:00:00.000Z'),
        };
        expect(await store.operations.apply({ record, subscription: { ...s, status: 'Subscribed' } })).toBe('applied');
        expect((await store.subscriptions.get(s.id))?.status).toBe('Unsubscribed');
      });
    });

    describe('subscription operations', () => {
      const record = (subscriptionId: string, fields: Record<string, unknown>) => ({
        subscriptionId,
        action: 'Suspend',
        source: 'webhook' as const,
        status: 'Applied' as const,
        createdAt: new Date('2026-03-10T10:00:00.000Z'),
        ...fields,
      });

      it('keeps the operation time and gives the newest among applied operations only', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a' });
        expect(await store.operations.newestAppliedTime(s.id)).toBeUndefined();
        const at = (iso: string) => new Date(iso);
        await store.operations.apply({
          record: record(s.id, { operationId: 'op-a', operationTime: at('2026-03-10T09:00:00.000Z') }),
        });
        await store.operations.apply({
          record: record(s.id, { operationId: 'op-b', operationTime: at('2026-03-10T09:30:00.000Z') }),
        });
        // Ignored and rejected operations did not shape the stored state: they do not move the mark.
        await store.operations.apply({
          record: record(s.id, { operationId: 'op-c', status: 'Ignored', operationTime: at('2026-03-10T11:00:00.000Z') }),
        });
        await store.operations.apply({ record: record(s.id, { action: 'Activate', source: 'landing' }) });
        expect(await store.operations.newestAppliedTime(s.id)).toEqual(at('2026-03-10T09:30:00.000Z'));
        expect(await store.operations.find('op-a')).toMatchObject({ operationTime: at('2026-03-10T09:00:00.000Z') });
        expect(await store.operations.newestAppliedTime('another')).toBeUndefined();
      });
    });

    describe('tenant admins', () => {
      it('adds once, lists, removes, and scopes by tenant', async () => {
        const admin = { tenantId: 'tenant-a', userId: 'u1', userName: 'Ada', addedBy: 'seed', addedAt: new Date('2026-03-01') };
        expect(await store.admins.add(admin)).toBe(true);
        expect(await store.admins.add(admin)).toBe(false);
        expect(await store.admins.isAdmin('tenant-a', 'u1')).toBe(true);
        expect(await store.admins.isAdmin('tenant-b', 'u1')).toBe(false);
        expect(await store.admins.list('tenant-a')).toEqual([admin]);
        expect(await store.admins.remove('tenant-a', 'u1')).toBe(true);
        expect(await store.admins.remove('tenant-a', 'u1')).toBe(false);
      });
    });

    describe('seats', () => {
      const at = new Date('2026-03-10T10:00:00Z');
      const claim = (s: string, userId: string, capacity: number, autoAssign = true) =>
        store.seats.claim({
          subscriptionId: s,
          userId,
          capacity,
          autoAssign,
          at: new Date(at.getTime() + Number(userId.replace(/\D/g, '') || 0)),
        });

      it('gives seats first come, first served, then refuses', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'team-seat', quantity: 2 });
        expect(await claim(s.id, 'u1', 2)).toBe('assigned');
        expect(await claim(s.id, 'u1', 2)).toBe('held');
        expect(await claim(s.id, 'u2', 2)).toBe('assigned');
        expect(await claim(s.id, 'u3', 2)).toBe('full');
        expect((await store.seats.list(s.id)).map((x) => x.userId)).toEqual(['u1', 'u2']);
      });

      it('never hands out more seats than the capacity under concurrent claims', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'team-seat', quantity: 5 });
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => claim(s.id, `u${i + 1}`, 5)));
        expect(results.filter((r) => r === 'assigned')).toHaveLength(5);
        expect(await store.seats.list(s.id)).toHaveLength(5);
      });

      it('keeps a revoked user out until an admin assigns the seat again', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'team-seat', quantity: 2 });
        await claim(s.id, 'u1', 2);
        expect(await store.seats.revoke({ subscriptionId: s.id, userId: 'u1', by: 'admin', at })).toBe(true);
        expect(await store.seats.revoke({ subscriptionId: s.id, userId: 'u1', by: 'admin', at })).toBe(false);
        expect(await claim(s.id, 'u1', 2)).toBe('revoked');
        expect(await store.seats.assign({ subscriptionId: s.id, userId: 'u1', capacity: 2, by: 'admin', at })).toBe('assigned');
        expect(await store.seats.assign({ subscriptionId: s.id, userId: 'u1', capacity: 2, by: 'admin', at })).toBe('already');
        expect(await claim(s.id, 'u1', 2)).toBe('held');
      });

      it('does not auto-assign when first-come is off, and admins cannot exceed the seat count', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'team-seat', quantity: 1 });
        expect(await claim(s.id, 'u1', 1, false)).toBe('full');
        expect(await store.seats.assign({ subscriptionId: s.id, userId: 'u1', capacity: 1, by: 'admin', at })).toBe('assigned');
        expect(await store.seats.assign({ subscriptionId: s.id, userId: 'u2', capacity: 1, by: 'admin', at })).toBe('full');
      });

      it('keeps the oldest seats valid when the seat count goes down', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'team-seat', quantity: 3 });
        for (const u of ['u1', 'u2', 'u3']) await claim(s.id, u, 3);
        expect(await claim(s.id, 'u1', 2)).toBe('held');
        expect(await claim(s.id, 'u2', 2)).toBe('held');
        expect(await claim(s.id, 'u3', 2)).toBe('full');
      });
    });

    describe('quota and usage', () => {
      const reserve = (s: string, activityId: string, limit: number | null, quantity = 1) =>
        store.usage.claim(turnClaim(s, { activityId, limit, quantity }));

      it('reserves up to the limit and reports the figures past it', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a' });
        expect(await reserve(s.id, 'a1', 2)).toEqual({ ok: true });
        expect(await reserve(s.id, 'a2', 2)).toEqual({ ok: true });
        expect(await reserve(s.id, 'a3', 2)).toEqual({
          ok: false,
          reason: 'exceeded',
          dimension: 'messages',
          used: 0,
          reserved: 2,
        });
        expect(await reserve(s.id, 'a4', null)).toEqual({ ok: true });
      });

      it('serves exactly the units left when 50 reservations race for 10', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a' });
        const results = await Promise.all(Array.from({ length: 50 }, (_, i) => reserve(s.id, `race-${i}`, 10)));
        expect(results.filter((r) => r.ok)).toHaveLength(10);
        expect(results.filter((r) => !r.ok && r.reason === 'exceeded')).toHaveLength(40);
      });

      it('treats the same activity as a duplicate, in flight or recorded', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a' });
        expect(await reserve(s.id, 'dup', 5)).toEqual({ ok: true });
        expect(await reserve(s.id, 'dup', 5)).toEqual({ ok: false, reason: 'duplicate' });
        const [c] = await store.usage.counters(s.id, PERIOD);
        expect(c?.reserved).toBe(1);
        await store.usage.record({ event: usageEvent(s.id, { activityId: 'dup' }), included: 5, overage: false, reserved: true });
        expect(await reserve(s.id, 'dup', 5)).toEqual({ ok: false, reason: 'duplicate' });
      });

      it('records event, counter and outbox message together, settling the reservation', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a' });
        await reserve(s.id, 'r1', 10);
        const out = await store.usage.record({
          event: usageEvent(s.id, { activityId: 'r1', quantity: 3 }),
          included: 10,
          overage: true,
          reserved: true,
          userName: 'Ada',
        });
        expect(out).toEqual({ status: 'recorded', usedBefore: 0, billable: 0 });
        expect(await store.usage.counters(s.id, PERIOD)).toEqual([
          { subscriptionId: s.id, periodStart: PERIOD, dimension: 'messages', used: 3, reserved: 0 },
        ]);
        expect(await t.count('usage_events')).toBe(1);
        expect(await t.count('usage_outbox')).toBe(1);
        expect(await t.count('quota_reservations')).toBe(0);
        expect(await t.count('turn_claims')).toBe(0);
        expect(
          await store.usage.record({ event: usageEvent(s.id, { activityId: 'r1', quantity: 3 }), included: 10, overage: true }),
        ).toEqual({ status: 'duplicate' });
        expect(await t.count('usage_outbox')).toBe(1);
        expect((await store.usage.counters(s.id, PERIOD))[0]?.used).toBe(3);
      });

      it('splits the turn that crosses the allowance line (3 units with 1 left bills 2)', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a' });
        await store.usage.record({ event: usageEvent(s.id, { quantity: 9 }), included: 10, overage: true });
        const crossing = await store.usage.record({ event: usageEvent(s.id, { quantity: 3 }), included: 10, overage: true });
        expect(crossing).toEqual({ status: 'recorded', usedBefore: 9, billable: 2 });
        const hardCap = await store.usage.record({ event: usageEvent(s.id, { quantity: 1 }), included: 10, overage: false });
        expect(hardCap).toMatchObject({ billable: 0 });
      });

      it('releases a reservation once, and stale ones left by a crash', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a' });
        await reserve(s.id, 'x1', 2);
        await reserve(s.id, 'x2', 2);
        expect(await store.usage.release('tenant-a', 'x1')).toBe(true);
        expect(await store.usage.release('tenant-a', 'x1')).toBe(false);
        expect(await store.usage.releaseStale(new Date('2026-03-10T09:00:00Z'))).toBe(0);
        expect(await store.usage.releaseStale(new Date('2026-03-10T11:00:00Z'))).toBe(1);
        expect((await store.usage.counters(s.id, PERIOD))[0]?.reserved).toBe(0);
        expect(await reserve(s.id, 'x3', 2)).toEqual({ ok: true });
      });

      it('holds several dimensions all or nothing: one that does not fit leaves no claim and no units held', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'starter' });
        const holds = (premium: number): QuotaHold[] => [
          { dimension: 'messages', quantity: 1, limit: 500 },
          { dimension: 'premium_messages', quantity: premium, limit: 5 },
        ];
        expect(await store.usage.claim(turnClaim(s.id, { activityId: 'big', holds: holds(4) }))).toEqual({ ok: true });
        expect(await store.usage.claim(turnClaim(s.id, { activityId: 'too-big', holds: holds(4) }))).toEqual({
          ok: false,
          reason: 'exceeded',
          dimension: 'premium_messages',
          used: 0,
          reserved: 4,
        });
        // Refused whole: the messages unit it would have held is not held, and the activity is not claimed.
        expect((await store.usage.counters(s.id, PERIOD)).map((c) => [c.dimension, c.reserved])).toEqual([
          ['messages', 1],
          ['premium_messages', 4],
        ]);
        expect(await t.count('turn_claims')).toBe(1);
        expect(await store.usage.claim(turnClaim(s.id, { activityId: 'too-big', holds: holds(1) }))).toEqual({ ok: true });
        // The answered turn is recorded on one dimension: both its holds go back, its real quantity is counted.
        await store.usage.record({
          event: usageEvent(s.id, { activityId: 'big', dimension: 'premium_messages', quantity: 3 }),
          included: 5,
          overage: false,
          reserved: true,
        });
        expect((await store.usage.counters(s.id, PERIOD)).map((c) => [c.dimension, c.used, c.reserved])).toEqual([
          ['messages', 0, 1],
          ['premium_messages', 3, 1],
        ]);
        expect(await store.usage.release('tenant-a', 'too-big')).toBe(true);
        expect((await store.usage.counters(s.id, PERIOD)).map((c) => [c.dimension, c.used, c.reserved])).toEqual([
          ['messages', 0, 0],
          ['premium_messages', 3, 0],
        ]);
        expect(await t.count('quota_reservations')).toBe(0);
        expect(await t.count('turn_claims')).toBe(0);
      });

      it('serves exactly the cap when 50 two-dimension claims race (worst case 4 premium units each, 10 left)', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'starter' });
        const holds: QuotaHold[] = [
          { dimension: 'messages', quantity: 1, limit: 500 },
          { dimension: 'premium_messages', quantity: 4, limit: 10 },
        ];
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.usage.claim(turnClaim(s.id, { activityId: `race-${i}`, holds }))),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(2);
        expect((await store.usage.counters(s.id, PERIOD)).map((c) => [c.dimension, c.reserved])).toEqual([
          ['messages', 2],
          ['premium_messages', 8],
        ]);
      });

      it('claims an activity that holds nothing, once, until it is recorded or released', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a' });
        const results = await Promise.all(Array.from({ length: 5 }, () => reserve(s.id, 'same', null)));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.reason === 'duplicate')).toHaveLength(4);
        expect(await store.usage.counters(s.id, PERIOD)).toEqual([]);
        expect(await store.usage.release('tenant-a', 'same')).toBe(true);
        expect(await reserve(s.id, 'same', null)).toEqual({ ok: true });
        await store.usage.record({ event: usageEvent(s.id, { activityId: 'same' }), included: 5, overage: true, reserved: true, unitsHeld: false });
        expect(await t.count('turn_claims')).toBe(0);
        expect(await reserve(s.id, 'same', null)).toEqual({ ok: false, reason: 'duplicate' });
        // A claim left by a crash is freed by the stale sweep, with or without holds.
        await reserve(s.id, 'crashed', null);
        await reserve(s.id, 'crashed-capped', 5);
        expect(await store.usage.releaseStale(new Date('2026-03-10T11:00:00Z'))).toBe(2);
        expect(await reserve(s.id, 'crashed', null)).toEqual({ ok: true });
        expect((await store.usage.counters(s.id, PERIOD))[0]).toMatchObject({ used: 1, reserved: 0 });
      });

      it('aggregates per day and per user, and remembers display names', async () => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a' });
        const day1 = new Date('2026-03-09T23:59:00Z');
        const day2 = new Date('2026-03-10T00:01:00Z');
        await store.usage.record({
          event: usageEvent(s.id, { occurredAt: day1, userId: 'u1' }),
          included: null,
          overage: false,
          userName: 'Ada',
        });
        await store.usage.record({
          event: usageEvent(s.id, { occurredAt: day2, userId: 'u1', quantity: 2, dimension: 'premium_messages' }),
          included: null,
          overage: false,
        });
        await store.usage.record({
          event: usageEvent(s.id, { occurredAt: day2, userId: 'u2' }),
          included: null,
          overage: false,
          userName: 'Bob',
        });
        const from = new Date('2026-03-01T00:00:00Z');
        const to = new Date('2026-03-11T00:00:00Z');
        expect(await store.usage.daily(s.id, from, to)).toEqual([
          { day: '2026-03-09', dimension: 'messages', turns: 1, quantity: 1 },
          { day: '2026-03-10', dimension: 'messages', turns: 1, quantity: 1 },
          { day: '2026-03-10', dimension: 'premium_messages', turns: 1, quantity: 2 },
        ]);
        expect(await store.usage.topUsers(s.id, PERIOD, 5)).toEqual([
          { userId: 'u1', userName: 'Ada', turns: 2, quantity: 3 },
          { userId: 'u2', userName: 'Bob', turns: 1, quantity: 1 },
        ]);
        // Top users are those of one billing period: another period's usage is not counted in.
        const next = new Date(Date.UTC(2026, 3, 1));
        await store.usage.record({
          event: usageEvent(s.id, { occurredAt: next, periodStart: next, userId: 'u2', quantity: 5 }),
          included: null,
          overage: false,
        });
        expect(await store.usage.topUsers(s.id, PERIOD, 1)).toEqual([{ userId: 'u1', userName: 'Ada', turns: 2, quantity: 3 }]);
        expect(await store.usage.topUsers(s.id, next, 5)).toEqual([{ userId: 'u2', userName: 'Bob', turns: 1, quantity: 5 }]);
        expect(await store.users.find('tenant-a', 'ada')).toEqual([{ userId: 'u1', userName: 'Ada' }]);
        expect(await store.users.find('tenant-a', 'u2')).toEqual([{ userId: 'u2', userName: 'Bob' }]);
        expect(await store.users.find('tenant-b', 'ada')).toEqual([]);
      });
    });

    describe('metering', () => {
      const H = 3_600_000;
      const t0 = new Date('2026-03-10T10:00:00.000Z');
      const hour = (n: number) => new Date(t0.getTime() + n * H);
      const now = hour(3); // 13:00; hours 10, 11, 12 closed
      const tooOld = new Date(now.getTime() - 23.5 * H);
      const msg = (fields: Partial<UsageMessage> = {}): UsageMessage => ({
        usageEventId: randomUUID(),
        subscriptionId: 'sub-m',
        planId: 'business',
        dimension: 'messages',
        quantity: 1,
        billable: 1,
        occurredAt: hour(0).toISOString(),
        periodStart: '2026-03-01T00:00:00.000Z',
        ...fields,
      });
      const claimAll = async (at = now, correlationId = 'c-1') => {
        const due = await store.metering.listDue({ now: at, closedBefore: new Date(at.getTime() - 5 * 60_000), limit: 1000 });
        return store.metering.claim(
          due.map((d) => d.id),
          {
            now: at,
            closedBefore: new Date(at.getTime() - 5 * 60_000),
            leaseUntil: new Date(at.getTime() + 120_000),
            correlationId,
          },
        );
      };

      it('adds billable units to hourly buckets, ignores redelivered and unbillable messages, never mixes plans in an hour', async () => {
        const a = msg({ billable: 2, occurredAt: new Date(hour(0).getTime() + 60_000).toISOString() });
        const out = await store.metering.consume(
          [
            a,
            msg({ billable: 3, planId: 'enterprise', occurredAt: new Date(hour(0).getTime() + 120_000).toISOString() }),
            msg({ billable: 0 }),
            msg({ billable: 1, occurredAt: hour(1).toISOString() }),
          ],
          now,
          tooOld,
        );
        // The enterprise units of hour 0 cannot join its business bucket: they go to the first hour open to their plan.
        expect(out).toEqual({ consumed: 4, duplicates: 0, carriedUnits: 3 });
        expect(await store.metering.consume([a], now, tooOld)).toEqual({ consumed: 0, duplicates: 1, carriedUnits: 0 });
        expect(await store.metering.get('sub-m', 'messages', hour(0))).toMatchObject({
          quantity: 2,
          status: 'Open',
          planId: 'business',
          attempts: 0,
        });
        expect(await store.metering.get('sub-m', 'messages', hour(1))).toMatchObject({ quantity: 1, planId: 'business' });
        expect(await store.metering.get('sub-m', 'messages', hour(3))).toMatchObject({ quantity: 3, planId: 'enterprise' });
      });

      it('carries late units under the plan the subscription has now, never rewriting the plan of an hour', async () => {
        const sub = await seedSubscription(store, { tenantId: 'tenant-plan', planId: 'enterprise' });
        await store.metering.consume(
          [msg({ subscriptionId: sub.id, billable: 4, planId: 'enterprise', occurredAt: hour(3).toISOString() })],
          now,
          tooOld,
        );
        await store.metering.consume([msg({ subscriptionId: sub.id, billable: 2 })], now, tooOld);
        await claimAll();
        // A business unit of hour 0 arrives after hour 0 was sent: hour 3 is open, but under enterprise (the plan now).
        const late = await store.metering.consume([msg({ subscriptionId: sub.id, billable: 5 })], now, tooOld);
        expect(late.carriedUnits).toBe(5);
        expect(await store.metering.get(sub.id, 'messages', hour(0))).toMatchObject({
          quantity: 2,
          planId: 'business',
          status: 'InFlight',
        });
        expect(await store.metering.get(sub.id, 'messages', hour(3))).toMatchObject({
          quantity: 9,
          planId: 'enterprise',
          status: 'Open',
        });
        // Units of the current hour under the old plan, while the hour is open under the new one: into it, under the new.
        await store.metering.consume(
          [msg({ subscriptionId: sub.id, billable: 1, occurredAt: hour(3).toISOString() })],
          now,
          tooOld,
        );
        expect(await store.metering.get(sub.id, 'messages', hour(3))).toMatchObject({ quantity: 10, planId: 'enterprise' });
      });

      it('lists and claims only closed hours (after the grace), oldest first, and claims once', async () => {
        await store.metering.consume(
          [msg({ occurredAt: hour(0).toISOString() }), msg({ occurredAt: hour(2).toISOString() })],
          now,
          tooOld,
        );
        // At 13:03 hour 12 closed less than 5 minutes ago.
        const early = new Date(now.getTime() + 3 * 60_000);
        const due = await store.metering.listDue({ now: early, closedBefore: new Date(early.getTime() - 5 * 60_000), limit: 10 });
        expect(due).toEqual([expect.objectContaining({ urgent: false })]);
        const claimed = await claimAll(hour(3.1));
        // Attempts count calls that ended, not claims: a worker that dies after claiming uses none up.
        expect(claimed.map((r) => [r.hourStart.toISOString(), r.status, r.attempts, r.correlationId])).toEqual([
          [hour(0).toISOString(), 'InFlight', 0, 'c-1'],
          [hour(2).toISOString(), 'InFlight', 0, 'c-1'],
        ]);
        expect(await claimAll(hour(3.1))).toEqual([]);
      });

      it('never changes a submitted hour: late usage goes into the current open hour', async () => {
        await store.metering.consume([msg({ billable: 4 })], now, tooOld);
        await claimAll();
        const late = await store.metering.consume(
          [msg({ billable: 2 }), msg({ billable: 1, occurredAt: hour(1).toISOString() })],
          now,
          tooOld,
        );
        expect(late.carriedUnits).toBe(2);
        expect(await store.metering.get('sub-m', 'messages', hour(0))).toMatchObject({ quantity: 4, status: 'InFlight' });
        expect(await store.metering.get('sub-m', 'messages', hour(1))).toMatchObject({ quantity: 1, status: 'Open' });
        expect(await store.metering.get('sub-m', 'messages', hour(3))).toMatchObject({ quantity: 2, status: 'Open' });
      });

      it('puts usage of hours too old to report into the current hour', async () => {
        const out = await store.metering.consume(
          [msg({ billable: 5, occurredAt: new Date(now.getTime() - 30 * H).toISOString() })],
          now,
          tooOld,
        );
        expect(out.carriedUnits).toBe(5);
        expect(await store.metering.get('sub-m', 'messages', hour(3))).toMatchObject({ quantity: 5, status: 'Open' });
      });

      it('settles only a claim still held under the same correlation id', async () => {
        await store.metering.consume([msg({ billable: 4 })], now, tooOld);
        const [report] = await claimAll();
        await store.metering.settle(
          [{ id: report!.id, correlationId: 'someone-else', status: 'Accepted', usageEventId: 'x', acceptedQuantity: 4 }],
          now,
        );
        expect(await store.metering.get('sub-m', 'messages', hour(0))).toMatchObject({ status: 'InFlight' });
        await store.metering.settle(
          [
            {
              id: report!.id,
              correlationId: 'c-1',
              requestId: 'r-1',
              status: 'Accepted',
              usageEventId: 'ev-1',
              acceptedQuantity: 4,
            },
          ],
          now,
        );
        expect(await store.metering.get('sub-m', 'messages', hour(0))).toMatchObject({
          status: 'Accepted',
          usageEventId: 'ev-1',
          acceptedQuantity: 4,
          requestId: 'r-1',
          correlationId: 'c-1',
        });
      });

      it('never takes a live lease; re-sends an InFlight bucket once its lease ran out; retries after the backoff', async () => {
        await store.metering.consume([msg({ billable: 4 })], now, tooOld);
        const [report] = await claimAll();
        // Another worker, now or at its start-up, does not see a bucket whose lease is live.
        expect(await store.metering.listDue({ now: new Date(now.getTime() + 60_000), closedBefore: now, limit: 10 })).toEqual([]);
        expect(await claimAll(new Date(now.getTime() + 60_000), 'c-2')).toEqual([]);
        // The lease ran out (its worker died): due at once, urgent, and claimed by one worker only.
        const afterLease = new Date(now.getTime() + 120_000);
        expect(await store.metering.listDue({ now: afterLease, closedBefore: now, limit: 10 })).toEqual([
          expect.objectContaining({ id: report!.id, urgent: true }),
        ]);
        const [again] = await claimAll(afterLease, 'c-2');
        expect(again).toMatchObject({ id: report!.id, attempts: 0, correlationId: 'c-2' });
        expect(await claimAll(afterLease, 'c-3')).toEqual([]);
        // The first worker's late answer no longer settles it.
        await store.metering.settle(
          [{ id: report!.id, correlationId: 'c-1', status: 'Accepted', usageEventId: 'x', acceptedQuantity: 4 }],
          afterLease,
        );
        expect(await store.metering.get('sub-m', 'messages', hour(0))).toMatchObject({
          status: 'InFlight',
          correlationId: 'c-2',
        });
        const retryAt = new Date(now.getTime() + 20 * 60_000);
        await store.metering.settle(
          [
            {
              id: report!.id,
              correlationId: 'c-2',
              status: 'Retry',
              nextAttemptAt: retryAt,
              errorCode: 'HTTP 503',
              errorMessage: 'busy',
            },
          ],
          afterLease,
        );
        expect(await store.metering.get('sub-m', 'messages', hour(0))).toMatchObject({ status: 'Retry', attempts: 1 });
        expect(await claimAll(new Date(retryAt.getTime() - 1))).toEqual([]);
        expect(await claimAll(retryAt)).toHaveLength(1);
      });

      it('counts no attempt for an hour found too old before any call', async () => {
        await store.metering.consume([msg({ billable: 3 })], now, tooOld);
        const [report] = await claimAll();
        await store.metering.settle(
          [{ id: report!.id, correlationId: 'c-1', attempted: false, status: 'Expired', errorMessage: 'too old' }],
          hour(30),
        );
        expect(await store.metering.get('sub-m', 'messages', hour(0))).toMatchObject({ status: 'Expired', attempts: 0 });
      });

      it('does not carry the units of an expired hour once the subscription has ended: they go to the operator', async () => {
        const sub = await seedSubscription(store, { tenantId: 'tenant-ended', status: 'Unsubscribed' });
        await store.metering.consume([msg({ subscriptionId: sub.id, billable: 6 })], now, tooOld);
        const [report] = await claimAll();
        await store.metering.settle(
          [{ id: report!.id, correlationId: 'c-1', status: 'Expired', errorMessage: 'expired' }],
          hour(30),
        );
        expect(await store.metering.get(sub.id, 'messages', hour(0))).toMatchObject({
          status: 'Failed',
          errorCode: 'SubscriptionEnded',
          errorMessage: expect.stringContaining('6 units can no longer be billed'),
        });
        expect(await store.metering.get(sub.id, 'messages', hour(30))).toBeUndefined();
        expect((await store.metering.overview(10, 8)).attention.map((r) => r.id)).toEqual([report!.id]);
      });

      it('lets an operator re-send a failed hour or resolve a failed or conflicting one, with who and why', async () => {
        await store.metering.consume([msg({ billable: 2 }), msg({ billable: 3, dimension: 'premium_messages' })], now, tooOld);
        const claimed = await claimAll();
        const [failed, conflict] = claimed as [(typeof claimed)[0], (typeof claimed)[0]];
        await store.metering.settle(
          [
            {
              id: failed.id,
              correlationId: 'c-1',
              status: 'Failed',
              errorCode: 'InvalidDimension',
              errorMessage: 'no such dimension',
            },
            { id: conflict.id, correlationId: 'c-1', status: 'Conflict', errorMessage: 'holds another quantity' },
          ],
          now,
        );
        const at = hour(4);
        expect(await store.metering.resend(conflict.id, { by: 'op-1', at })).toBe('not-eligible');
        expect(await store.metering.resend(999_999, { by: 'op-1', at })).toBe('not-found');
        expect(await store.metering.resend(failed.id, { by: 'op-1', at, note: 'dimension added in Partner Center' })).toBe(
          'done',
        );
        expect(await store.metering.get('sub-m', 'messages', hour(0))).toMatchObject({
          status: 'Retry',
          nextAttemptAt: at,
          resolvedBy: 'op-1',
          resolutionNote: 'dimension added in Partner Center',
        });
        expect((await claimAll(at)).map((r) => r.id)).toEqual([failed.id]);
        expect(await store.metering.resolve(conflict.id, { by: 'op-2', at, note: 'checked with Microsoft support' })).toBe(
          'done',
        );
        expect(await store.metering.get('sub-m', 'premium_messages', hour(0))).toMatchObject({
          status: 'Resolved',
          resolvedBy: 'op-2',
          resolutionNote: 'checked with Microsoft support',
        });
        expect(await store.metering.resolve(conflict.id, { by: 'op-2', at, note: 'again' })).toBe('not-eligible');
        expect((await store.metering.overview(10, 8)).attention).toEqual([]);
      });

      it('keeps alerts while they last, one per key, and clears them', async () => {
        const t = hour(5);
        await store.alerts.raise('metering.auth', 'HTTP 403', t);
        await store.alerts.raise('metering.auth', 'HTTP 401', new Date(t.getTime() + 60_000));
        expect(await store.alerts.active()).toEqual([
          { key: 'metering.auth', message: 'HTTP 401', firstSeenAt: t, lastSeenAt: new Date(t.getTime() + 60_000), count: 2 },
        ]);
        expect(await store.alerts.clear('metering.auth', t)).toBe(true);
        expect(await store.alerts.clear('metering.auth', t)).toBe(false);
        expect(await store.alerts.active()).toEqual([]);
      });

      it('carries an expired bucket into the current hour and keeps a trace', async () => {
        await store.metering.consume([msg({ billable: 6 })], now, tooOld);
        const [report] = await claimAll();
        const later = hour(30);
        await store.metering.settle(
          [{ id: report!.id, correlationId: 'c-1', status: 'Expired', errorMessage: 'expired' }],
          later,
        );
        expect(await store.metering.get('sub-m', 'messages', hour(0))).toMatchObject({
          status: 'Expired',
          errorMessage: expect.stringContaining('6 units carried into'),
        });
        expect(await store.metering.get('sub-m', 'messages', hour(30))).toMatchObject({ status: 'Open', quantity: 6 });
      });

      it('reports counts by status, what needs attention, and accepted units per day', async () => {
        await store.metering.consume(
          [
            msg({ billable: 4 }),
            msg({ billable: 2, dimension: 'premium_messages' }),
            msg({ billable: 1, subscriptionId: 'sub-n' }),
          ],
          now,
          tooOld,
        );
        const claimed = await claimAll();
        await store.metering.settle(
          claimed.map((r) =>
            r.subscriptionId === 'sub-n'
              ? { id: r.id, correlationId: 'c-1', status: 'Conflict' as const, acceptedQuantity: 9, errorMessage: 'held 9' }
              : {
                  id: r.id,
                  correlationId: 'c-1',
                  status: 'Accepted' as const,
                  usageEventId: `ev-${r.id}`,
                  acceptedQuantity: r.quantity,
                },
          ),
          now,
        );
        const overview = await store.metering.overview(10, 8);
        expect(overview.byStatus).toEqual({ Accepted: { reports: 2, quantity: 6 }, Conflict: { reports: 1, quantity: 1 } });
        expect(overview.attention.map((r) => r.subscriptionId)).toEqual(['sub-n']);
        expect(await store.metering.acceptedByDay(new Date('2026-03-01T00:00:00Z'))).toEqual([
          { subscriptionId: 'sub-m', dimension: 'messages', day: '2026-03-10', quantity: 4 },
          { subscriptionId: 'sub-m', dimension: 'premium_messages', day: '2026-03-10', quantity: 2 },
        ]);
        expect(await store.metering.list({ status: 'Conflict' })).toHaveLength(1);
      });

      it('shows retrying hours in the attention list once they failed often enough', async () => {
        await store.metering.consume([msg({ billable: 4 })], now, tooOld);
        let at = now;
        for (let i = 1; i <= 3; i++) {
          const [r] = await claimAll(at, `c-${i}`);
          at = new Date(at.getTime() + 60_000);
          await store.metering.settle(
            [
              {
                id: r!.id,
                correlationId: `c-${i}`,
                status: 'Retry',
                nextAttemptAt: at,
                errorCode: 'HTTP 503',
                errorMessage: 'busy',
              },
            ],
            at,
          );
        }
        expect((await store.metering.overview(10, 4)).attention).toEqual([]);
        expect((await store.metering.overview(10, 3)).attention).toEqual([
          expect.objectContaining({ status: 'Retry', attempts: 3 }),
        ]);
      });

      it('forgets consumed ids after a while', async () => {
        await store.metering.consume([msg()], now, tooOld);
        expect(await store.metering.pruneConsumed(new Date(now.getTime() - 1))).toBe(0);
        expect(await store.metering.pruneConsumed(new Date(now.getTime() + 1))).toBe(1);
      });
    });
  });
}
