import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { UsageKind } from '../../src/domain/billing-rules';
import { billingPeriodAt } from '../../src/domain/periods';
import type { Subscription } from '../../src/domain/subscription';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { messageActivity, postActivity } from '../helpers/activities';
import { botProcessEnv, startBot } from '../helpers/bot-process';
import { startOpenAIStub } from '../helpers/openai-stub';
import { seedSubscription } from '../helpers/seed';
import { priorUsageEvent } from '../helpers/usage-events';

const ANSWER = 'Stub answer from the model.';
const TERM = { startDate: new Date(Date.UTC(2020, 0, 1)), termUnit: 'P1M' };

/**
 * Two bot processes on one store file, with the real openai client against the local stub: every hard cap holds at
 * its boundary whatever the tokens, and an activity delivered to both at once is answered once.
 */
describe('two bot instances: hard caps at the boundary, and one answer per activity', () => {
  let stub: Awaited<ReturnType<typeof startOpenAIStub>>;
  let store: SqliteStore;
  let dir: string;
  let env: Record<string, string>;
  const bots: { url: string; child: ChildProcess }[] = [];

  const period = (s: Subscription) => billingPeriodAt(new Date(), s.term).start;
  const counter = async (s: Subscription, dimension: UsageKind) =>
    (await store.usage.counters(s.id, period(s))).find((c) => c.dimension === dimension) ?? { used: 0, reserved: 0 };
  const count = (sql: string, ...args: unknown[]) => (store.db.prepare(sql).get(...args) as { n: number }).n;
  /** Usage already spent this period on one dimension. */
  const spend = (s: Subscription, dimension: UsageKind, quantity: number) =>
    store.usage.record({
      event: priorUsageEvent(s.id, {
        id: `prior-${s.id}-${dimension}`,
        tenantId: s.beneficiary.tenantId!,
        activityId: `prior-${s.id}-${dimension}`,
        planId: s.planId,
        userId: 'history',
        conversationId: 'h',
        dimension,
        quantity,
        occurredAt: new Date(),
        periodStart: period(s),
      }),
      included: null,
      overage: false,
    });
  const post = (i: number, activity: Record<string, unknown>) => postActivity(bots[i % bots.length]!.url, activity);

  beforeAll(async () => {
    stub = await startOpenAIStub({ content: ANSWER });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'turn-claims-'));
    store = openSqliteStore(path.join(dir, 'bot.sqlite'));
    env = botProcessEnv(dir, {
      ENTITLEMENT_CACHE_SECONDS: '0',
      OPENAI_BASE_URL: stub.baseUrl,
      OPENAI_MODEL: 'stub-model',
      MODEL_MAX_RETRIES: '0',
    });
    bots.push(...(await Promise.all([startBot(env), startBot(env)])));
  }, 60_000);

  afterAll(async () => {
    for (const b of bots) b.child.kill('SIGTERM');
    await store?.close();
    await stub?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers an activity delivered 5 times at once to both instances exactly once, billed once, round after round', async () => {
    const s = await seedSubscription(store, { tenantId: 'tenant-redelivered', term: TERM });
    // The model takes a moment, as a real one does: the copies arrive while the first is being answered.
    stub.set({ content: ANSWER, delayMs: 100 });
    const before = stub.requests.length;
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      const activity = messageActivity({ tenantId: 'tenant-redelivered', id: `redelivered-${round}` });
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => post(i + round, activity)));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(results.flatMap((r) => r.replies)).toHaveLength(1);
      expect(results.map((r) => r.text).join('')).toBe(ANSWER);
    }
    expect(stub.requests.length - before).toBe(rounds);
    await vi.waitFor(() => expect(count('SELECT COUNT(*) AS n FROM usage_events WHERE subscription_id = ?', s.id)).toBe(rounds), {
      timeout: 10_000,
      interval: 20,
    });
    expect(await counter(s, 'messages')).toMatchObject({ used: rounds, reserved: 0 });
    expect(count("SELECT COUNT(*) AS n FROM turn_claims WHERE tenant_id = 'tenant-redelivered'")).toBe(0);
    // Later deliveries find the usage event.
    const late = await Promise.all(
      [0, 1].map((i) => post(i, messageActivity({ tenantId: 'tenant-redelivered', id: 'redelivered-0' }))),
    );
    expect(late.flatMap((r) => r.replies)).toHaveLength(0);
  }, 60_000);

  it('premium at its boundary: 50 attachment turns of 6,800 tokens each serve exactly the 10 units left', async () => {
    const s = await seedSubscription(store, { tenantId: 'tenant-premium', planId: 'starter', term: TERM });
    await spend(s, 'premium_messages', 40);
    stub.set({ content: ANSWER, promptTokens: 6000, completionTokens: 800 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post(
          i,
          messageActivity({
            tenantId: 'tenant-premium',
            userId: `user-${i}`,
            text: `what is in this picture ${i}?`,
            attachments: [{ contentType: 'image/png', contentUrl: 'https://example.invalid/p.png', name: 'p.png' }],
          }),
        ),
      ),
    );
    const served = results.filter((r) => r.text === ANSWER);
    const refused = results.filter((r) => r.text.includes('used all its premium messages'));
    expect(served.length + refused.length).toBe(50);
    await vi.waitFor(async () => expect(await counter(s, 'premium_messages')).toMatchObject({ used: 50, reserved: 0 }), {
      timeout: 10_000,
      interval: 20,
    });
    // Turns that held 4 units were billed 4; those admitted with a 5,000-token ceiling were billed 1 whatever the
    // provider counted. Never a unit past the cap, and none of the allowance left unserved.
    const billed = store.db
      .prepare("SELECT quantity FROM usage_events WHERE subscription_id = ? AND activity_id NOT LIKE 'prior-%'")
      .all(s.id) as { quantity: number }[];
    expect(billed).toHaveLength(served.length);
    expect(billed.reduce((sum, e) => sum + e.quantity, 0)).toBe(10);
    expect(await counter(s, 'messages')).toMatchObject({ used: 0, reserved: 0 });
  }, 60_000);

  it('standard messages at their boundary: 50 turns serve exactly the 10 left; then text goes on only as itself', async () => {
    const s = await seedSubscription(store, { tenantId: 'tenant-messages', planId: 'starter', term: TERM });
    await spend(s, 'messages', 490);
    stub.set({ content: ANSWER, promptTokens: 300, completionTokens: 50 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(i, messageActivity({ tenantId: 'tenant-messages', userId: `user-${i}` }))),
    );
    expect(results.filter((r) => r.text === ANSWER)).toHaveLength(10);
    expect(results.filter((r) => r.text.includes('used all its standard messages'))).toHaveLength(40);
    await vi.waitFor(async () => expect(await counter(s, 'messages')).toMatchObject({ used: 500, reserved: 0 }), {
      timeout: 10_000,
      interval: 20,
    });
    expect(await counter(s, 'premium_messages')).toMatchObject({ used: 0, reserved: 0 });
  }, 60_000);

  it('frees the claim of an instance killed mid-turn through the stale sweep; the activity is then answered once', async () => {
    const s = await seedSubscription(store, { tenantId: 'tenant-crash', planId: 'starter', term: TERM });
    const activity = messageActivity({ tenantId: 'tenant-crash', id: 'crashed-turn' });
    stub.set({ content: ANSWER, delayMs: 30_000 });
    const asked = stub.requests.length;
    const doomed = post(0, activity).catch(() => 'killed');
    await vi.waitFor(() => expect(stub.requests.length).toBe(asked + 1), { timeout: 10_000, interval: 20 });
    const victim = bots[0]!.child;
    const exited = new Promise((resolve) => victim.once('exit', resolve));
    victim.kill('SIGKILL');
    await exited;
    expect(await doomed).toBe('killed');
    bots.splice(0, 1);
    stub.set({ content: ANSWER });
    // The dead instance's claim still stands (and holds its units): a redelivery is not answered yet.
    expect(count("SELECT COUNT(*) AS n FROM turn_claims WHERE tenant_id = 'tenant-crash'")).toBe(1);
    expect(await counter(s, 'premium_messages')).toMatchObject({ reserved: 4 });
    expect((await post(0, activity)).replies).toHaveLength(0);
    // An instance starting later than the reservation timeout (600 s) after the claim sweeps it at start.
    bots.push(await startBot({ ...env, CLOCK_OFFSET_SECONDS: '700' }));
    expect(count("SELECT COUNT(*) AS n FROM turn_claims WHERE tenant_id = 'tenant-crash'")).toBe(0);
    expect(await counter(s, 'premium_messages')).toMatchObject({ used: 0, reserved: 0 });
    const redelivered = await Promise.all(Array.from({ length: 5 }, (_, i) => post(i, activity)));
    expect(redelivered.flatMap((r) => r.replies)).toHaveLength(1);
    await vi.waitFor(() => expect(count("SELECT COUNT(*) AS n FROM usage_events WHERE activity_id = 'crashed-turn'")).toBe(1), {
      timeout: 10_000,
      interval: 20,
    });
  }, 60_000);
});
