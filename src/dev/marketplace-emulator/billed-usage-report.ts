import { DAY } from '../../domain/clock';
import { RECON_STATUSES, type ReconStatus } from '../../domain/billed-vs-sent';
import type { MarketplaceError } from './emulator-types';
import type { AcceptedUsageRecord } from './metering-state';

/**
 * The Metering API's retrieval call, `GET /usageEvents` (metered billing retrieval): what the emulator accepted, summed
 * per UTC day, resource, dimension and plan, with `submittedQuantity`, `processedQuantity`, `submittedCount` and
 * `reconStatus` (all `Accepted` unless a test or a developer injected a difference), filtered by the documented query
 * parameters. Pure, over the accepted events; the HTTP side is in billed-usage-routes.ts.
 *
 * Paging: Microsoft documents a JSON array. A result longer than the page size is answered as
 * `{ value: [...], "@nextLink": url }` (the Marketplace APIs' paging, as in `GET /saas/subscriptions`), so that a
 * client is tested on following it; a result that fits in one page is the documented bare array.
 */

export interface BilledUsageRow {
  usageDate: string;
  usageResourceId: string;
  dimension: string;
  planId: string;
  offerId: string;
  submittedQuantity: number;
  processedQuantity: number;
  submittedCount: number;
  reconStatus: ReconStatus;
}

export interface BilledUsageQuery {
  usageStartDate?: unknown;
  usageEndDate?: unknown;
  offerId?: unknown;
  planId?: unknown;
  dimension?: unknown;
  reconStatus?: unknown;
  continuationToken?: unknown;
}

/** Which row of the answer an injected difference applies to: a day (`YYYY-MM-DD`), resource, dimension, plan. */
export interface BilledUsageTarget {
  usageDate: string;
  resourceId: string;
  dimension: string;
  /** Absent: every plan of that day, resource and dimension. */
  planId?: string;
}

/** A difference between what was accepted and what the Marketplace reports (development and tests). */
export type BilledUsageChange =
  /** Reports other quantities (the submitted one defaults to what was accepted). */
  | { kind: 'quantity'; processedQuantity: number; submittedQuantity?: number }
  /** Leaves the row out of the answer. */
  | { kind: 'drop' }
  /** Reports another status; not-billed and unprocessed statuses report nothing processed. */
  | { kind: 'status'; reconStatus: ReconStatus };

/** The default number of rows per page. */
export const DEFAULT_BILLED_USAGE_PAGE_SIZE = 1000;

/** Injected differences and extra rows, in memory (not in the state file: they are for one session or one test). */
export class BilledUsageControls {
  private readonly changes: { target: BilledUsageTarget; change: BilledUsageChange }[] = [];
  private readonly extra: BilledUsageRow[] = [];
  /** Rows per page of `GET /usageEvents`. */
  pageSize = DEFAULT_BILLED_USAGE_PAGE_SIZE;

  /** The latest change for a row wins. */
  inject(target: BilledUsageTarget, change: BilledUsageChange): void {
    this.changes.push({ target: { ...target, usageDate: dayText(target.usageDate) ?? target.usageDate }, change });
  }

  /** A row the Marketplace reports although nothing was accepted for it (usage our ledger does not know). */
  addRow(row: Omit<BilledUsageRow, 'usageDate'> & { usageDate: string }): void {
    this.extra.push({ ...row, usageDate: `${dayText(row.usageDate) ?? row.usageDate}T00:00:00.000Z` });
  }

  clear(): void {
    this.changes.length = 0;
    this.extra.length = 0;
  }

  /** The change for a row, if any. */
  changeFor(row: BilledUsageRow): BilledUsageChange | undefined {
    const day = row.usageDate.slice(0, 10);
    for (let i = this.changes.length - 1; i >= 0; i--) {
      const { target, change } = this.changes[i]!;
      if (
        target.usageDate === day &&
        target.resourceId === row.usageResourceId &&
        target.dimension === row.dimension &&
        (target.planId === undefined || target.planId === row.planId)
      )
        return change;
    }
    return undefined;
  }

  extraRows(): readonly BilledUsageRow[] {
    return this.extra;
  }
}

/** `YYYY-MM-DD` of a date or date-time text (UTC), or undefined. */
function dayText(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const d = new Date(value.trim());
  if (Number.isNaN(d.getTime())) return undefined;
  return new Date(Math.floor(d.getTime() / DAY) * DAY).toISOString().slice(0, 10);
}

