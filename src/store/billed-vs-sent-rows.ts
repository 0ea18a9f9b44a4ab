import type { UsageKind } from '../domain/billing-rules';
import { PROBLEM_OUTCOMES, emptyCounts, type ComparisonOutcome, type OutcomeCounts } from '../domain/billed-vs-sent';
import { asDate, type Time } from './row-mapping';
import type { BilledVsSentFilter, BilledVsSentRow, BilledVsSentRun, LedgerDayTotal } from './billed-vs-sent-repo';

/**
 * Rows of the billed-vs-sent tables mapped to the port's types, once for both stores (SQLite gives epoch
 * milliseconds, Azure SQL `Date`s and bigint identities as strings), and the filter rules both stores apply.
 */

export interface RunRow {
  id: number | string;
  run_trigger: string;
  status: string;
  started_at: Time;
  finished_at: Time | null;
  first_day: string;
  last_day: string;
  matches: number;
  pending: number;
  quantity_mismatches: number;
  rejected: number;
  missing_at_marketplace: number;
  missing_in_ledger: number;
  error: string | null;
}

export function toBilledVsSentRun(r: RunRow): BilledVsSentRun {
  return {
    id: Number(r.id),
    trigger: r.run_trigger === 'manual' ? 'manual' : 'schedule',
    status: r.status as BilledVsSentRun['status'],
    startedAt: asDate(r.started_at),
    ...(r.finished_at !== null ? { finishedAt: asDate(r.finished_at) } : {}),
    firstDay: r.first_day.trim(),
    lastDay: r.last_day.trim(),
    counts: {
      Match: r.matches,
      Pending: r.pending,
      QuantityMismatch: r.quantity_mismatches,
      Rejected: r.rejected,
      MissingAtMarketplace: r.missing_at_marketplace,
      MissingInLedger: r.missing_in_ledger,
    },
    ...(r.error !== null ? { error: r.error } : {}),
  };
}

export interface ComparisonRow {
  usage_day: string;
  subscription_id: string;
  dimension: string;
  plan_id: string;
  outcome: string;
  ledger_quantity: number | null;
  ledger_hours: number | null;
  submitted_quantity: number | null;
  processed_quantity: number | null;
  submitted_count: number | null;
  recon_status: string | null;
  run_id: number | string;
  compared_at: Time;
}

export function toBilledVsSentRow(r: ComparisonRow): BilledVsSentRow {
  return {
    day: r.usage_day.trim(),
    subscriptionId: r.subscription_id,
    dimension: r.dimension,
    planId: r.plan_id,
    outcome: r.outcome as ComparisonOutcome,
    ...(r.ledger_quantity !== null ? { ledgerQuantity: r.ledger_quantity } : {}),
    ...(r.ledger_hours !== null ? { ledgerHours: r.ledger_hours } : {}),
    ...(r.submitted_quantity !== null ? { submittedQuantity: r.submitted_quantity } : {}),
    ...(r.processed_quantity !== null ? { processedQuantity: r.processed_quantity } : {}),
    ...(r.submitted_count !== null ? { submittedCount: r.submitted_count } : {}),
    ...(r.recon_status !== null ? { reconStatus: r.recon_status } : {}),
    runId: Number(r.run_id),
    comparedAt: asDate(r.compared_at),
  };
}

export interface LedgerRow {
  day: string;
  subscription_id: string;
  dimension: string;
  plan_id: string;
  quantity: number;
  hours: number;
}

export function toLedgerDayTotal(r: LedgerRow): LedgerDayTotal {
  return {
    day: r.day.trim(),
    subscriptionId: r.subscription_id,
    dimension: r.dimension as UsageKind,
    planId: r.plan_id,
    quantity: r.quantity,
    hours: r.hours,
  };
}

export function countsOf(rows: readonly { outcome: string; n: number }[]): OutcomeCounts {
  const counts = emptyCounts();
  for (const r of rows) if (r.outcome in counts) counts[r.outcome as ComparisonOutcome] = Number(r.n);
  return counts;
}

/** The rows page size: 100 by default, at most 1000. */
export function pageOf(filter: BilledVsSentFilter): { limit: number; offset: number } {
  const limit = Math.min(1000, Math.max(1, Math.floor(filter.limit ?? 100)));
  const offset = Math.max(0, Math.floor(filter.offset ?? 0));
  return { limit, offset };
}

/** The WHERE of a filter as named conditions: `prefix` is `@` (Azure SQL) or `@`/`:` (SQLite names work with `@`). */
export function filterConditions(filter: BilledVsSentFilter): { where: string[]; params: Record<string, string> } {
  const where: string[] = [];
  const params: Record<string, string> = {};
  if (filter.fromDay) {
    where.push('usage_day >= @fromDay');
    params.fromDay = filter.fromDay;
  }
  if (filter.toDay) {
    where.push('usage_day <= @toDay');
    params.toDay = filter.toDay;
  }
  if (filter.subscriptionId) {
    where.push('subscription_id = @subscriptionId');
    params.subscriptionId = filter.subscriptionId;
  }
  if (filter.outcome) {
    where.push('outcome = @outcome');
    params.outcome = filter.outcome;
  }
  // Constants of this code base, never input.
  if (filter.onlyProblems) where.push(`outcome IN (${PROBLEM_OUTCOMES.map((o) => `'${o}'`).join(', ')})`);
  return { where, params };
}
