import { DAY } from './clock';
import { sameQuantity } from './metering';

/**
 * Billed vs sent (issue 12, part 5), pure: the Marketplace's daily answer to `GET /usageEvents` compared, per (day,
 * subscription, dimension, plan), with the hours our ledger holds as billed. Comparing the two is how a publisher
 * proves what Microsoft billed; every disagreement is named, never averaged away.
 */

/** `reconStatus` values of the retrieval API (docs: Submitted, Accepted, Rejected, Mismatch, TestHeaders, DryRun). */
export const RECON_STATUSES = ['Submitted', 'Accepted', 'Rejected', 'Mismatch', 'TestHeaders', 'DryRun'] as const;
export type ReconStatus = (typeof RECON_STATUSES)[number];

/** Statuses under which Microsoft does not bill the row: a refused event, or test traffic. */
const NOT_BILLED: ReadonlySet<string> = new Set(['Rejected', 'TestHeaders', 'DryRun']);

/** One daily row of the Marketplace's answer, parsed (unknown statuses are kept as text). */
export interface BilledRow {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  subscriptionId: string;
  /** The offer's dimension id, as sent. */
  dimension: string;
  planId: string;
  submittedQuantity: number;
  processedQuantity: number;
  submittedCount?: number;
  reconStatus: string;
}

/** What our ledger holds as billed for one (day, subscription, dimension, plan): hours the Marketplace accepted. */
export interface LedgerDay {
  day: string;
  subscriptionId: string;
  dimension: string;
  planId: string;
  /** Sum of the accepted quantities (what the Marketplace said it holds for each hour). */
  quantity: number;
  hours: number;
}

/**
 * How one key compares. `Pending`: the Marketplace has not processed it yet (`Submitted`) but holds our quantity;
 * looked at again by the next runs.
 */
export type ComparisonOutcome =
  'Match' | 'Pending' | 'QuantityMismatch' | 'Rejected' | 'MissingAtMarketplace' | 'MissingInLedger';

export const COMPARISON_OUTCOMES: readonly ComparisonOutcome[] = [
  'Match',
  'Pending',
  'QuantityMismatch',
  'Rejected',
  'MissingAtMarketplace',
  'MissingInLedger',
];

/** Outcomes an operator must look at. */
export const PROBLEM_OUTCOMES: readonly ComparisonOutcome[] = [
  'QuantityMismatch',
  'Rejected',
  'MissingAtMarketplace',
  'MissingInLedger',
];

export function isProblem(outcome: ComparisonOutcome): boolean {
  return PROBLEM_OUTCOMES.includes(outcome);
}

export interface Comparison {
  day: string;
  subscriptionId: string;
  dimension: string;
  planId: string;
  outcome: ComparisonOutcome;
  /** Absent: the ledger has nothing for this key. */
  ledgerQuantity?: number;
  ledgerHours?: number;
  /** Absent: the Marketplace reported nothing for this key. */
  submittedQuantity?: number;
  processedQuantity?: number;
  submittedCount?: number;
  /** The Marketplace's status; several distinct ones are joined with `,`. */
  reconStatus?: string;
}

export type OutcomeCounts = Record<ComparisonOutcome, number>;

export function emptyCounts(): OutcomeCounts {
  return { Match: 0, Pending: 0, QuantityMismatch: 0, Rejected: 0, MissingAtMarketplace: 0, MissingInLedger: 0 };
}

export function countOutcomes(comparisons: readonly { outcome: ComparisonOutcome }[]): OutcomeCounts {
  const counts = emptyCounts();
  for (const c of comparisons) counts[c.outcome] += 1;
  return counts;
}

export function problemCount(counts: OutcomeCounts): number {
  return PROBLEM_OUTCOMES.reduce((sum, o) => sum + counts[o], 0);
}

const keyOf = (r: { day: string; subscriptionId: string; dimension: string; planId: string }) =>
  `${r.day}\u0000${r.subscriptionId}\u0000${r.dimension}\u0000${r.planId}`;

/**
 * Compares the Marketplace's rows with the ledger for the given days (rows of other days are ignored). Several
 * Marketplace rows for one key (e.g. part accepted, part rejected) are summed; any not-billed status among them makes
 * the key `Rejected`. Sorted by day, subscription, dimension, plan.
 */