const badArgument = (target: string, message: string): { error: MarketplaceError } => ({
  error: { code: 'BadArgument', message, target },
});

/**
 * One page of the answer: `rows`, and the offset of the next page when there is one. `usageStartDate` is required;
 * `usageEndDate` defaults to today; both are days, both included.
 */
export function billedUsagePage(
  events: readonly AcceptedUsageRecord[],
  query: BilledUsageQuery,
  context: { now: Date; offerOf: (resourceId: string) => string; controls: BilledUsageControls },
): { rows: BilledUsageRow[]; nextOffset?: number } | { error: MarketplaceError } {
  const start = dayText(query.usageStartDate);
  if (!start) return badArgument('usageStartDate', 'The usageStartDate query parameter is required (a date).');
  const end = query.usageEndDate === undefined ? dayText(context.now.toISOString()) : dayText(query.usageEndDate);
  if (!end) return badArgument('usageEndDate', 'The usageEndDate query parameter must be a date.');
  if (end < start) return badArgument('usageEndDate', 'The usageEndDate must not be before the usageStartDate.');
  const status = typeof query.reconStatus === 'string' && query.reconStatus !== '' ? query.reconStatus : undefined;
  if (status !== undefined && !(RECON_STATUSES as readonly string[]).includes(status))
    return badArgument('reconStatus', `The reconStatus must be one of ${RECON_STATUSES.join(', ')}.`);
  let offset = 0;
  if (query.continuationToken !== undefined && query.continuationToken !== '') {
    const token = typeof query.continuationToken === 'string' ? query.continuationToken : '';
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    const parsed = /^\d{1,15}$/.test(decoded) ? Number(decoded) : NaN;
    if (!Number.isSafeInteger(parsed)) return badArgument('continuationToken', 'The continuationToken is not valid.');
    offset = parsed;
  }
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const offerId = text(query.offerId);
  const planId = text(query.planId);
  const dimension = text(query.dimension);

  const rows = new Map<string, BilledUsageRow>();
  for (const e of events) {
    const day = e.effectiveStartTime.slice(0, 10);
    const key = `${day}|${e.resourceId}|${e.dimension}|${e.planId}`;
    const row = rows.get(key) ?? {
      usageDate: `${day}T00:00:00.000Z`,
      usageResourceId: e.resourceId,
      dimension: e.dimension,
      planId: e.planId,
      offerId: context.offerOf(e.resourceId),
      submittedQuantity: 0,
      processedQuantity: 0,
      submittedCount: 0,
      reconStatus: 'Accepted' as const,
    };
    row.submittedQuantity += e.quantity;
    row.processedQuantity += e.quantity;
    row.submittedCount += 1;
    rows.set(key, row);
  }
  const reported: BilledUsageRow[] = [];
  for (const row of rows.values()) {
    const change = context.controls.changeFor(row);
    if (change?.kind === 'drop') continue;
    if (change?.kind === 'quantity') {
      row.processedQuantity = change.processedQuantity;
      if (change.submittedQuantity !== undefined) row.submittedQuantity = change.submittedQuantity;
    }
    if (change?.kind === 'status') {
      row.reconStatus = change.reconStatus;
      if (change.reconStatus !== 'Accepted' && change.reconStatus !== 'Mismatch') row.processedQuantity = 0;
    }
    reported.push(row);
  }
  reported.push(...context.controls.extraRows().map((r) => ({ ...r })));

  const selected = reported
    .filter((r) => {
      const day = r.usageDate.slice(0, 10);
      return (
        day >= start &&
        day <= end &&
        (!offerId || r.offerId === offerId) &&
        (!planId || r.planId === planId) &&
        (!dimension || r.dimension === dimension) &&
        (!status || r.reconStatus === status)
      );
    })
    .sort((a, b) =>
      `${a.usageDate}|${a.usageResourceId}|${a.dimension}|${a.planId}`.localeCompare(
        `${b.usageDate}|${b.usageResourceId}|${b.dimension}|${b.planId}`,
      ),
    );
  const size = Math.max(1, context.controls.pageSize);
  const page = selected.slice(offset, offset + size);
  return offset + size < selected.length ? { rows: page, nextOffset: offset + size } : { rows: page };
}

export function continuationTokenOf(offset: number): string {
  return Buffer.from(String(offset), 'utf8').toString('base64url');
}
