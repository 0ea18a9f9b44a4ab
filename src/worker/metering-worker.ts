import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import { DAY, MINUTE, type Clock } from '../domain/clock';
import { coerceError } from '../domain/errors';
import { judgeItem, planBatches, retryDelayMs, tooOldBefore } from '../domain/metering';
import type { Logger } from '../logger';
import { MarketplaceApiError } from '../marketplace/marketplace-http';
import type { MeteringApi } from '../marketplace/metering-client';
import type { UsageQueue } from '../queue/usage-queue';
import type { MeteringReport, MeteringSettlement, Store } from '../store/store';

export interface DrainSummary {
  received: number;
  consumed: number;
  duplicates: number;
  carriedUnits: number;
}

export interface FlushSummary {
  calls: number;
  submitted: number;
  accepted: number;
  conflicts: number;
  retries: number;
  held: number;
  expired: number;
  failed: number;
}

/** How many messages one consume transaction takes. */
const DRAIN_BATCH = 5000;
/** A claim is ours for this long; after it, another pass (or worker) may send the bucket again. */
const LEASE_MS = 2 * MINUTE;
/** Consumed-message memory kept this long (redeliveries come within minutes or hours). */
const CONSUMED_MEMORY_MS = 3 * DAY;

/**
 * The metering worker (DESIGN.md "Metering"): drains the usage queue into hourly overage buckets, then submits
 * every hour that closed (plus a grace) through the batch API, 25 at a time, and settles each item:
 * Accepted; Duplicate (same quantity: done; another: conflict for the operator); Expired (units carried into
 * the current hour); not active (held, subscription refreshed); refused (failed); 429/5xx/timeouts (retried with
 * capped exponential backoff, then failed). A bucket is InFlight in the store before its HTTP call, so after a
 * crash it is sent again and settled by the duplicate rule: no unit lost, none billed twice.
 */
