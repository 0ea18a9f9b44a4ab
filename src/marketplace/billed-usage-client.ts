import type { BilledRow } from '../domain/billed-vs-sent';
import type { MarketplaceHttp } from './marketplace-http';

/** The query of `GET /usageEvents`: days are `YYYY-MM-DD` (UTC). */
export interface BilledUsageQuery {
  usageStartDate: string;
  usageEndDate?: string;
  offerId?: string;
  planId?: string;
  dimension?: string;
  reconStatus?: string;
}

export interface BilledUsageAnswer {
  rows: BilledRow[];
  /** Rows the answer held that lacked a day, resource, dimension or plan (not comparable; logged by the caller). */
  unreadable: number;
  pages: number;
}

/** What the billed-vs-sent job needs from the Metering API (a port: the emulator and tests stand in). */
export interface BilledUsageApi {
  listBilledUsage(query: BilledUsageQuery, options?: { correlationId?: string; deadline?: number }): Promise<BilledUsageAnswer>;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const num = (v: unknown) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

/** A safety net against an API that keeps answering with a next page: far above any real answer. */
const MAX_PAGES = 10_000;

/** One row of the answer; undefined when it cannot be compared (no day, resource, dimension or plan). */
export function parseBilledRow(value: unknown): BilledRow | undefined {
  const row = obj(value);
  const date = str(row.usageDate);
  const day = date && /^\d{4}-\d{2}-\d{2}/.test(date) ? date.slice(0, 10) : undefined;
  const subscriptionId = str(row.usageResourceId) ?? str(row.resourceId);
  const dimension = str(row.dimension);
  const planId = str(row.planId);
  if (!day || !subscriptionId || !dimension || !planId) return undefined;
  const submittedCount = num(row.submittedCount);
  return {
    day,
    subscriptionId,
    dimension,
    planId,
    submittedQuantity: num(row.submittedQuantity) ?? 0,
    processedQuantity: num(row.processedQuantity) ?? 0,
    ...(submittedCount !== undefined ? { submittedCount } : {}),
    // Tolerated: a row without a status is reported as the API's first stage.
    reconStatus: str(row.reconStatus) ?? 'Submitted',
  };
}

/** The rows of one page and where the next one is (`@nextLink`/`nextLink` URL, or a continuation token). */
function pageOf(data: unknown): { items: unknown[]; nextLink?: string; continuationToken?: string } {
  if (Array.isArray(data)) return { items: data };
  const body = obj(data);
  const items = [body.value, body.usageEvents, body.items].find(Array.isArray) ?? [];
  const nextLink = str(body['@nextLink']) ?? str(body.nextLink) ?? str(body['@odata.nextLink']);
  const continuationToken = str(body.continuationToken);
  return {
    items: items as unknown[],
    ...(nextLink ? { nextLink } : {}),
    ...(!nextLink && continuationToken ? { continuationToken } : {}),
  };
}

/**
 * The Metering API's retrieval call (`GET /usageEvents`, metered billing retrieval) on the shared HTTP layer (auth,
 * request and correlation ids, timeout, retries of 408/429/5xx and network errors). Microsoft documents a JSON
 * array; a paged answer (`{value, @nextLink}` or a `continuationToken`) is followed to its end, so one call returns
 * every row of the query.
 */
export class BilledUsageClient implements BilledUsageApi {
  constructor(private readonly http: MarketplaceHttp) {}

  async listBilledUsage(
    query: BilledUsageQuery,
    options: { correlationId?: string; deadline?: number } = {},
  ): Promise<BilledUsageAnswer> {
    const base: Record<string, string | undefined> = {
      usageStartDate: query.usageStartDate,
      usageEndDate: query.usageEndDate,
      offerId: query.offerId,
      planId: query.planId,
      dimension: query.dimension,
      reconStatus: query.reconStatus,
    };
    const answer: BilledUsageAnswer = { rows: [], unreadable: 0, pages: 0 };
    const seen = new Set<string>();
    let next: { path: string; query?: Record<string, string | undefined> } | undefined = { path: '/usageEvents', query: base };
    while (next) {
      const res = await this.http.request<unknown>('GET', next.path, {
        ...(next.query ? { query: next.query } : {}),
        ...(options.correlationId ? { correlationId: options.correlationId } : {}),
        ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
      });
      answer.pages += 1;
      const page = pageOf(res.data);
      for (const item of page.items) {
        const row = parseBilledRow(item);
        if (row) answer.rows.push(row);
        else answer.unreadable += 1;
      }
      const marker = page.nextLink ?? page.continuationToken;
      if (!marker) break;
      // A partial answer must never be compared (its missing rows would read as usage Microsoft does not have).
      if (seen.has(marker) || answer.pages >= MAX_PAGES)
        throw new Error(`GET /usageEvents did not end: page ${answer.pages} pointed to a page already read or past the limit`);
      seen.add(marker);
      next = page.nextLink
        ? { path: page.nextLink }
        : { path: '/usageEvents', query: { ...base, continuationToken: page.continuationToken } };
    }
    return answer;
  }
}
