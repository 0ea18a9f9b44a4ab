import { DAY } from './clock';
import type { Term } from './subscription';

/**
 * Billing periods (DESIGN.md "Billing period"): monthly windows anchored on the term's start date (UTC); the Renew
 * webhook starts a new term and so re-anchors them. Before the term is known: the calendar month.
 */
export interface BillingPeriod {
  start: Date;
  /** Exclusive. */
  end: Date;
}

/** `anchor` moved by `months` calendar months, the day clamped to the target month (Jan 31 + 1 → Feb 28/29). */
export function addMonthsClamped(anchor: Date, months: number): Date {
  const totalMonths = anchor.getUTCFullYear() * 12 + anchor.getUTCMonth() + months;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(anchor.getUTCDate(), lastDay),
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

export function billingPeriodAt(at: Date, term?: Pick<Term, 'startDate'>): BillingPeriod {
  const anchor = term?.startDate ?? new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  let k = (at.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (at.getUTCMonth() - anchor.getUTCMonth());
  // The month difference is right or one too many (the anchor's day/time not reached yet this month).
  if (addMonthsClamped(anchor, k).getTime() > at.getTime()) k -= 1;
  return { start: addMonthsClamped(anchor, k), end: addMonthsClamped(anchor, k + 1) };
}

/** Whole or partial days left until the period ends, for "n days left" in admin views. */
export function daysLeft(period: BillingPeriod, now: Date): number {
  return Math.max(0, Math.ceil((period.end.getTime() - now.getTime()) / DAY));
}