export class MeteringWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastPrune = 0;

  constructor(
    private readonly deps: {
      queue: UsageQueue;
      store: Store;
      metering: MeteringApi;
      clock: Clock;
      logger: Logger;
      config: Config['worker'];
      /** Refreshes a subscription from the Fulfillment API (its usage was refused as not active). */
      refreshSubscription?: (subscriptionId: string) => Promise<void>;
      /** One report settled (telemetry). */
      onSettled?: (report: MeteringReport, settlement: MeteringSettlement) => void;
    },
  ) {}

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
   * Submits due hours. `flushAll` sends a last partial batch at once (otherwise it may wait for more hours);
   * `reclaimInFlight` re-sends every InFlight bucket (after a crash) instead of only those whose lease ran out.
   */
  async flush(options: { flushAll: boolean; reclaimInFlight: boolean }): Promise<FlushSummary> {
    const summary: FlushSummary = {
      calls: 0,
      submitted: 0,
      accepted: 0,
      conflicts: 0,
      retries: 0,
      held: 0,
      expired: 0,
      failed: 0,
    };
    const now = this.deps.clock.now();
    const closedBefore = new Date(now.getTime() - this.deps.config.graceMs);
    const due = await this.deps.store.metering.listDue({
      now,
      closedBefore,
      reclaimInFlight: options.reclaimInFlight,
      limit: 1_000_000,
    });
    const batches = planBatches(due, now, { flushAll: options.flushAll, maxWaitMs: this.deps.config.maxBatchWaitMs });
    const toRefresh = new Set<string>();
    for (const batch of batches) {
      const correlationId = randomUUID();
      const claimed = await this.deps.store.metering.claim(
        batch.map((d) => d.id),
        {
          now,
          closedBefore,
          leaseUntil: new Date(now.getTime() + LEASE_MS),
          reclaimInFlight: options.reclaimInFlight,
          correlationId,
        },
      );
      if (claimed.length === 0) continue;
      const settlements = await this.submit(claimed, correlationId, now, summary);
      await this.deps.store.metering.settle(settlements, now);
      for (const s of settlements) {
        const report = claimed.find((r) => r.id === s.id)!;
        this.deps.onSettled?.(report, s);
        if (s.status === 'Held') toRefresh.add(report.subscriptionId);
      }
    }
    for (const subscriptionId of toRefresh) {
      await this.deps
        .refreshSubscription?.(subscriptionId)
        .catch((thrown) =>
          this.deps.logger.warn({ subscriptionId, err: coerceError(thrown).message }, 'could not refresh a held subscription'),
        );
    }
    if (summary.calls) this.deps.logger.info(summary, 'metering flush');
    return summary;
  }

  private async submit(
    claimed: MeteringReport[],
    correlationId: string,
    now: Date,
    summary: FlushSummary,
  ): Promise<MeteringSettlement[]> {
    const settlements: MeteringSettlement[] = [];
    // Hours already too old are not worth a call: the API would answer Expired. Carry them now.
    const oldest = tooOldBefore(now).getTime();
    const sendable = claimed.filter((r) => {
      if (r.hourStart.getTime() >= oldest) return true;
      settlements.push({ id: r.id, correlationId, status: 'Expired', errorMessage: 'hour too old to report' });
      summary.expired += 1;
      return false;
    });
    if (sendable.length === 0) return settlements;
    summary.calls += 1;
    summary.submitted += sendable.length;
    let answer;
    try {
      answer = await this.deps.metering.submitBatch(
        sendable.map((r) => ({
          resourceId: r.subscriptionId,
          quantity: r.quantity,
          dimension: r.dimension,
          effectiveStartTime: r.hourStart.toISOString(),
          planId: r.planId,
        })),
        { correlationId },
      );
    } catch (thrown) {
      // The whole call failed (429/5xx/timeout after the client's own retries, or refused): each report retries.
      const error = thrown instanceof MarketplaceApiError ? thrown : undefined;
      const code = error?.apiCode ?? (error?.status ? `HTTP ${error.status}` : 'NetworkError');
      const message = coerceError(thrown).message.slice(0, 500);
      const retryable = error ? error.retryable : true;
      for (const r of sendable)
        settlements.push(this.retryOrFail(r, correlationId, now, code, message, retryable, error?.requestId, summary));
      this.deps.logger.warn({ correlationId, code, reports: sendable.length }, 'metering call failed');
      return settlements;
    }
    const requestId = answer.requestId;
    sendable.forEach((r, i) => {
      const item = answer.items[i];
      if (!item) {
        settlements.push(
          this.retryOrFail(
            r,
            correlationId,
            now,
            'MissingItem',
            'the answer did not mention this event',
            true,
            requestId,
            summary,
          ),
        );
        return;
      }
      const verdict = judgeItem(item, r.quantity);
      const base = { id: r.id, correlationId, requestId };
      switch (verdict.kind) {
        case 'Accepted':
          summary.accepted += 1;
          settlements.push({
            ...base,
            status: 'Accepted',
            usageEventId: verdict.usageEventId,
            acceptedQuantity: verdict.acceptedQuantity,
          });
          break;
        case 'Conflict':
          summary.conflicts += 1;
          this.deps.logger.error(
            {
              subscriptionId: r.subscriptionId,
              dimension: r.dimension,
              hour: r.hourStart,
              ours: r.quantity,
              theirs: verdict.acceptedQuantity,
            },
            'metering conflict',
          );
          settlements.push({
            ...base,
            status: 'Conflict',
            ...(verdict.usageEventId ? { usageEventId: verdict.usageEventId } : {}),
            acceptedQuantity: verdict.acceptedQuantity,
            errorMessage: verdict.message,
          });
          break;
        case 'Expired':
          summary.expired += 1;
          settlements.push({ ...base, status: 'Expired', errorMessage: 'expired at the Marketplace' });
          break;
        case 'Held':
          summary.held += 1;
          settlements.push({
            ...base,
            status: 'Held',
            nextAttemptAt: new Date(now.getTime() + this.deps.config.holdRetryMs),
            errorCode: verdict.code,
            errorMessage: verdict.message,
          });
          break;
        case 'Refused':
          summary.failed += 1;
          this.deps.logger.error(
            { subscriptionId: r.subscriptionId, dimension: r.dimension, hour: r.hourStart, code: verdict.code },
            'metering refused',
          );
          settlements.push({ ...base, status: 'Failed', errorCode: verdict.code, errorMessage: verdict.message });
          break;
        case 'Retry':
          settlements.push(this.retryOrFail(r, correlationId, now, verdict.code, verdict.message, true, requestId, summary));
      }
    });
    return settlements;
  }

  private retryOrFail(
    report: MeteringReport,
    correlationId: string,
    now: Date,
    code: string,
    message: string,
    retryable: boolean,
    requestId: string | undefined,
    summary: FlushSummary,
  ): MeteringSettlement {
    const base = { id: report.id, correlationId, ...(requestId ? { requestId } : {}) };
    if (!retryable || report.attempts >= this.deps.config.maxAttempts) {
      summary.failed += 1;
      this.deps.logger.error(
        {
          subscriptionId: report.subscriptionId,
          dimension: report.dimension,
          hour: report.hourStart,
          attempts: report.attempts,
          code,
        },
        'metering report failed',
      );
      return { ...base, status: 'Failed', errorCode: code, errorMessage: message };
    }
    summary.retries += 1;
    return {
      ...base,
      status: 'Retry',
      nextAttemptAt: new Date(now.getTime() + retryDelayMs(report.attempts)),
      errorCode: code,
      errorMessage: message,
    };
  }

  /** `npm run worker -- --once`: drain, send every due hour (partial batches too, in-flight ones again), return. */
  async runOnce(): Promise<{ drain: DrainSummary; flush: FlushSummary }> {
    const drain = await this.drain();
    const flush = await this.flush({ flushAll: true, reclaimInFlight: true });
    return { drain, flush };
  }

  /** Runs until `stop()`: the first pass re-sends what a crash left in flight, later ones only expired leases. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      let first = true;
      let failures = 0;
      while (this.running) {
        try {
          await this.drain();
          await this.flush({ flushAll: false, reclaimInFlight: first });
          first = false;
          failures = 0;
          await this.pruneNowAndThen();
        } catch (thrown) {
          failures += 1;
          this.deps.logger.error({ err: coerceError(thrown).message, failures }, 'metering pass failed');
        }
        if (!this.running) break;
        // Back off while passes fail (store or queue down): up to 15 minutes between tries.
        const wait = Math.min(15 * MINUTE, this.deps.config.pollMs * 2 ** failures);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          timer.unref();
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
