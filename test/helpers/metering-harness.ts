import path from 'node:path';
import { SubscriptionGate } from '../../src/bot/subscription-gate';
import { UsageRecorder } from '../../src/bot/usage-recorder';
import type { FaultConfig } from '../../src/config';
import { MINUTE } from '../../src/domain/clock';
import { billingPeriodAt } from '../../src/domain/periods';
import { hasOverage, includedUnits } from '../../src/domain/plans';
import type { Subscription } from '../../src/domain/subscription';
import { silentLogger } from '../../src/logger';
import { createEmulator, startEmulatorServer, type Emulator } from '../../src/dev/marketplace-emulator/emulator';
import { FulfillmentClient } from '../../src/marketplace/fulfillment-client';
import { MarketplaceHttp } from '../../src/marketplace/marketplace-http';
import { MeteringClient } from '../../src/marketplace/metering-client';
import { toDomainSubscription } from '../../src/marketplace/subscription-mapping';
import { loadPlanCatalog } from '../../src/plan-catalog-source';
import { SqliteOutboxQueue } from '../../src/store/sqlite/sqlite-outbox-queue';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { MeteringWorker } from '../../src/worker/metering-worker';
import type { FakeClock } from './fake-clock';
import { tempDir } from './temp-dir';
import { priorUsageEvent } from './usage-events';

export const WORKER_CONFIG = {
  mode: 'off' as const,
  graceMs: 5 * MINUTE,
  pollMs: 1000,
  maxAttempts: 8,
  maxBatchWaitMs: 60 * MINUTE,
  holdRetryMs: 30 * MINUTE,
  queueLockMs: MINUTE,
};

export interface MeteringHarness {
  store: SqliteStore;
  emulator: Emulator;
  emulatorUrl: string;
  worker: MeteringWorker;
  fulfillment: FulfillmentClient;
  /** Buys and activates a subscription on the emulator and stores it, as the landing page would. */
  subscribe(planId: string, tenantId: string, quantity?: number): Promise<Subscription>;
  /** One message turn through the gate and the usage recorder, at `at`. `tokens` > 5,000 makes a multi-unit premium turn. */
  turn(subscription: Subscription, at: Date, tokens?: number): Promise<boolean>;
  /** Usage already in the period (not billable unless it crosses the allowance). */
  priorUsage(subscription: Subscription, dimension: 'messages' | 'premium_messages', quantity: number, at: Date): Promise<void>;
  /** Sets the clock to `time` and runs one pass of the worker. */
  runAt(time: Date): ReturnType<MeteringWorker['runOnce']>;
  close(): Promise<void>;
}

