import { HOUR, MINUTE } from './clock';

/**
 * Metering rules (DESIGN.md "Metering", "Money never silently lost"), pure: hours, batches, and how each answer of
 * the Metering API settles a report. One event per (subscription, dimension, hour), ever; an hour is sent once it
 * has closed plus a grace, within 24 hours, whole. No unit becomes terminal while it can still be billed: trouble
 * with the call (outage, throttling, our own credentials) keeps an hour retrying inside its 24-hour window and then
 * carries its units into the current open hour; only an answer about the item itself can end it, for the operator.
 */

/** At most this many events in one batchUsageEvent call. */
export const BATCH_LIMIT = 25;

/** The API refuses events whose hour started more than 24 h ago; we stop trying an hour a little before that. */
export const ACCEPTANCE_WINDOW_MS = 24 * HOUR;
export const EXPIRY_MARGIN_MS = 30 * MINUTE;

/**
 * A metering bucket's life: Open (accumulating) → InFlight (written before the HTTP call) → Accepted; or Retry
 * (the call failed, backing off), Held (the subscription is not active), Expired (too old: its units were carried
 * into a later hour), Conflict (a duplicate with another quantity: for the operator), Failed (the API refused the
 * item itself, or the subscription ended before its units could be carried: for the operator), Resolved (an
 * operator closed a Failed or Conflict bucket with a note).
 */
export type MeteringStatus = 'Open' | 'InFlight' | 'Retry' | 'Held' | 'Accepted' | 'Expired' | 'Conflict' | 'Failed' | 'Resolved';

/** Buckets the operator must look at. Retrying ones join them once they have failed `attentionAttempts` times. */
export const ATTENTION_STATUSES: readonly MeteringStatus[] = ['Conflict', 'Failed', 'Held'];

export function hourStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR) * HOUR);
}

/** Hours that started before this are too old to send: their units go into the current hour instead. */
export function tooOldBefore(now: Date): Date {
  return new Date(now.getTime() - ACCEPTANCE_WINDOW_MS + EXPIRY_MARGIN_MS);
}

/**
 * Which due reports to send now, as batches of at most 25, oldest first. Full batches go at once; the last,
 * partial batch waits for more due hours unless asked to flush everything, one of its reports is urgent (tried
 * before: a retry, a held hour, a claim whose worker died) or its oldest report has been due for `maxWaitMs`
 * (packing hours together saves calls; waiting never risks expiry, which is hours away).
 */
export function planBatches<T extends { id: number; dueAt: Date; urgent?: boolean }>(
  due: readonly T[],
  now: Date,
  options: { flushAll: boolean; maxWaitMs: number },
): T[][] {
  const sorted = [...due].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
  const batches: T[][] = [];
  for (let i = 0; i < sorted.length; i += BATCH_LIMIT) batches.push(sorted.slice(i, i + BATCH_LIMIT));
  const last = batches.at(-1);
  if (
    last &&
    last.length < BATCH_LIMIT &&
    !options.flushAll &&
    !last.some((r) => r.urgent) &&
    now.getTime() - last[0]!.dueAt.getTime() < options.maxWaitMs
  )
    batches.pop();
  return batches;
}

/** Statuses of a batch item that mean: the subscription cannot take usage now (hold, refresh it, try later). */
const NOT_ACTIVE = new Set(['ResourceNotActive', 'ResourceNotAuthorized']);
/** Answers about the item itself that will not change by trying again: for the operator. */
const REFUSED = new Set(['InvalidDimension', 'InvalidQuantity', 'BadArgument', 'ResourceNotFound']);

export type ItemJudgement =
  | { kind: 'Accepted'; usageEventId: string; acceptedQuantity: number }
  | { kind: 'Conflict'; usageEventId?: string; acceptedQuantity?: number; message: string }
  | { kind: 'Expired' }
  | { kind: 'Held'; code: string; message: string }
  | { kind: 'Refused'; code: string; message: string }
  | { kind: 'Retry'; code: string; message: string };

export interface BatchItemAnswer {
  status?: string;
  usageEventId?: string;
  quantity?: number;
  /** For duplicates: the event the API accepted earlier for that hour. */
  acceptedMessage?: { usageEventId?: string; quantity?: number };
  errorCode?: string;
  errorMessage?: string;
}

/**
 * How one item of a batch answer settles our report. A duplicate proves the hour is billed: success when the API
 * holds our quantity (a resend after a crash or a lost answer), a conflict for the operator when it holds another
 * or does not say (never a failure, and never sent again: that could only bill the hour twice).
 */