export function compareBilledWithLedger(
  days: readonly string[],
  billed: readonly BilledRow[],
  ledger: readonly LedgerDay[],
): Comparison[] {
  const wanted = new Set(days);
  const theirs = new Map<string, { row: BilledRow; statuses: Set<string>; count: number | undefined }>();
  for (const row of billed) {
    if (!wanted.has(row.day)) continue;
    const key = keyOf(row);
    const seen = theirs.get(key);
    if (!seen) {
      theirs.set(key, { row: { ...row }, statuses: new Set([row.reconStatus]), count: row.submittedCount });
      continue;
    }
    seen.row.submittedQuantity += row.submittedQuantity;
    seen.row.processedQuantity += row.processedQuantity;
    seen.statuses.add(row.reconStatus);
    seen.count = seen.count === undefined || row.submittedCount === undefined ? undefined : seen.count + row.submittedCount;
  }
  const ours = new Map<string, LedgerDay>();
  for (const l of ledger) if (wanted.has(l.day)) ours.set(keyOf(l), l);

  const out: Comparison[] = [];
  for (const key of new Set([...theirs.keys(), ...ours.keys()])) {
    const t = theirs.get(key);
    const o = ours.get(key);
    const base = (t?.row ?? o)!;
    const comparison: Comparison = {
      day: base.day,
      subscriptionId: base.subscriptionId,
      dimension: base.dimension,
      planId: base.planId,
      outcome: 'Match',
      ...(o ? { ledgerQuantity: o.quantity, ledgerHours: o.hours } : {}),
      ...(t
        ? {
            submittedQuantity: t.row.submittedQuantity,
            processedQuantity: t.row.processedQuantity,
            ...(t.count !== undefined ? { submittedCount: t.count } : {}),
            reconStatus: [...t.statuses].sort().join(','),
          }
        : {}),
    };
    comparison.outcome = judge(o, t && { ...t.row, statuses: t.statuses });
    out.push(comparison);
  }
  return out.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

function judge(
  ours: LedgerDay | undefined,
  theirs: (BilledRow & { statuses: ReadonlySet<string> }) | undefined,
): ComparisonOutcome {
  if (!theirs) return 'MissingAtMarketplace';
  if (!ours) return 'MissingInLedger';
  if ([...theirs.statuses].some((s) => NOT_BILLED.has(s))) return 'Rejected';
  if (theirs.statuses.has('Mismatch')) return 'QuantityMismatch';
  if (!sameQuantity(theirs.submittedQuantity, ours.quantity)) return 'QuantityMismatch';
  // Not processed yet: nothing billed so far, but what was submitted is ours.
  if (theirs.statuses.size === 1 && theirs.statuses.has('Submitted')) return 'Pending';
  if (sameQuantity(theirs.processedQuantity, ours.quantity)) return 'Match';
  // Some of the key's rows are still being processed (part accepted, part Submitted): the rest is yet to be billed.
  return theirs.statuses.has('Submitted') ? 'Pending' : 'QuantityMismatch';
}

/** `YYYY-MM-DD` of a time (UTC). */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Midnight UTC of a `YYYY-MM-DD` day. */
export function startOfDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function addDays(day: string, n: number): string {
  return dayOf(new Date(startOfDay(day).getTime() + n * DAY));
}

/** A `YYYY-MM-DD` that is a real calendar day. */
export function isDay(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && dayOf(startOfDay(value)) === value
  );
}

/**
 * The days a run compares: the `windowDays` complete UTC days before today, oldest first. Yesterday is in it, and the
 * days before it are compared again: hours still retrying settle late, and the Marketplace processes rows later.
 */
export function daysToCompare(now: Date, windowDays: number): string[] {
  const today = dayOf(now);
  const days: string[] = [];
  for (let n = windowDays; n >= 1; n--) days.push(addDays(today, -n));
  return days;
}

/** When today's scheduled run is due: `hourUtc` o'clock (UTC) today. */
export function scheduledRunAt(now: Date, hourUtc: number): Date {
  return new Date(startOfDay(dayOf(now)).getTime() + hourUtc * 3_600_000);
}
