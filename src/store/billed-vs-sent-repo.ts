import type { UsageKind } from '../domain/billing-rules';
import type { Comparison, ComparisonOutcome, OutcomeCounts } from '../domain/billed-vs-sent';

/** One run of the billed-vs-sent job (src/worker/billed-vs-sent-job.ts): the days it compared and what it found. */
export interface BilledVsSentRun {
  id: number;
  /** `schedule`: the worker's daily run; `manual`: `npm run billed-vs-sent` or a test. */
  trigger: 'schedule' | 'manual';
  /** `Running` until it ends; a run whose process died stays so until the next run takes the lease. */
  status: 'Running' | 'Done' | 'Failed';
  startedAt: Date;
  finishedAt?: Date;
  /** `YYYY-MM-DD`, the first and last day compared (UTC), both included. */
  firstDay: string;
  lastDay: string;
  /** Keys per outcome (all zero until Done). */
  counts: OutcomeCounts;
  /** Failed: why (e.g. the Marketplace did not answer); the next run compares those days again. */
  error?: string;
}

/** One stored comparison: the latest for its (day, subscription, dimension, plan). */
export interface BilledVsSentRow extends Comparison {
  runId: number;
  comparedAt: Date;
}

export interface BilledVsSentFilter {
  /** `YYYY-MM-DD`, both included. */
  fromDay?: string;
  toDay?: string;
  /** Only the outcomes an operator must look at (mismatches, rejected and missing rows). */
  onlyProblems?: boolean;
  subscriptionId?: string;
  outcome?: ComparisonOutcome;
  /** Default 100, at most 1000. */
  limit?: number;
  offset?: number;
}

/** Accepted units of the ledger summed per UTC day, subscription, usage kind and plan. */
export interface LedgerDayTotal {
  day: string;
  subscriptionId: string;
  dimension: UsageKind;
  planId: string;
  quantity: number;
  hours: number;
}

/** The billed-vs-sent job's runs and stored comparisons, and the ledger it compares with the Marketplace's figures. */
export interface BilledVsSentRepo {
  /**
   * Takes the job's lease (one row, so one run at a time across every instance) and records a Running run; undefined
   * when another owner holds a live lease, or, with `notDoneSince`, when a run that started at or after it is Done
   * (today's scheduled run happened). Runs left Running by an owner whose lease ran out are marked Failed.
   */
  startRun(input: {
    owner: string;
    trigger: BilledVsSentRun['trigger'];
    now: Date;
    leaseUntil: Date;
    firstDay: string;
    lastDay: string;
    notDoneSince?: Date;
  }): Promise<number | undefined>;
  /** Extends the lease of a long run; false when it is not ours any more. */
  renewLease(owner: string, now: Date, leaseUntil: Date): Promise<boolean>;
  /**
   * One transaction: the comparisons of `days` replace those stored for them (so a second run for a day changes
   * nothing but the run id and time), the run is Done with its counts, and the lease is freed.
   */
  finishRun(input: {
    runId: number;
    owner: string;
    now: Date;
    days: readonly string[];
    comparisons: readonly Comparison[];
  }): Promise<void>;
  /** The run failed (stored comparisons are kept); the lease is freed. */
  failRun(input: { runId: number; owner: string; now: Date; error: string }): Promise<void>;
  /**
   * What the ledger holds as billed, per day: hours the Marketplace accepted (Accepted, and Conflict or Resolved ones
   * whose accepted quantity it told us), by the UTC day of the hour, for days `fromDay` to `toDay` included.
   */
  ledger(fromDay: string, toDay: string): Promise<LedgerDayTotal[]>;
  /** The newest run (any status). */
  latestRun(): Promise<BilledVsSentRun | undefined>;
  /** The newest runs first. */
  runs(limit: number): Promise<BilledVsSentRun[]>;
  /** Stored comparisons, newest day first, then subscription, dimension and plan. */
  rows(filter?: BilledVsSentFilter): Promise<BilledVsSentRow[]>;
  /** Comparisons per outcome under the same filter (limit and offset ignored). */
  counts(filter?: BilledVsSentFilter): Promise<OutcomeCounts>;
  /** Forgets comparisons of days before `beforeDay` and runs started before it; returns the comparisons removed. */
  prune(beforeDay: string): Promise<number>;
}
