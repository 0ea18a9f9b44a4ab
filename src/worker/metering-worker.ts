import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import { DAY, MINUTE, type Clock } from '../domain/clock';
import { coerceError, isAppError } from '../domain/errors';
import {
  judgeCallFailure,
  judgeItem,
  nextAttemptAt,
  planBatches,
  tooOldBefore,
  type CallFailure,
  type MeteringAlertKey,
} from '../domain/metering';
import { meteringDimensionId, type PlanCatalog } from '../domain/plans';
import type { Logger } from '../logger';
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
/** A claim is ours for this long; after it, another worker may send the bucket again (settled by the duplicate rule). */
const DEFAULT_LEASE_MS = 2 * MINUTE;
/** No new attempt of a call (the HTTP layer's own retries) starts later than this after the claim. */
const DEFAULT_CALL_BUDGET_MS = MINUTE;
const ALERT_KEYS: readonly MeteringAlertKey[] = ['metering.auth', 'metering.call-refused'];
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
  /** Alerts this worker raised and has not seen cleared. */
  private readonly alerting = new Set<MeteringAlertKey>();

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
   * Submits due hours. `flushAll` sends a last partial batch at once (otherwise it may wait for more hours). InFlight
   * buckets are sent again only once their lease ran out: a live one may belong to another worker.
   */
  async flush(options: { flushAll: boolean }): Promise<FlushSummary> {
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
    const due = await this.deps.store.metering.listDue({ now, closedBefore, limit: 1_000_000 });
    const batches = planBatches(due, now, { flushAll: options.flushAll, maxWaitMs: this.deps.config.maxBatchWaitMs });
    const toRefresh = new Set<string>();
    for (const batch of batches) {
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
      if (claimed.length === 0) continue;
      const settlements = await this.submit(claimed, correlationId, batchNow, summary);
      await this.deps.store.metering.settle(settlements, batchNow);
      for (const s of settlements) {
        const report = claimed.find((r) => r.id === s.id)!;
        this.deps.onSettled?.(report, s);
        if (s.status === 'Held') toRefresh.add(report.subscriptionId);
      }
    }
    for (const subscriptionId of toRefresh) {
      await this.deps
        .refreshSubscription?.(subscriptionId)
        .catch((thrown) => this.deps.logger.warn({ subscriptionId, err: thrown }, 'could not refresh a held subscription'));
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
      settlements.push({ id: r.id, correlationId, attempted: false, status: 'Expired', errorMessage: 'hour too old to report' });
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
          // Reports keep the product's usage kind; the API knows the offer's own dimension ids.
          dimension: meteringDimensionId(this.deps.catalog.get(r.planId), r.dimension),
          effectiveStartTime: r.hourStart.toISOString(),
          planId: r.planId,
        })),
        { correlationId, deadline: Date.now() + (this.deps.callBudgetMs ?? DEFAULT_CALL_BUDGET_MS) },
      );
    } catch (thrown) {
      // The whole call failed (after the HTTP layer's own retries): it says nothing about the items, which retry.
      const error = failedCall(thrown);
      const failure = judgeCallFailure(error);
      const code = error.apiCode ? `${failure.code} ${error.apiCode}` : failure.code;
      const message = coerceError(thrown).message.slice(0, 500);
      for (const r of sendable) settlements.push(this.retry(r, correlationId, now, code, message, error.requestId, summary));
      this.deps.logger.warn({ correlationId, code, reports: sendable.length }, 'metering call failed; its hours will be retried');
      if (failure.alert) await this.raise(failure.alert, `${message} (the worker keeps retrying)`, now);
      return settlements;
    }
    await this.clearAlerts(now);
    const requestId = answer.requestId;
    sendable.forEach((r, i) => {
      const item = answer.items[i];
      if (!item) {
        settlements.push(
          this.retry(r, correlationId, now, 'MissingItem', 'the answer did not mention this event', requestId, summary),
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
            ...(verdict.acceptedQuantity !== undefined ? { acceptedQuantity: verdict.acceptedQuantity } : {}),
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
            nextAttemptAt: new Date(
              Math.min(now.getTime() + this.deps.config.holdRetryMs, nextAttemptAt(r.hourStart, r.attempts + 1, now).getTime()),
            ),
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
          settlements.push(this.retry(r, correlationId, now, verdict.code, verdict.message, requestId, summary));
      }
    });
    return settlements;
  }

  /** Tried again after a capped backoff, and once more before the hour's window closes; then carried (never failed). */
  private retry(
    report: MeteringReport,
    correlationId: string,
    now: Date,
    code: string,
    message: string,
    requestId: string | undefined,
    summary: FlushSummary,
  ): MeteringSettlement {
    summary.retries += 1;
    if (report.attempts + 1 === this.deps.config.maxAttempts)
      this.deps.logger.error(
        {
          subscriptionId: report.subscriptionId,
          dimension: report.dimension,
          hour: report.hourStart,
          attempts: report.attempts + 1,
          code,
        },
        'metering hour still failing; it keeps retrying and is carried before it expires',
      );
    return {
      id: report.id,
      correlationId,
      ...(requestId ? { requestId } : {}),
      status: 'Retry',
      nextAttemptAt: nextAttemptAt(report.hourStart, report.attempts + 1, now),
      errorCode: code,
      errorMessage: message,
    };
  }

  private async raise(key: MeteringAlertKey, message: string, now: Date): Promise<void> {
    if (!this.alerting.has(key)) this.deps.logger.error({ alert: key, err: message }, 'metering alert raised');
    this.alerting.add(key);
    this.deps.onAlert?.({ key, raised: true, message });
    // An alert must never keep the hours of the call from being settled: its write failing is only logged.
    await this.deps.store.alerts
      .raise(key, message, now)
      .catch((thrown) => this.deps.logger.warn({ alert: key, err: thrown }, 'could not store a metering alert'));
  }

  /** An answered call: the call-level problems are over (also those another worker raised). */
  private async clearAlerts(now: Date): Promise<void> {
    for (const key of ALERT_KEYS) {
      let cleared: boolean;
      try {
        cleared = await this.deps.store.alerts.clear(key, now);
      } catch (thrown) {
        // Kept in `alerting`: the next answered call tries again.
        this.deps.logger.warn({ alert: key, err: thrown }, 'could not clear a metering alert');
        continue;
      }
      if (this.alerting.delete(key) || cleared) {
        this.deps.logger.info({ alert: key }, 'metering alert cleared');
        this.deps.onAlert?.({ key, raised: false });
      }
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

/**
 * What the error of a failed Metering call says, read from its fields rather than from the class of the client that
 * threw it (the port's contract, src/marketplace/metering-client.ts): `retryable` (an AppError's), and what the API
 * answered when the error carries it (`status`, `apiCode`, `requestId`). Anything else thrown is retried, unalerted.
 */
function failedCall(thrown: unknown): CallFailure & { apiCode?: string; requestId?: string } {
  if (!isAppError(thrown)) return { retryable: true };
  const answered = thrown as { status?: unknown; apiCode?: unknown; requestId?: unknown };
  return {
    retryable: thrown.retryable,
    ...(typeof answered.status === 'number' ? { status: answered.status } : {}),
    ...(typeof answered.apiCode === 'string' ? { apiCode: answered.apiCode } : {}),
    ...(typeof answered.requestId === 'string' ? { requestId: answered.requestId } : {}),
  };
}
