import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SubscriptionGate, type Admission } from '../../src/bot/subscription-gate';
import { UsageRecorder } from '../../src/bot/usage-recorder';
import { DEFAULT_PLAN_CATALOG } from '../../src/domain/default-plan-catalog';
import type { TurnIdentity } from '../../src/domain/identity';
import { parseCatalog } from '../../src/domain/plans';
import type { SubscriptionStatus } from '../../src/domain/subscription';
import { silentLogger } from '../../src/logger';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { FakeClock } from '../helpers/fake-clock';
import { seedSubscription } from '../helpers/seed';
import { tempDir } from '../helpers/temp-dir';

const catalog = parseCatalog(DEFAULT_PLAN_CATALOG, 'default');
let n = 0;
const who = (fields: Partial<TurnIdentity> = {}): TurnIdentity => ({
  tenantId: 'tenant-a',
  userId: 'user-1',
  userName: 'Ada',
  conversationType: 'personal',
  conversationId: 'conv-1',
  activityId: `act-${++n}`,
  ...fields,
});
const short = { textLength: 12, attachmentCount: 0 };
const refusal = (a: Admission) => (a.admitted ? 'admitted' : 'refusal' in a ? a.refusal.kind : 'duplicate');

describe('subscription gate', () => {
  let store: SqliteStore;
  let clock: FakeClock;
  let gate: SubscriptionGate;
  let recorder: UsageRecorder;

  beforeEach(() => {
    store = openSqliteStore(path.join(tempDir(), 'gate.sqlite'));
    clock = new FakeClock('2026-03-10T10:00:00Z');
    gate = new SubscriptionGate({
      store,
      catalog,
      clock,
      enforcement: { seatAutoAssign: true, entitlementCacheMs: 0, reservationTimeoutMs: 600_000, maxInputChars: 8000 },
      logger: silentLogger,
    });
    recorder = new UsageRecorder({ store, storeMessageText: false, logger: silentLogger });
  });
  afterEach(() => store.close());

  /** Admits and records a turn of `tokens` tokens; returns the admission. */
  async function turn(identity = who(), tokens = 50): Promise<Admission> {
    const a = await gate.admit(identity, short);
    if (a.admitted) await recorder.record(a.ticket, { promptTokens: tokens - 10, completionTokens: 10 });
    return a;
  }

  it.each<[SubscriptionStatus, string]>([
    ['Subscribed', 'admitted'],
    ['PendingFulfillmentStart', 'pending'],
    ['NotStarted', 'pending'],
    ['Suspended', 'suspended'],
    ['Unsubscribed', 'no-subscription'],
  ])('%s → %s', async (status, expected) => {
    await seedSubscription(store, { tenantId: 'tenant-a', status });
    expect(refusal(await gate.admit(who(), short))).toBe(expected);
  });

  it('refuses an unknown tenant, a message without tenant and one without an Entra user', async () => {
    await seedSubscription(store, { tenantId: 'tenant-a' });
    expect(refusal(await gate.admit(who({ tenantId: 'tenant-zz' }), short))).toBe('no-subscription');
    expect(refusal(await gate.admit(who({ tenantId: undefined }), short))).toBe('no-tenant');
    expect(refusal(await gate.admit(who({ userId: undefined }), short))).toBe('no-user');
  });

  it('prefers the Subscribed subscription of a tenant, then the newest', async () => {
    await seedSubscription(store, { tenantId: 'tenant-a', status: 'Unsubscribed', createdAt: new Date('2026-02-01') });
    await seedSubscription(store, { tenantId: 'tenant-a', status: 'Subscribed', createdAt: new Date('2026-01-01') });
    await seedSubscription(store, { tenantId: 'tenant-a', status: 'PendingFulfillmentStart', createdAt: new Date('2026-03-01') });
    expect(refusal(await gate.admit(who(), short))).toBe('admitted');
  });

  it('refuses a subscription on a plan missing from the catalog', async () => {
    await seedSubscription(store, { tenantId: 'tenant-a', planId: 'gold-legacy' });
    expect(refusal(await gate.admit(who(), short))).toBe('unknown-plan');
  });

  describe('per-seat plans', () => {
    it('gives seats first come, first served, refuses when full, and refuses a revoked user', async () => {
      const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'team-seat', quantity: 2 });
      expect(refusal(await turn(who({ userId: 'u1' })))).toBe('admitted');
      expect(refusal(await turn(who({ userId: 'u2' })))).toBe('admitted');
      const full = await gate.admit(who({ userId: 'u3' }), short);
      expect(full).toMatchObject({ admitted: false, refusal: { kind: 'no-seat', seats: 2, revoked: false } });
      await store.seats.revoke({ subscriptionId: s.id, userId: 'u1', by: 'admin', at: clock.now() });
      expect(await gate.admit(who({ userId: 'u1' }), short)).toMatchObject({
        admitted: false,
        refusal: { kind: 'no-seat', revoked: true },
      });
      expect(refusal(await turn(who({ userId: 'u3' })))).toBe('admitted');
    });

    it('pools the per-seat allowance and refuses past it (no overage on seat plans)', async () => {
      await seedSubscription(store, { tenantId: 'tenant-a', planId: 'team-seat', quantity: 1 });
      for (let i = 0; i < 300; i++) expect(refusal(await turn())).toBe('admitted');
      expect(await gate.admit(who(), short)).toMatchObject({
        admitted: false,
        refusal: { kind: 'quota-exceeded', used: 300, included: 300 },
      });
    });
  });

  describe('quota', () => {
    it('refuses past a hard cap with the figures, and lets an overage plan go on', async () => {
      const capped = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'starter' });
      await store.usage.record({
        event: { ...baseEvent(capped.id), quantity: 500 },
        included: 500,
        overage: false,
      });
      const refused = await gate.admit(who(), short);
      expect(refused).toMatchObject({
        admitted: false,
        refusal: { kind: 'quota-exceeded', dimension: 'messages', used: 500, included: 500 },
      });
      // Premium messages have their own allowance.
      expect(refusal(await gate.admit(who(), { textLength: 1500, attachmentCount: 0 }))).toBe('admitted');

      const overage = await seedSubscription(store, { tenantId: 'tenant-b', planId: 'business' });
      await store.usage.record({
        event: { ...baseEvent(overage.id), tenantId: 'tenant-b', quantity: 5000 },
        included: 5000,
        overage: true,
      });
      const a = await gate.admit(who({ tenantId: 'tenant-b' }), short);
      expect(a.admitted).toBe(true);
      if (a.admitted)
        expect(await recorder.record(a.ticket, { promptTokens: 40, completionTokens: 10 })).toMatchObject({ billable: 1 });
    });

    it('starts a fresh allowance at the period boundary', async () => {
      const s = await seedSubscription(store, {
        tenantId: 'tenant-a',
        planId: 'starter',
        term: { startDate: new Date('2026-01-15T00:00:00Z') },
      });
      clock.set('2026-03-14T23:59:00Z');
      await store.usage.record({
        event: { ...baseEvent(s.id), quantity: 500, periodStart: new Date('2026-02-15T00:00:00Z') },
        included: 500,
        overage: false,
      });
      expect(refusal(await gate.admit(who(), short))).toBe('quota-exceeded');
      clock.set('2026-03-15T00:00:00Z');
      const a = await gate.admit(who(), short);
      expect(a.admitted).toBe(true);
      if (a.admitted) expect(a.ticket.period.start.toISOString()).toBe('2026-03-15T00:00:00.000Z');
    });

    it('bills large turns by tokens after the AI call', async () => {
      const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'business' });
      await turn(who(), 7000);
      const counters = await store.usage.counters(s.id, new Date('2026-03-01T00:00:00Z'));
      // An overage plan reserves nothing: the counter only holds what was recorded.
      expect(counters.map((c) => [c.dimension, c.used, c.reserved])).toEqual([['premium_messages', 4, 0]]);
    });

    it('releases the reservation of a turn that was not answered', async () => {
      const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'starter' });
      const a = await gate.admit(who(), short);
      if (!a.admitted) throw new Error('expected admission');
      await gate.release(a.ticket);
      expect(await store.usage.counters(s.id, new Date('2026-03-01T00:00:00Z'))).toMatchObject([{ used: 0, reserved: 0 }]);
    });
  });

  it('caches entitlement and forgets it on invalidate', async () => {
    const cached = new SubscriptionGate({
      store,
      catalog,
      clock,
      enforcement: { seatAutoAssign: true, entitlementCacheMs: 60_000, reservationTimeoutMs: 600_000, maxInputChars: 8000 },
      logger: silentLogger,
    });
    const s = await seedSubscription(store, { tenantId: 'tenant-a' });
    expect(refusal(await cached.admit(who(), short))).toBe('admitted');
    await store.subscriptions.upsert({ ...s, status: 'Suspended' });
    expect(refusal(await cached.admit(who(), short))).toBe('admitted');
    cached.invalidate('tenant-a');
    expect(refusal(await cached.admit(who(), short))).toBe('suspended');
  });
});

function baseEvent(subscriptionId: string) {
  return {
    id: `ev-${++n}`,
    tenantId: 'tenant-a',
    activityId: `seed-${n}`,
    subscriptionId,
    planId: 'starter',
    userId: 'user-9',
    conversationId: 'c',
    conversationType: 'personal',
    dimension: 'messages' as const,
    quantity: 1,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    processingMs: 0,
    attachmentCount: 0,
    textLength: 0,
    occurredAt: new Date('2026-03-10T09:00:00Z'),
    periodStart: new Date('2026-03-01T00:00:00Z'),
  };
}
