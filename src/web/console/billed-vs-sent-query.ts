import { isDay, COMPARISON_OUTCOMES, type ComparisonOutcome, type OutcomeCounts } from '../../domain/billed-vs-sent';
import type { BilledVsSentFilter, BilledVsSentRow, BilledVsSentRun, Store } from '../../store/store';

/** What the console's billed-vs-sent section shows: one page of comparisons, the counts over the filter, the last run. */
export interface BilledVsSentSectionData {
  rows: BilledVsSentRow[];
  counts: OutcomeCounts;
  latestRun?: BilledVsSentRun;
}

export async function loadBilledVsSentSection(store: Store, filter: BilledVsSentFilter): Promise<BilledVsSentSectionData> {
  const [rows, counts, latestRun] = await Promise.all([
    store.billedVsSent.rows(filter),
    store.billedVsSent.counts(filter),
    store.billedVsSent.latestRun(),
  ]);
  return { rows, counts, ...(latestRun ? { latestRun } : {}) };
}

/**
 * The section's filter from a query string (`from`, `to`: days; `problems=1`; `subscription`; `outcome`; `page`):
 * the filter, or the name of the first bad parameter (answer 400 naming it, never a 500).
 */
export function billedVsSentFilterFromQuery(
  query: Readonly<Record<string, unknown>>,
  pageSize = 100,
): { filter: BilledVsSentFilter } | { invalid: string } {
  const text = (key: string) => {
    const v = query[key];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const filter: BilledVsSentFilter = { limit: pageSize };
  const from = text('from');
  const to = text('to');
  if (from !== undefined && !isDay(from)) return { invalid: 'from' };
  if (to !== undefined && !isDay(to)) return { invalid: 'to' };
  if (from && to && to < from) return { invalid: 'to' };
  if (from) filter.fromDay = from;
  if (to) filter.toDay = to;
  const problems = text('problems');
  if (problems !== undefined && !['1', 'true', '0', 'false'].includes(problems)) return { invalid: 'problems' };
  if (problems === '1' || problems === 'true') filter.onlyProblems = true;
  const subscription = text('subscription');
  if (subscription !== undefined && (subscription.length > 128 || /[\u0000-\u001f]/.test(subscription)))
    return { invalid: 'subscription' };
  if (subscription) filter.subscriptionId = subscription;
  const outcome = text('outcome');
  if (outcome !== undefined && !(COMPARISON_OUTCOMES as readonly string[]).includes(outcome)) return { invalid: 'outcome' };
  if (outcome) filter.outcome = outcome as ComparisonOutcome;
  const page = text('page');
  if (page !== undefined && !/^[1-9]\d{0,5}$/.test(page)) return { invalid: 'page' };
  if (page) filter.offset = (Number(page) - 1) * pageSize;
  return { filter };
}
