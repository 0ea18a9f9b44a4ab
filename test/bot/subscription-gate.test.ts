import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SubscriptionGate, type Admission } from '../../src/bot/subscription-gate';
import { maxTurnTokens } from '../../src/bot/models/completion-budget';
import { UsageRecorder } from '../../src/bot/usage-recorder';
import { DEFAULT_PLAN_CATALOG } from '../../src/domain/default-plan-catalog';
import type { TurnIdentity } from '../../src/domain/identity';
import { parseCatalog } from '../../src/domain/catalog-parser';
import type { SubscriptionStatus } from '../../src/domain/subscription';
import { silentLogger } from '../../src/logger';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { FakeClock } from '../helpers/fake-clock';
import { seedSubscription } from '../helpers/seed';
import { tempDir } from '../helpers/temp-dir';
import { priorUsageEvent } from '../helpers/usage-events';

const catalog = parseCatalog(DEFAULT_PLAN_CATALOG, 'default');
/** The shipped chat prompt: 6,000 input + 800 output tokens, so a turn can reach 4 premium units. */
const MAX_TURN_TOKENS = maxTurnTokens(path.resolve(__dirname, '../../prompts'));
const PERIOD = new Date('2026-03-01T00:00:00Z');
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
      maxTurnTokens: MAX_TURN_TOKENS,
    });
    recorder = new UsageRecorder({ store, storeMessageText: false, logger: silentLogger });
  });
  afterEach(() => store.close());

  /** Admits and records a turn of `tokens` tokens; returns the admission. */
  async function turn(identity = who(), tokens = 50, facts = short): Promise<Admission> {
    const a = await gate.admit(identity, facts);
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
      expect((await store.usage.counters(s.id, PERIOD)).map((c) => [c.dimension, c.reserved])).toEqual([
        ['messages', 1],
        ['premium_messages', 4],
      ]);
      await gate.release(a.ticket);
      expect((await store.usage.counters(s.id, PERIOD)).map((c) => [c.dimension, c.used, c.reserved])).toEqual([
        ['messages', 0, 0],
        ['premium_messages', 0, 0],
      ]);
    });
  });

  describe('hard caps whatever the tokens turn out to be', () => {
    const premiumUsed = async (subscriptionId: string) =>
      (await store.usage.counters(subscriptionId, PERIOD)).find((c) => c.dimension === 'premium_messages')?.used ?? 0;
    const seedUsage = async (subscriptionId: string, dimension: 'messages' | 'premium_messages', quantity: number) =>
      store.usage.record({
        event: { ...baseEvent(subscriptionId), dimension, quantity },
        included: dimension === 'messages' ? 500 : 50,
        overage: false,
      });

    it('a long conversation on a fresh starter tenant never passes the premium cap of 50 (the 70-turn case)', async () => {
      const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'starter' });
      const ceilings: number[] = [];
      for (let i = 0; i < 70; i++) {
        // The provider reports more than the prompt could hold: a long history, counted by another tokenizer.
        const a = await turn(who(), 9000);
        expect(refusal(a)).toBe('admitted');
        if (a.admitted) ceilings.push(a.ticket.envelope.tokenCeiling);
        expect(await premiumUsed(s.id)).toBeLessThanOrEqual(50);
      }
      const counters = await store.usage.counters(s.id, PERIOD);
      expect(counters.map((c) => [c.dimension, c.used, c.reserved])).toEqual([
        // 12 turns of 4 units, 2 of 1 (ceiling 5,000), then standard messages with a history cut to 2,000 tokens.
        ['messages', 56, 0],
        ['premium_messages', 50, 0],
      ]);
      expect(ceilings.slice(0, 12)).toEqual(Array(12).fill(6800));
      expect(ceilings.slice(12, 14)).toEqual([5000, 5000]);
      expect(new Set(ceilings.slice(14))).toEqual(new Set([2000]));
    });

    it.each([
      ['an attachment', { textLength: 12, attachmentCount: 1 }, 100, [1, 1]],
      ['a text over 1,000 characters', { textLength: 1500, attachmentCount: 0 }, 100, [1, 1]],
      ['more than 5,000 tokens', short, 6800, [4, 1]],
    ] as const)(
      'premium at the boundary with %s: served while a unit is left, refused after',
      async (_, facts, tokens, billed) => {
        const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'starter' });
        await seedUsage(s.id, 'premium_messages', 50 - billed[0] - billed[1]);
        expect(refusal(await turn(who(), tokens, facts))).toBe('admitted');
        expect(await premiumUsed(s.id)).toBe(50 - billed[1]);
        expect(refusal(await turn(who(), tokens, facts))).toBe('admitted');
        expect(await premiumUsed(s.id)).toBe(50);
        const next = await turn(who(), tokens, facts);
        if (facts === short) {
          // Plain text goes on as a standard message with a history that cannot cross 2,000 tokens.
          expect(next).toMatchObject({ admitted: true, ticket: { envelope: { tokenCeiling: 2000 } } });
          expect(await premiumUsed(s.id)).toBe(50);
        } else {
          expect(next).toMatchObject({
            admitted: false,
            refusal: { kind: 'quota-exceeded', dimension: 'premium_messages', used: 50, included: 50 },
          });
        }
      },
    );

    it('messages at the boundary: the last unit is served, then refused even though premium is left', async () => {
      const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'starter' });
      await seedUsage(s.id, 'messages', 499);
      expect(refusal(await turn(who(), 50))).toBe('admitted');
      expect(await gate.admit(who(), short)).toMatchObject({
        admitted: false,
        refusal: { kind: 'quota-exceeded', dimension: 'messages', used: 500, included: 500 },
      });
      expect((await store.usage.counters(s.id, PERIOD)).map((c) => [c.dimension, c.used, c.reserved])).toEqual([
        ['messages', 500, 0],
        ['premium_messages', 0, 0],
      ]);
    });

    it('pooled seat allowances hold too (team-seat, 1 seat: 30 premium units)', async () => {
      const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'team-seat', quantity: 1 });
      for (let i = 0; i < 20; i++) await turn(who(), 7000);
      expect(await premiumUsed(s.id)).toBe(30);
    });

    it('serves exactly the cap when 50 turns race at it, waiting for worst-case holds to settle', async () => {
      const s = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'starter' });
      await seedUsage(s.id, 'premium_messages', 40);
      // Attachments (premium whatever the tokens) that turn out small: each holds up to 4 units, is billed 1.
      const results = await Promise.all(
        Array.from({ length: 50 }, async () => {
          const a = await gate.admit(who(), { textLength: 12, attachmentCount: 1 });
          if (a.admitted) {
            await new Promise((r) => setTimeout(r, 5));
            await recorder.record(a.ticket, { promptTokens: 90, completionTokens: 10 });
          }
          return a;
        }),
      );
      expect(results.filter((a) => a.admitted)).toHaveLength(10);
      expect(await premiumUsed(s.id)).toBe(50);
    });

    it('bills the real tokens when they fit what the turn held, and an overage plan always on its real tokens', async () => {
      const capped = await seedSubscription(store, { tenantId: 'tenant-a', planId: 'starter' });
      const a = await gate.admit(who(), short);
      if (!a.admitted) throw new Error('expected admission');
      expect(a.ticket.envelope.holds).toEqual([
        { dimension: 'messages', quantity: 1, limit: 500 },
        { dimension: 'premium_messages', quantity: 4, limit: 50 },
      ]);
      await recorder.record(a.ticket, { promptTokens: 2900, completionTokens: 100 });
      expect((await store.usage.counters(capped.id, PERIOD)).map((c) => [c.dimension, c.used, c.reserved])).toEqual([
        ['messages', 0, 0],
        ['premium_messages', 1, 0],
      ]);
      const overage = await seedSubscription(store, { tenantId: 'tenant-b', planId: 'business' });
      const b = await gate.admit(who({ tenantId: 'tenant-b' }), short);
      if (!b.admitted) throw new Error('expected admission');
      expect(b.ticket.envelope).toEqual({ tokenCeiling: 6800, holds: [] });
      await recorder.record(b.ticket, { promptTokens: 9900, completionTokens: 100 });
      expect(await premiumUsed(overage.id)).toBe(5);
    });

    it('answers a redelivered activity once: a second admission of it is a duplicate until the first is released', async () => {
      await seedSubscription(store, { tenantId: 'tenant-a', planId: 'business' });
      const identity = who();
      const [first, second] = await Promise.all([gate.admit(identity, short), gate.admit(identity, short)]);
      expect([first, second].map(refusal).sort()).toEqual(['admitted', 'duplicate']);
      const admitted = first.admitted ? first : second;
      if (!admitted.admitted) throw new Error('expected admission');
      await gate.release(admitted.ticket);
      const again = await turn(identity);
      expect(refusal(again)).toBe('admitted');
      expect(refusal(await gate.admit(identity, short))).toBe('duplicate');
    });
  });

  it('caches entitlement and forgets it on invalidate', async () => {
    const cached = new SubscriptionGate({
      store,
      catalog,
      clock,
      enforcement: { seatAutoAssign: true, entitlementCacheMs: 60_000, reservationTimeoutMs: 600_000, maxInputChars: 8000 },
      logger: silentLogger,
      maxTurnTokens: MAX_TURN_TOKENS,
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
  return priorUsageEvent(subscriptionId, {
    id: `ev-${++n}`,
    activityId: `seed-${n}`,
    planId: 'starter',
    userId: 'user-9',
    conversationId: 'c',
    occurredAt: new Date('2026-03-10T09:00:00Z'),
  });
}
