import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import { DAY, MINUTE, type Clock } from '../domain/clock';
import { planBatches, tooOldBefore, type MeteringAlertKey } from '../domain/metering';
import { meteringDimensionId, type PlanCatalog } from '../domain/plans';
import type { Logger } from '../logger';
import type { BatchAnswer, MeteringApi } from '../marketplace/metering-client';
import type { UsageQueue } from '../queue/usage-queue';
import type { MeteringReport, MeteringSettlement, Store } from '../store/store';
import { MeteringCallAlerts } from './metering-call-alerts';
import { emptyFlushSummary, type DrainSummary, type FlushSummary } from './metering-pass-summaries';
import { carryTooOld, retryFailedCall, settleAnswer, type SettlingBatch } from './metering-settlements';

export type { DrainSummary, FlushSummary } from './metering-pass-summaries';

/** How many messages one consume transaction takes. */
const DRAIN_BATCH = 5000;
/** A claim is ours for this long; after it, another worker may send the bucket again (settled by the duplicate rule). */
const DEFAULT_LEASE_MS = 2 * MINUTE;
/** No new attempt of a call (the HTTP layer's own retries) starts later than this after the claim. */
const DEFAULT_CALL_BUDGET_MS = MINUTE;
/** Consumed-message memory kept this long (redeliveries come within minutes or hours). */
const CONSUMED_MEMORY_MS = 3 * DAY;

/**
 * The metering worker (DESIGN.md "Metering", "Money never silently lost"): drains the usage queue into hourly
 * overage buckets, then submits every hour that closed (plus a grace) through the batch API, 25 at a time, and
 * settles each item: Accepted; Duplicate (same quantity: done; another or unknown: conflict for the operator);
 * Expired (units carried into the current hour); not active (held, subscription refreshed); refused about the item
 * itself (failed, for the operator, who can re-send or resolve it); anything else — 429/5xx/timeouts/network, a
 * call answered 401/403 — retried with capped backoff inside the hour's 24-hour window, then carried into the
 * current open hour: never dropped. Call-level 401/403 also raise an alert that the next answered call clears.
 *
 * A bucket is InFlight in the store, under a lease, before its HTTP call: another worker (process or instance)
 * never takes a live lease, so N workers send each hour once; after a crash the bucket is sent again once its lease
 * runs out and is settled by the duplicate rule. Attempts are counted when a call ends, not at claim.
 */
