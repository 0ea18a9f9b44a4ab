import fs from 'node:fs';
import os from 'node:os';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOUR } from '../../src/domain/clock';
import { hourStart } from '../../src/domain/metering';
import { billingPeriodAt } from '../../src/domain/periods';
import type { Subscription } from '../../src/domain/subscription';
import { silentLogger } from '../../src/logger';
import { createEmulator, startEmulatorServer, type Emulator } from '../../src/dev/marketplace-emulator/emulator';
import { FulfillmentClient } from '../../src/marketplace/fulfillment-client';
import { MarketplaceHttp } from '../../src/marketplace/marketplace-http';
import { toDomainSubscription } from '../../src/marketplace/subscription-mapping';
import { loadPlanCatalog } from '../../src/plan-catalog-source';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { messageActivity, postActivity } from '../helpers/activities';
import { botProcessEnv, startBot } from '../helpers/bot-process';
import { runEntryPoint } from '../helpers/child-process';
import { priorUsageEvent } from '../helpers/usage-events';

/**
 * Scale-out on one machine: two bot processes and one separate worker process share the embedded store's file.
 * Quotas hold across the instances (no over-serve at a hard cap), and every usage event is metered once.
 */
describe('two bot instances and a separate worker on one store', () => {
  let emulator: Emulator;
  let server: Awaited<ReturnType<typeof startEmulatorServer>>;
  let store: SqliteStore;
  let dir: string;
  let bots: { url: string; child: ChildProcess }[] = [];
  let env: Record<string, string>;
  let capped: Subscription;
  let overage: Subscription;

  beforeAll(async () => {
    // Lives for the whole suite (the helper's temp dirs are removed after each test).
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scale-out-'));
    const catalog = loadPlanCatalog(undefined);
    emulator = createEmulator({
      clock: { now: () => new Date() },
      logger: silentLogger,
      baseUrl: 'http://127.0.0.1/emulator',
      landingPageUrl: 'http://127.0.0.1/landing',
      webhookUrl: 'http://127.0.0.1:9/api/webhook',
      plans: catalog.plans,
      offerId: 'teams-ai-assistant',
      publisherId: 'contoso',
      publisherTenantId: 'publisher',
      webhookAudience: 'fulfillment-app',
      apiToken: 'emulator-access-token',
    });
    server = await startEmulatorServer(emulator, { port: 0, host: '127.0.0.1', logger: silentLogger });
    emulator.configure({ baseUrl: server.url });
    const fulfillment = new FulfillmentClient(
      new MarketplaceHttp({
        baseUrl: `${server.url}/api`,
        apiVersion: '2018-08-31',
        tokens: { getToken: async () => 'emulator-access-token' },
        timeoutMs: 5000,
        maxRetries: 0,
        logger: silentLogger,
      }),
    );
    // Subscriptions active since an hour ago, on a hard-cap plan and on an overage plan.
    const activatedAt = new Date(Date.now() - HOUR);
    const buy = async (planId: string, tenantId: string) => {
      const { subscriptionId } = emulator.buy({ planId, tenantId, objectId: `${tenantId}-admin`, activatedAt });
      return toDomainSubscription(await fulfillment.getSubscription(subscriptionId), undefined, activatedAt);
    };
    capped = await buy('starter', 'tenant-capped');
    overage = await buy('business', 'tenant-overage');
    store = openSqliteStore(path.join(dir, 'bot.sqlite'));
    const now = new Date();
    for (const [s, used] of [
      [capped, 480],
      [overage, 4990],
    ] as const) {
      await store.subscriptions.upsert(s);
      // Usage earlier in the period: 20 units left under the starter cap; 10 left before overage on business.
      await store.usage.record({
        event: priorUsageEvent(s.id, {
          id: `prior-${s.id}`,
          tenantId: s.beneficiary.tenantId!,
          activityId: `prior-${s.id}`,
          planId: s.planId,
          userId: 'history',
          conversationId: 'h',
          dimension: 'messages',
          quantity: used,
          occurredAt: now,
          periodStart: billingPeriodAt(now, s.term).start,
        }),
        included: s.planId === 'starter' ? 500 : 5000,
        overage: s.planId === 'business',
      });
    }
    env = botProcessEnv(dir, { MARKETPLACE_API_BASE_URL: `${server.url}/api` });
    bots = await Promise.all([startBot(env), startBot(env)]);
  }, 60_000);

  afterAll(async () => {
    for (const b of bots) b.child.kill('SIGTERM');
    await store?.close();
    await emulator?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves exactly the units left at a hard cap when 60 turns race across both instances', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        postActivity(
          bots[i % 2]!.url,
          messageActivity({ tenantId: 'tenant-capped', userId: `user-${i}`, text: `question ${i}` }),
        ),
      ),
    );
    const served = results.filter((r) => r.text.includes('[Offline demo model]'));
    const refused = results.filter((r) => r.text.includes('used all its standard messages'));
    expect(served).toHaveLength(20);
    expect(refused).toHaveLength(40);
    // Both instances took part and each answered all 30 of its turns; which one wins the last units is a race (one
    // may take all 20), so the split between them is not asserted.
    for (const instance of [0, 1]) {
      const answered = results.filter((r, i) => i % 2 === instance && (served.includes(r) || refused.includes(r)));
      expect(answered).toHaveLength(30);
    }
    // Each instance writes a turn's usage just after its reply (within a few ms, sharing commits).
    const period = billingPeriodAt(new Date(), capped.term).start;
    await vi.waitFor(
      async () =>
        expect((await store.usage.counters(capped.id, period)).find((c) => c.dimension === 'messages')).toMatchObject({
          used: 500,
          reserved: 0,
        }),
      { timeout: 10_000, interval: 20 },
    );
  }, 60_000);

  it('meters every usage event once: 30 turns past the allowance across both instances bill 20 units, once', async () => {
    const before = hourStart(new Date()).toISOString();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        postActivity(
          bots[i % 2]!.url,
          messageActivity({ tenantId: 'tenant-overage', userId: `user-${i}`, text: `question ${i}` }),
        ),
      ),
    );
    expect(results.filter((r) => r.text.includes('[Offline demo model]'))).toHaveLength(30);
    const period = billingPeriodAt(new Date(), overage.term).start;
    await vi.waitFor(
      async () =>
        expect((await store.usage.counters(overage.id, period)).find((c) => c.dimension === 'messages')).toMatchObject({
          used: 5020,
        }),
      { timeout: 10_000, interval: 20 },
    );
    // The separate worker sees the current hour as closed (its clock runs two hours ahead).
    const workerEnv = { ...env, LOG_LEVEL: 'silent', CLOCK_OFFSET_SECONDS: String(2 * 3600) };
    const first = await runEntryPoint('src/worker/run-worker.ts', ['--once'], workerEnv);
    expect(first.code, first.stderr).toBe(0);
    // 20 capped turns + 30 overage turns + the 2 earlier-usage rows.
    expect(JSON.parse(first.stdout.trim().split('\n').at(-1)!)).toMatchObject({ drain: { received: 52 } });
    // One hour bucket, unless the turns happened to straddle an hour boundary (then one per hour, same total).
    const hours = new Set([before, hourStart(new Date()).toISOString()]);
    const accepted = emulator.acceptedUsage();
    expect(accepted.length).toBe(new Set(accepted.map((a) => a.effectiveStartTime)).size);
    expect(accepted.length).toBeLessThanOrEqual(hours.size);
    for (const a of accepted) {
      expect(a).toMatchObject({ resourceId: overage.id, dimension: 'messages' });
      expect(hours).toContain(a.effectiveStartTime);
    }
    expect(accepted.reduce((sum, a) => sum + a.quantity, 0)).toBe(20);
    // Every billable usage event counted exactly once; the queue is empty; a second run changes nothing.
    const consumed = store.db.prepare('SELECT COUNT(*) AS n FROM metering_consumed').get() as { n: number };
    expect(consumed.n).toBe(20);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM usage_outbox').get() as { n: number }).n).toBe(0);
    const calls = emulator.callCounts().batchUsageEvent;
    const second = await runEntryPoint('src/worker/run-worker.ts', ['--once'], workerEnv);
    expect(second.code, second.stderr).toBe(0);
    expect(emulator.callCounts().batchUsageEvent).toBe(calls);
    expect(emulator.acceptedUsage()).toHaveLength(accepted.length);
  }, 60_000);
});