/** The metering pipeline on real boundaries: a SQLite file, the outbox queue, the real Metering client and the emulator over HTTP. */
export async function startMeteringHarness(
  clock: FakeClock,
  options: {
    faults?: Partial<FaultConfig>;
    clientTimeoutMs?: number;
    file?: string;
    /** The worker's alert and settlement hooks (operator alerts tests). */
    hooks?: Pick<ConstructorParameters<typeof MeteringWorker>[0], 'onAlert' | 'onSettled'>;
  } = {},
): Promise<MeteringHarness> {
  const store = openSqliteStore(options.file ?? path.join(tempDir(), 'metering.sqlite'));
  const catalog = loadPlanCatalog(undefined);
  const emulator = createEmulator({
    clock,
    logger: silentLogger,
    baseUrl: 'http://127.0.0.1/emulator',
    landingPageUrl: 'http://127.0.0.1/landing',
    webhookUrl: 'http://127.0.0.1:9/api/webhook',
    plans: catalog.plans,
    offerId: 'teams-ai-assistant',
    publisherId: 'contoso',
    publisherTenantId: 'publisher-tenant',
    webhookAudience: 'fulfillment-app',
    apiToken: 'emulator-access-token',
    activationDelayMs: 0,
  });
  const server = await startEmulatorServer(emulator, { port: 0, host: '127.0.0.1', logger: silentLogger });
  emulator.configure({ baseUrl: server.url });
  const http = new MarketplaceHttp({
    baseUrl: `${server.url}/api`,
    apiVersion: '2018-08-31',
    tokens: { getToken: async () => 'emulator-access-token' },
    timeoutMs: options.clientTimeoutMs ?? 2000,
    maxRetries: 2,
    logger: silentLogger,
    sleep: async () => undefined,
  });
  const fulfillment = new FulfillmentClient(http);
  const worker = new MeteringWorker({
    queue: new SqliteOutboxQueue(store.db, { clock }),
    store,
    metering: new MeteringClient(http),
    catalog,
    clock,
    logger: silentLogger,
    config: WORKER_CONFIG,
    ...options.hooks,
    refreshSubscription: async (id) => {
      await store.subscriptions.upsert(
        toDomainSubscription(await fulfillment.getSubscription(id), await store.subscriptions.get(id), clock.now()),
      );
    },
  });
  const gate = new SubscriptionGate({
    store,
    catalog,
    clock,
    enforcement: { seatAutoAssign: true, entitlementCacheMs: 0, reservationTimeoutMs: 600_000, maxInputChars: 8000 },
    logger: silentLogger,
    // Simulated turns bring their own token counts, above what a prompt would allow: bound them loosely.
    maxTurnTokens: 100_000,
    heldUnitsWaitMs: 0,
  });
  const recorder = new UsageRecorder({ store, storeMessageText: false, logger: silentLogger });
  let n = 0;
  if (options.faults) emulator.configure({ faults: options.faults });
  return {
    store,
    emulator,
    emulatorUrl: server.url,
    worker,
    fulfillment,
    runAt(time) {
      clock.set(time);
      return worker.runOnce();
    },
    async subscribe(planId, tenantId, quantity) {
      const { subscriptionId } = emulator.buy({
        planId,
        tenantId,
        objectId: `${tenantId}-admin`,
        ...(quantity ? { quantity } : {}),
      });
      emulator.configure({ faults: {} });
      await fulfillment.activate(subscriptionId, { planId });
      const subscription = toDomainSubscription(await fulfillment.getSubscription(subscriptionId), undefined, clock.now());
      if (options.faults) emulator.configure({ faults: options.faults });
      await store.subscriptions.upsert(subscription);
      return subscription;
    },
    async turn(subscription, at, tokens = 100) {
      const saved = clock.now();
      clock.set(at);
      try {
        const admission = await gate.admit(
          {
            tenantId: subscription.beneficiary.tenantId,
            userId: 'user',
            userName: undefined,
            conversationType: 'personal',
            conversationId: 'c',
            activityId: `turn-${++n}`,
          },
          { textLength: 20, attachmentCount: 0 },
        );
        if (!admission.admitted) return false;
        await recorder.record(admission.ticket, { promptTokens: tokens - 10, completionTokens: 10 });
        return true;
      } finally {
        clock.set(saved);
      }
    },
    async priorUsage(subscription, dimension, quantity, at) {
      const plan = catalog.get(subscription.planId)!;
      await store.usage.record({
        event: priorUsageEvent(subscription.id, {
          id: `prior-${++n}`,
          tenantId: subscription.beneficiary.tenantId!,
          activityId: `prior-${n}`,
          planId: plan.id,
          userId: 'history',
          conversationId: 'h',
          dimension,
          quantity,
          occurredAt: at,
          periodStart: billingPeriodAt(at, subscription.term).start,
        }),
        included: includedUnits(plan, dimension, subscription.quantity),
        overage: hasOverage(plan, dimension),
      });
    },
    async close() {
      await emulator.close();
      await server.close();
      await store.close();
    },
  };
}

/** A business subscription of tenant-a with 2 units of overage in hour 01:00 of 10 March 2026 (allowance spent at 00:40). */
export async function twoUnitsInHourOne(h: MeteringHarness): Promise<Subscription> {
  const at = (hhmm: string) => new Date(`2026-03-10T${hhmm}:00.000Z`);
  const s = await h.subscribe('business', 'tenant-a');
  await h.priorUsage(s, 'messages', 5000, at('00:40'));
  await h.turn(s, at('01:10'));
  await h.turn(s, at('01:20'));
  return s;
}
