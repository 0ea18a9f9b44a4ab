import { HOUR, MINUTE } from './clock';

/**
 * Metering rules (DESIGN.md "Metering"), pure: hours, batches, and how each answer of the Metering API settles a
 * report. One event per (subscription, dimension, hour), ever; an hour is sent once it has closed plus a grace,
 * within 24 hours, whole.
 */

/** At most this many events in one batchUsageEvent call. */
export const BATCH_LIMIT = 25;

/** The API refuses events whose hour started more than 24 h ago; we stop trying an hour a little before that. */
export const ACCEPTANCE_WINDOW_MS = 24 * HOUR;
export const EXPIRY_MARGIN_MS = 30 * MINUTE;

export function hourStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR) * HOUR);
}

/** Hours that started before this are too old to send: their units go into the current hour instead. */
export function tooOldBefore(now: Date): Date {
  return new Date(now.getTime() - ACCEPTANCE_WINDOW_MS + EXPIRY_MARGIN_MS);
}

/**
 * Which due reports to send now, as batches of at most 25, oldest first. Full batches go at once; the last,
 * partial batch waits for more due hours unless asked to flush everything or its oldest report has been due for
 * `maxWaitMs` (packing hours together saves calls; waiting never risks expiry, which is hours away).
 */
export function planBatches<T extends { id: number; dueAt: Date }>(
  due: readonly T[],
  now: Date,
  options: { flushAll: boolean; maxWaitMs: number },
): T[][] {
  const sorted = [...due].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
  const batches: T[][] = [];
  for (let i = 0; i < sorted.length; i += BATCH_LIMIT) batches.push(sorted.slice(i, i + BATCH_LIMIT));
  const last = batches.at(-1);
  if (last && last.length < BATCH_LIMIT && !options.flushAll && now.getTime() - last[0]!.dueAt.getTime() < options.maxWaitMs)
    batches.pop();
  return batches;
}

/** Statuses of a batch item that mean: the subscription cannot take usage now (hold, refresh it, try later). */
const NOT_ACTIVE = new Set(['ResourceNotActive', 'ResourceNotFound', 'ResourceNotAuthorized']);
/** Statuses that will not change by trying again: for the operator. */
const REFUSED = new Set(['InvalidDimension', 'InvalidQuantity', 'BadArgument']);

export type ItemJudgement =
  | { kind: 'Accepted'; usageEventId: string; acceptedQuantity: number }
  | { kind: 'Conflict'; usageEventId?: string; acceptedQuantity: number; message: string }
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
 * How one item of a batch answer settles our report. A duplicate is success when the API holds our quantity for
 * that hour (a resend after a crash or a lost answer), and a conflict for the operator when it holds another.
 */
export function judgeItem(answer: BatchItemAnswer, ourQuantity: number): ItemJudgement {
  const status = answer.status ?? 'Error';
  const message = answer.errorMessage ?? status;
  if (status === 'Accepted')
    return { kind: 'Accepted', usageEventId: answer.usageEventId ?? '', acceptedQuantity: answer.quantity ?? ourQuantity };
  if (status === 'Duplicate') {
    const accepted = answer.acceptedMessage?.quantity;
    if (accepted === undefined)
      return { kind: 'Retry', code: 'Duplicate', message: 'duplicate without the accepted original; asking again' };
    const usageEventId = answer.acceptedMessage?.usageEventId;
    if (sameQuantity(accepted, ourQuantity))
      return { kind: 'Accepted', usageEventId: usageEventId ?? '', acceptedQuantity: accepted };
    return {
      kind: 'Conflict',
      ...(usageEventId ? { usageEventId } : {}),
      acceptedQuantity: accepted,
      message: `the Marketplace already holds ${accepted} for this hour, we have ${ourQuantity}`,
    };
  }
  if (status === 'Expired') return { kind: 'Expired' };
  if (NOT_ACTIVE.has(status)) return { kind: 'Held', code: status, message };
  if (REFUSED.has(status)) return { kind: 'Refused', code: status, message };
  return { kind: 'Retry', code: status, message };
}

function sameQuantity(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-9;
}

/** Capped exponential backoff with full jitter for failed calls: 30 s, 1 min, 2 min … up to 30 min. */
export function retryDelayMs(attempt: number, random = Math.random): number {
  const cap = Math.min(30 * MINUTE, 30_000 * 2 ** Math.max(0, attempt - 1));
  return Math.floor(cap / 2 + random() * (cap / 2));
}