export class MeteringWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastPrune = 0;
  private readonly alerts: MeteringCallAlerts;

  constructor(
    private readonly deps: {
      queue: UsageQueue;
      store: Store;
      metering: MeteringApi;
      /** Maps each report's usage kind to the dimension id its plan's offer publishes. */
      catalog: PlanCatalog;
      clock: Clock;
      logger: Logger;
      config: Config['worker'];
      /** Refreshes a subscription from the Fulfillment API (its usage was refused as not active). */
      refreshSubscription?: (subscriptionId: string) => Promise<void>;
      /** A call-level alert raised (`raised: true`) or cleared by an answered call (operator alerts). */
      onAlert?: (change: { key: MeteringAlertKey; raised: boolean; message?: string }) => void;
      /** One report settled (telemetry). */
      onSettled?: (report: MeteringReport, settlement: MeteringSettlement) => void;
      /** How long a claim is ours (default 2 min); must outlast `callBudgetMs` plus one call's timeout. */
      leaseMs?: number;
      /** The HTTP layer starts no retry later than this after the claim (default 1 min). */
      callBudgetMs?: number;
      /** Jobs asked on every pass whether they are due (the daily billed-vs-sent comparison); they never throw. */
      dailyJobs?: readonly { runIfDue(): Promise<unknown> }[];
    },
  ) {
    this.alerts = new MeteringCallAlerts(deps);
  }

  /** Moves every queued usage message into the buckets; returns what it did. */
  async drain(maxMessages = Number.POSITIVE_INFINITY): Promise<DrainSummary> {
    const summary: DrainSummary = { received: 0, consumed: 0, duplicates: 0, carriedUnits: 0 };
    // Receiving while the store is down would only raise the messages' delivery counts towards dead-lettering.
    await this.deps.store.ping();
    while (summary.received < maxMessages) {
      const deliveries = await this.deps.queue.receive(Math.min(DRAIN_BATCH, maxMessages - summary.received));
      if (deliveries.length === 0) break;
      summary.received += deliveries.length;
      const now = this.deps.clock.now();
      try {
        const outcome = await this.deps.store.metering.consume(
          deliveries.map((d) => d.message),
          now,
          tooOldBefore(now),
        );
        summary.consumed += outcome.consumed;
        summary.duplicates += outcome.duplicates;
        summary.carriedUnits += outcome.carriedUnits;
      } catch (thrown) {
        // Nothing was counted (one transaction): give the messages back and stop this pass.
        await this.deps.queue.abandon(deliveries).catch(() => undefined);
        throw thrown;
      }
      // Completed only after our commit: a crash in between redelivers them, and consume() ignores them.
      await this.deps.queue.complete(deliveries);
    }
    return summary;
  }

  /**
   * Submits due hours. `flushAll` sends a last partial batch at once (otherwise it may wait for more hours). InFlight
   * buckets are sent again only once their lease ran out: a live one may belong to another worker.
   */
  async flush(options: { flushAll: boolean }): Promise<FlushSummary> {
    const summary = emptyFlushSummary();
    const now = this.deps.clock.now();
    const closedBefore = new Date(now.getTime() - this.deps.config.graceMs);
    const due = await this.deps.store.metering.listDue({ now, closedBefore, limit: 1_000_000 });
    const batches = planBatches(due, now, { flushAll: options.flushAll, maxWaitMs: this.deps.config.maxBatchWaitMs });
    const toRefresh = new Set<string>();
    for (const batch of batches) await this.flushBatch(batch, closedBefore, summary, toRefresh);
    await this.refreshHeld(toRefresh);
    if (summary.calls) this.deps.logger.info(summary, 'metering flush');
    return summary;
  }

  /**
   * One batch: claimed under a lease (the ids another worker holds are left out), sent, settled in the store; the
   * subscriptions of its Held reports are added to `toRefresh`.
   */
  private async flushBatch(
    batch: readonly { id: number }[],
    closedBefore: Date,
    summary: FlushSummary,
    toRefresh: Set<string>,
  ): Promise<void> {
    const correlationId = randomUUID();
    // The clock is read again for each batch: with a backlog or slow calls, a lease counted from the start of the
    // pass could already have run out when its call starts.
    const batchNow = this.deps.clock.now();
    const claimed = await this.deps.store.metering.claim(
      batch.map((d) => d.id),
      {
        now: batchNow,
        closedBefore,
        leaseUntil: new Date(batchNow.getTime() + (this.deps.leaseMs ?? DEFAULT_LEASE_MS)),
        correlationId,
      },
    );
    if (claimed.length === 0) return;
    const settlements = await this.submit(claimed, correlationId, batchNow, summary);
    await this.deps.store.metering.settle(settlements, batchNow);
    for (const s of settlements) {
      const report = claimed.find((r) => r.id === s.id)!;
      this.deps.onSettled?.(report, s);
      if (s.status === 'Held') toRefresh.add(report.subscriptionId);
    }
  }

  /** Sends the claimed hours in one call and returns a settlement for every claimed report. */
  private async submit(
    claimed: MeteringReport[],
    correlationId: string,
    now: Date,
    summary: FlushSummary,
  ): Promise<MeteringSettlement[]> {
    const batch: SettlingBatch = { correlationId, now, summary, logger: this.deps.logger, config: this.deps.config };
    const { settlements, sendable } = carryTooOld(claimed, batch);
    if (sendable.length === 0) return settlements;
    summary.calls += 1;
    summary.submitted += sendable.length;
    let answer: BatchAnswer;
    try {
      answer = await this.callBatchApi(sendable, correlationId);
    } catch (thrown) {
      const failed = retryFailedCall(thrown, sendable, batch);
      settlements.push(...failed.settlements);
      this.deps.logger.warn(
        { correlationId, code: failed.code, reports: sendable.length },
        'metering call failed; its hours will be retried',
      );
      if (failed.alert) await this.alerts.raise(failed.alert, `${failed.message} (the worker keeps retrying)`, now);
      return settlements;
    }
    await this.alerts.clear(now);
    settlements.push(...settleAnswer(sendable, answer, batch));
    return settlements;
  }

  /** One batch API call (the HTTP layer retries inside the call budget). */
  private callBatchApi(sendable: MeteringReport[], correlationId: string): Promise<BatchAnswer> {
    return this.deps.metering.submitBatch(
      sendable.map((r) => ({
        resourceId: r.subscriptionId,
        quantity: r.quantity,
        // Reports keep the product's usage kind; the API knows the offer's own dimension ids.
        dimension: meteringDimensionId(this.deps.catalog.get(r.planId), r.dimension),
        effectiveStartTime: r.hourStart.toISOString(),
        planId: r.planId,
      })),
      { correlationId, deadline: Date.now() + (this.deps.callBudgetMs ?? DEFAULT_CALL_BUDGET_MS) },
    );
  }

  /** Held reports' subscriptions, refreshed from the Fulfillment API; a failure is only logged. */
  private async refreshHeld(toRefresh: Set<string>): Promise<void> {
    for (const subscriptionId of toRefresh) {
      await this.deps
        .refreshSubscription?.(subscriptionId)
        .catch((thrown) => this.deps.logger.warn({ subscriptionId, err: thrown }, 'could not refresh a held subscription'));
    }
  }

  /** `npm run worker -- --once`: drain, send every due hour (partial batches too), return. */
  async runOnce(): Promise<{ drain: DrainSummary; flush: FlushSummary }> {
    const drain = await this.drain();
    const flush = await this.flush({ flushAll: true });
    return { drain, flush };
  }

  /**
   * Runs until `stop()`, one pass every poll interval. Its timer holds the process (a worker of its own must not
   * exit after one pass); `stop()` ends the wait at once.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      let failures = 0;
      while (this.running) {
        try {
          await this.drain();
          await this.flush({ flushAll: false });
          failures = 0;
          await this.pruneNowAndThen();
          for (const job of this.deps.dailyJobs ?? []) await job.runIfDue();
        } catch (thrown) {
          failures += 1;
          this.deps.logger.error({ err: thrown, failures }, 'metering pass failed');
        }
        if (!this.running) break;
        // Back off while passes fail (store or queue down): up to 15 minutes between tries.
        const wait = Math.min(15 * MINUTE, this.deps.config.pollMs * 2 ** failures);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();
  }

  /** Lets the pass in progress finish, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async pruneNowAndThen(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (now - this.lastPrune < DAY) return;
    this.lastPrune = now;
    await this.deps.store.metering.pruneConsumed(new Date(now - CONSUMED_MEMORY_MS));
  }
}
