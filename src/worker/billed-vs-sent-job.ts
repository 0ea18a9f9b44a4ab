import { randomUUID } from 'node:crypto';
import os from 'node:os';
import {
  addDays,
  compareBilledWithLedger,
  countOutcomes,
  dayOf,
  daysToCompare,
  isProblem,
  problemCount,
  scheduledRunAt,
  type Comparison,
  type LedgerDay,
  type OutcomeCounts,
} from '../domain/billed-vs-sent';
import { MINUTE, type Clock } from '../domain/clock';
import { coerceError } from '../domain/errors';
import { meteringDimensionId, type PlanCatalog } from '../domain/plans';
import type { Logger } from '../logger';
import type { BilledUsageApi } from '../marketplace/billed-usage-client';
import type { BilledVsSentRun, LedgerDayTotal, Store } from '../store/store';
import type { Telemetry } from '../telemetry/telemetry';
import type { BilledVsSentSettings } from './billed-vs-sent-settings';

/** What a run found: the seam for operator alerts (`billing.mismatch`) and for scripts. */
export interface BilledVsSentSummary {
  runId: number;
  trigger: BilledVsSentRun['trigger'];
  status: 'Done' | 'Failed';
  /** The days compared, oldest first (`YYYY-MM-DD`, UTC). */
  days: string[];
  counts: OutcomeCounts;
  /** Keys an operator must look at: quantity mismatches, rejected rows, rows missing on either side. */
  problems: number;
  /** Those keys, every one: each is a `billing.mismatch` operator alert. */
  mismatches: Comparison[];
  /** Rows of the Marketplace's answer that could not be compared (no day, resource, dimension or plan). */
  unreadableRows: number;
  /** Failed: why. The days are compared again by the next run. */
  error?: string;
  durationMs: number;
}

export type BilledVsSentOutcome =
  | { ran: true; summary: BilledVsSentSummary }
  /**
   * `disabled` (BILLED_VS_SENT=false), `not-due` (before today's hour, or waiting to retry a failed run), `done` (today's
   * run is done), `busy` (another instance or run holds the lease).
   */
  | { ran: false; reason: 'disabled' | 'not-due' | 'done' | 'busy' };

export interface BilledVsSentJobDeps {
  store: Store;
  api: BilledUsageApi;
  /** Maps the ledger's usage kinds to the dimension ids each plan's offer publishes (what the Marketplace reports). */
  catalog: PlanCatalog;
  clock: Clock;
  logger: Logger;
  settings: BilledVsSentSettings;
  telemetry?: Telemetry;
  /** A run found problems (raise the operator alert `billing.mismatch`). Errors it throws are logged, never fatal. */
  onMismatch?: (summary: BilledVsSentSummary) => void | Promise<void>;
  /** A run found no problem (clear that alert). */
  onMatched?: (summary: BilledVsSentSummary) => void | Promise<void>;
  /** Who holds the lease; default host, pid and a random suffix. */
  owner?: string;
  /** How long a run's lease lasts (renewed after the Marketplace answered); default 15 min. */
  leaseMs?: number;
}

const DEFAULT_LEASE_MS = 15 * MINUTE;

/**
 * Billed vs sent (issue 12, part 5; DESIGN.md "Metering"): once a day, asks the Metering API what it holds
 * (`GET /usageEvents`, every page) for the last complete days and compares each (day, subscription, dimension, plan)
 * with the ledger: the hours the Marketplace accepted. Results replace those stored for the same days, so a run
 * twice for a day changes nothing. One run at a time across instances (a lease in the store). An outage fails the
 * run, which is retried after `retryMs` (the stored comparisons stay as they were); nothing here ever throws into
 * the worker's loop.
 */
export class BilledVsSentJob {
  private readonly owner: string;
  /** The UTC day whose scheduled run this process saw done: no store read until tomorrow. */
  private doneFor: string | undefined;
  private running = false;

