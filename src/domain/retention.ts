import { DAY } from './clock';
import type { MeteringStatus } from './metering';

/**
 * Retention rules (issue 14): how long raw usage and message text are kept. Raw usage events are rolled up into
 * daily aggregates (kept as long as the subscription's data), and deleted past `usageDays` only once billed and
 * settled; message and response text, personal data, go earlier.
 */
export interface RetentionPolicy {
  /** Raw usage events older than this many days are deleted once billed and settled. @defaultValue 90 */
  usageDays: number;
  /** Message and response text (only stored with STORE_MESSAGE_TEXT) is cleared after this many days. @defaultValue 30 */
  messageTextDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { usageDays: 90, messageTextDays: 30 };

/**
 * Metering buckets whose units are not settled yet: still to be sent or on their way (Open, InFlight, Retry), waiting
 * on the subscription (Held), or waiting for the operator (Failed, Conflict). The raw events behind them are evidence
 * and are never deleted while one exists. Accepted, Expired (carried into another bucket) and Resolved are settled.
 */
export const UNSETTLED_METERING_STATUSES: readonly MeteringStatus[] = ['Open', 'InFlight', 'Retry', 'Held', 'Failed', 'Conflict'];

/** Events that occurred before this are past the usage retention. */
export function usageCutoff(now: Date, policy: RetentionPolicy): Date {
  return new Date(now.getTime() - policy.usageDays * DAY);
}

/** Message text of events that occurred before this is past its retention. */
export function messageTextCutoff(now: Date, policy: RetentionPolicy): Date {
  return new Date(now.getTime() - policy.messageTextDays * DAY);
}

/** The UTC day number (days since 1970-01-01) of a time: the key of the daily aggregates. */
export function dayNumber(at: Date): number {
  return Math.floor(at.getTime() / DAY);
}

/** `YYYY-MM-DD` of a day number. */
export function dayOfNumber(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** The whole UTC days a `[from, to)` window covers: from `from`'s day through the day of `to`'s last millisecond. */
export function dayWindow(from: Date, to: Date): { fromDay: number; toDay: number; start: number; end: number } {
  const fromDay = dayNumber(from);
  const toDay = Math.floor((to.getTime() - 1) / DAY) + 1;
  return { fromDay, toDay, start: fromDay * DAY, end: toDay * DAY };
}