export function judgeItem(answer: BatchItemAnswer, ourQuantity: number): ItemJudgement {
  const status = answer.status ?? 'Error';
  const message = answer.errorMessage ?? status;
  if (status === 'Accepted')
    return { kind: 'Accepted', usageEventId: answer.usageEventId ?? '', acceptedQuantity: answer.quantity ?? ourQuantity };
  if (status === 'Duplicate') {
    const accepted = answer.acceptedMessage?.quantity;
    const usageEventId = answer.acceptedMessage?.usageEventId;
    const id = usageEventId ? { usageEventId } : {};
    if (accepted === undefined)
      return {
        kind: 'Conflict',
        ...id,
        message: `the Marketplace already holds an event for this hour but did not say its quantity; we have ${ourQuantity}`,
      };
    if (sameQuantity(accepted, ourQuantity))
      return { kind: 'Accepted', usageEventId: usageEventId ?? '', acceptedQuantity: accepted };
    return {
      kind: 'Conflict',
      ...id,
      acceptedQuantity: accepted,
      message: `the Marketplace already holds ${accepted} for this hour, we have ${ourQuantity}`,
    };
  }
  if (status === 'Expired') return { kind: 'Expired' };
  if (NOT_ACTIVE.has(status)) return { kind: 'Held', code: status, message };
  if (REFUSED.has(status)) return { kind: 'Refused', code: status, message };
  return { kind: 'Retry', code: status, message };
}

/** Units are whole in practice, but the API speaks doubles: equal within a billionth. */
export function sameQuantity(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-9;
}

/** Alerts the worker raises while a call-level problem lasts (and clears on the next answered call). */
export type MeteringAlertKey = 'metering.auth' | 'metering.call-refused';

/**
 * A failed call as the worker sees it, from the error itself (src/domain/errors.ts), whatever client threw it:
 * whether trying the same call later may succeed, and the API's HTTP status when it answered.
 */
export interface CallFailure {
  /** The error's `retryable`: a timeout, no connection, throttling (408/429) or an outage (5xx). */
  retryable: boolean;
  status?: number;
}

/**
 * What a failed call (no per-item answer) means for its buckets: always "retry later" — an outage, throttling, a
 * timeout, or 401/403 (our credentials or Microsoft are broken right now) say nothing about the items. An answer
 * from the API that is not retryable raises an operator alert (401/403: the credentials; others: the call refused):
 * it will not heal by itself.
 */
export function judgeCallFailure(failure: CallFailure): { code: string; alert?: MeteringAlertKey } {
  const { status } = failure;
  const code = status === undefined ? 'NetworkError' : `HTTP ${status}`;
  if (failure.retryable || status === undefined) return { code };
  if (status === 401 || status === 403) return { code, alert: 'metering.auth' };
  return { code, alert: 'metering.call-refused' };
}

/** Capped exponential backoff with full jitter for failed calls: 30 s, 1 min, 2 min … up to 30 min. */
export function retryDelayMs(attempt: number, random = Math.random): number {
  const cap = Math.min(30 * MINUTE, 30_000 * 2 ** Math.max(0, attempt - 1));
  return Math.floor(cap / 2 + random() * (cap / 2));
}

/** The last stretch of an hour's window, in which it is tried often: see `nextAttemptAt`. */
export const FINAL_STRETCH_MS = 30 * MINUTE;
export const FINAL_STRETCH_RETRY_MS = 2 * MINUTE;

/**
 * When a bucket whose `attempts`-th call failed is tried next: after the capped backoff, but in the last half hour
 * before the hour can no longer be sent, at least every 2 minutes. A failed call is not always a refused one (a
 * timeout or a 5xx may hide an accepted event); if any of those last tries gets through, the API answers Duplicate
 * with the original and the hour is settled, so units are carried (and could be billed a second time) only when
 * every try of that last stretch failed too.
 */
export function nextAttemptAt(hour: Date, attempts: number, now: Date, random = Math.random): Date {
  const backoff = now.getTime() + retryDelayMs(attempts, random);
  // `tooOldBefore(now)` passes the hour at hour + 24 h − margin.
  const finalStretch = hour.getTime() + ACCEPTANCE_WINDOW_MS - EXPIRY_MARGIN_MS - FINAL_STRETCH_MS;
  if (now.getTime() < finalStretch) return new Date(Math.min(backoff, finalStretch));
  return new Date(Math.min(backoff, now.getTime() + FINAL_STRETCH_RETRY_MS));
}