  constructor(private readonly deps: BilledVsSentJobDeps) {
    this.owner = deps.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** The worker calls this on every pass: runs today's comparison once its hour has come. Never throws. */
  async runIfDue(): Promise<BilledVsSentOutcome> {
    const { settings, clock, store } = this.deps;
    if (!settings.enabled) return { ran: false, reason: 'disabled' };
    const now = clock.now();
    const today = dayOf(now);
    const scheduled = scheduledRunAt(now, settings.hourUtc);
    if (now < scheduled) return { ran: false, reason: 'not-due' };
    if (this.doneFor === today) return { ran: false, reason: 'done' };
    let latest: BilledVsSentRun | undefined;
    try {
      latest = await store.billedVsSent.latestRun();
    } catch (thrown) {
      this.deps.logger.warn({ err: thrown }, 'billed vs sent: could not read the last run; trying later');
      return { ran: false, reason: 'not-due' };
    }
    if (latest && latest.startedAt >= scheduled) {
      if (latest.status === 'Done') {
        this.doneFor = today;
        return { ran: false, reason: 'done' };
      }
      const retryAt = (latest.finishedAt ?? latest.startedAt).getTime() + settings.retryMs;
      if (latest.status === 'Failed' && now.getTime() < retryAt) return { ran: false, reason: 'not-due' };
    }
    const outcome = await this.run({ trigger: 'schedule', notDoneSince: scheduled });
    if (outcome.ran && outcome.summary.status === 'Done') this.doneFor = today;
    return outcome;
  }

  /**
   * Compares now: `days` (`YYYY-MM-DD`), or the configured window before today. `npm run billed-vs-sent` and tests;
   * the schedule passes `notDoneSince` so that only one run a day happens across instances. Never throws.
   */
  async run(
    options: { trigger?: BilledVsSentRun['trigger']; days?: readonly string[]; notDoneSince?: Date } = {},
  ): Promise<BilledVsSentOutcome> {
    if (this.running) return { ran: false, reason: 'busy' };
    this.running = true;
    try {
      return await this.runExclusive(options);
    } finally {
      this.running = false;
    }
  }

  private async runExclusive(options: {
    trigger?: BilledVsSentRun['trigger'];
    days?: readonly string[];
    notDoneSince?: Date;
  }): Promise<BilledVsSentOutcome> {
    const { store, clock, logger, settings } = this.deps;
    const trigger = options.trigger ?? 'manual';
    const started = clock.now();
    const days = [...new Set(options.days ?? daysToCompare(started, settings.windowDays))].sort();
    const firstDay = days[0];
    const lastDay = days.at(-1);
    if (!firstDay || !lastDay) return { ran: false, reason: 'not-due' };
    const leaseMs = this.deps.leaseMs ?? DEFAULT_LEASE_MS;
    let runId: number | undefined;
    try {
      runId = await store.billedVsSent.startRun({
        owner: this.owner,
        trigger,
        now: started,
        leaseUntil: new Date(started.getTime() + leaseMs),
        firstDay,
        lastDay,
        ...(options.notDoneSince ? { notDoneSince: options.notDoneSince } : {}),
      });
    } catch (thrown) {
      logger.warn({ err: thrown }, 'billed vs sent: could not take the lease; trying later');
      return { ran: false, reason: 'busy' };
    }
    if (runId === undefined) return { ran: false, reason: 'busy' };

    const startedMs = Date.now();
    const correlationId = randomUUID();
    try {
      // The end day is asked one day later and the answer filtered to `days`: whether the API counts usageEndDate in
      // or not, every wanted day is in the answer.
      const answer = await this.deps.api.listBilledUsage(
        { usageStartDate: firstDay, usageEndDate: addDays(lastDay, 1) },
        { correlationId, deadline: Date.now() + leaseMs / 2 },
      );
      const renewed = await store.billedVsSent.renewLease(this.owner, clock.now(), new Date(clock.now().getTime() + leaseMs));
      if (!renewed) logger.warn({ runId }, 'billed vs sent: the lease ran out during the run; its results are written anyway');
      if (answer.unreadable > 0)
        logger.warn(
          { runId, unreadable: answer.unreadable },
          'billed vs sent: rows of the Marketplace answer could not be compared',
        );
      const ledger = this.ledgerDays(await store.billedVsSent.ledger(firstDay, lastDay));
      const comparisons = compareBilledWithLedger(days, answer.rows, ledger);
      const finished = clock.now();
      await store.billedVsSent.finishRun({ runId, owner: this.owner, now: finished, days, comparisons });
      const counts = countOutcomes(comparisons);
      const summary: BilledVsSentSummary = {
        runId,
        trigger,
        status: 'Done',
        days,
        counts,
        problems: problemCount(counts),
        mismatches: comparisons.filter((c) => isProblem(c.outcome)),
        unreadableRows: answer.unreadable,
        durationMs: Date.now() - startedMs,
      };
      logger[summary.problems > 0 ? 'warn' : 'info'](
        { runId, correlationId, firstDay, lastDay, pages: answer.pages, rows: answer.rows.length, ...counts },
        summary.problems > 0 ? 'billed vs sent: the Marketplace and the ledger disagree' : 'billed vs sent: all rows match',
      );
      await this.prune(finished);
      this.report(summary);
      await this.notify(summary);
      return { ran: true, summary };
    } catch (thrown) {
      const error = coerceError(thrown).message.slice(0, 500);
      logger.warn({ runId, correlationId, err: error }, 'billed vs sent run failed; the next run compares these days again');
      await store.billedVsSent
        .failRun({ runId, owner: this.owner, now: clock.now(), error })
        .catch((failed: unknown) =>
          logger.warn({ runId, err: failed }, 'billed vs sent: could not record the failure'),
        );
      const summary: BilledVsSentSummary = {
        runId,
        trigger,
        status: 'Failed',
        days,
        counts: countOutcomes([]),
        problems: 0,
        mismatches: [],
        unreadableRows: 0,
        error,
        durationMs: Date.now() - startedMs,
      };
      this.report(summary);
      return { ran: true, summary };
    }
  }

  /** The ledger's usage kinds as the dimension ids the Marketplace reports (two kinds on one id are summed). */
  private ledgerDays(totals: readonly LedgerDayTotal[]): LedgerDay[] {
    const byKey = new Map<string, LedgerDay>();
    for (const t of totals) {
      const dimension = meteringDimensionId(this.deps.catalog.get(t.planId), t.dimension);
      const key = `${t.day}\u0000${t.subscriptionId}\u0000${dimension}\u0000${t.planId}`;
      const seen = byKey.get(key);
      if (seen) {
        seen.quantity += t.quantity;
        seen.hours += t.hours;
      } else
        byKey.set(key, {
          day: t.day,
          subscriptionId: t.subscriptionId,
          dimension,
          planId: t.planId,
          quantity: t.quantity,
          hours: t.hours,
        });
    }
    return [...byKey.values()];
  }

  private async prune(now: Date): Promise<void> {
    try {
      await this.deps.store.billedVsSent.prune(addDays(dayOf(now), -this.deps.settings.retentionDays));
    } catch (thrown) {
      this.deps.logger.warn({ err: thrown }, 'billed vs sent: could not forget old comparisons');
    }
  }

  private report(summary: BilledVsSentSummary): void {
    this.deps.telemetry?.billedVsSent({
      runId: summary.runId,
      trigger: summary.trigger,
      status: summary.status,
      firstDay: summary.days[0] ?? '',
      lastDay: summary.days.at(-1) ?? '',
      matches: summary.counts.Match,
      pending: summary.counts.Pending,
      quantityMismatches: summary.counts.QuantityMismatch,
      rejected: summary.counts.Rejected,
      missingAtMarketplace: summary.counts.MissingAtMarketplace,
      missingInLedger: summary.counts.MissingInLedger,
      problems: summary.problems,
      durationMs: summary.durationMs,
    });
  }

  private async notify(summary: BilledVsSentSummary): Promise<void> {
    const callback = summary.problems > 0 ? this.deps.onMismatch : this.deps.onMatched;
    try {
      await callback?.(summary);
    } catch (thrown) {
      this.deps.logger.warn(
        { runId: summary.runId, err: thrown },
        'billed vs sent: the result callback failed',
      );
    }
  }
}
