import { HOUR } from '../domain/clock';
import type { BatchItemAnswer } from '../domain/metering';
import type { MarketplaceHttp } from './marketplace-http';

export interface UsageEventRequest {
  /** The SaaS subscription id. */
  resourceId: string;
  quantity: number;
  /** The offer's dimension id (Partner Center), not the product's usage kind. */
  dimension: string;
  /** Start of the hour, ISO 8601 UTC. */
  effectiveStartTime: string;
  planId: string;
}

export interface BatchAnswer {
  /** One answer per request, in the requests' order (`undefined` when the API left one out). */
  items: (BatchItemAnswer | undefined)[];
  requestId: string;
  correlationId: string;
}

/**
 * What the metering worker needs from the Marketplace Metering API (a port: the emulator and tests stand in). A call
 * that fails rejects with an `AppError` whose `retryable` says whether the same call may succeed later; when the API
 * answered, the error also carries its `status`, `apiCode` and `requestId` (as `MarketplaceApiError` does).
 */
export interface MeteringApi {
  /** `deadline` (epoch ms): no retry of the call starts after it (the caller's lease on the hours runs out). */
  submitBatch(
    events: readonly UsageEventRequest[],
    options?: { correlationId?: string; deadline?: number },
  ): Promise<BatchAnswer>;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The API answers per item; items are matched back to requests by (resource, dimension, hour), not by position. */
function itemKey(resourceId: unknown, dimension: unknown, effectiveStartTime: unknown): string {
  const time = typeof effectiveStartTime === 'string' ? Date.parse(effectiveStartTime) : NaN;
  return `${String(resourceId)}|${String(dimension)}|${Number.isNaN(time) ? String(effectiveStartTime) : Math.floor(time / HOUR)}`;
}

export function parseBatchItem(value: unknown): BatchItemAnswer {
  const item = obj(value);
  const error = obj(item.error);
  // The original of a duplicate is documented under error.additionalInfo; tolerate it on the item itself too.
  const accepted = obj(
    obj(error.additionalInfo).acceptedMessage ?? obj(item.additionalInfo).acceptedMessage ?? item.acceptedMessage,
  );
  const acceptedQuantity = num(accepted.quantity);
  const acceptedId = str(accepted.usageEventId);
  const answer: BatchItemAnswer = {};
  const status = str(item.status);
  if (status) answer.status = status;
  const usageEventId = str(item.usageEventId);
  if (usageEventId) answer.usageEventId = usageEventId;
  const quantity = num(item.quantity);
  if (quantity !== undefined) answer.quantity = quantity;
  if (acceptedQuantity !== undefined || acceptedId) {
    answer.acceptedMessage = {
      ...(acceptedId ? { usageEventId: acceptedId } : {}),
      ...(acceptedQuantity !== undefined ? { quantity: acceptedQuantity } : {}),
    };
  }
  const code = str(error.code);
  if (code) answer.errorCode = code;
  const message = str(error.message);
  if (message) answer.errorMessage = message;
  return answer;
}

/** The Metering API's batch call (`POST /batchUsageEvent`, at most 25 events), every item checked. */
export class MeteringClient implements MeteringApi {
  constructor(private readonly http: MarketplaceHttp) {}

  async submitBatch(
    events: readonly UsageEventRequest[],
    options: { correlationId?: string; deadline?: number } = {},
  ): Promise<BatchAnswer> {
    const res = await this.http.request('POST', '/batchUsageEvent', { body: { request: events }, ...options });
    const results = Array.isArray(obj(res.data).result) ? (obj(res.data).result as unknown[]) : [];
    const byKey = new Map<string, BatchItemAnswer>();
    for (const value of results) {
      const item = obj(value);
      byKey.set(itemKey(item.resourceId, item.dimension, item.effectiveStartTime), parseBatchItem(value));
    }
    return {
      items: events.map((e) => byKey.get(itemKey(e.resourceId, e.dimension, e.effectiveStartTime))),
      requestId: res.requestId,
      correlationId: res.correlationId,
    };
  }
}
