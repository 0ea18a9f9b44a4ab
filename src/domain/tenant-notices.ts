import { DAY } from './clock';
import type { Subscription } from './subscription';
import { trialDaysLeft } from './trial';

/**
 * Tenant admin notices (issue 13, part 2): proactive messages to a tenant's admins about their allowance, seats,
 * subscription and trial, and to users about their seat. Each kind can be turned off per tenant (`notifications`).
 * Each notice has a key that is claimed once in the store (unique per tenant and key) before it is sent, so it goes
 * out once however many turns or instances cross its line together.
 */
export const NOTICE_KINDS = ['quota', 'seats', 'subscription', 'trial', 'seat-changes'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export function isNoticeKind(value: string): value is NoticeKind {
  return (NOTICE_KINDS as readonly string[]).includes(value);
}

/** Shares of an allowance at which admins are told, in percent. */
export const ALLOWANCE_THRESHOLDS = [80, 100] as const;
export type AllowanceThreshold = (typeof ALLOWANCE_THRESHOLDS)[number];

/** Subscriptions ending (no auto-renewal) and trials are announced this many days ahead. */
export const ENDING_NOTICE_DAYS = 7;

/**
 * The thresholds a turn of `quantity` units crossed, from `usedBefore` units used in the period: those whose line
 * (the share of `included`, rounded up to a whole unit) lies in (usedBefore, usedBefore + quantity]. Exactly one turn
 * crosses each line, because the store counts usage atomically; the notice key makes it once anyway.
 * Unlimited (`null`) or empty allowances have no thresholds.
 */
export function crossedThresholds(usedBefore: number, quantity: number, included: number | null): AllowanceThreshold[] {
  if (included === null || included <= 0 || quantity <= 0) return [];
  const after = usedBefore + quantity;
  return ALLOWANCE_THRESHOLDS.filter((pct) => {
    const line = Math.ceil((included * pct) / 100);
    return usedBefore < line && line <= after;
  });
}

export const noticeKeys = {
  quota: (subscriptionId: string, periodStart: Date, dimension: string, pct: AllowanceThreshold) =>
    `quota:${subscriptionId}:${periodStart.toISOString().slice(0, 10)}:${dimension}:${pct}`,
  /** Seats full: at most once a day per subscription while people keep being refused. */
  seatsFull: (subscriptionId: string, now: Date) => `seats-full:${subscriptionId}:${now.toISOString().slice(0, 10)}`,
  suspended: (subscriptionId: string, since: string) => `suspended:${subscriptionId}:${since}`,
  ending: (subscriptionId: string, endDate: Date) => `ending:${subscriptionId}:${endDate.toISOString().slice(0, 10)}`,
  trialEnding: (subscriptionId: string, endDay: string) => `trial-ending:${subscriptionId}:${endDay}`,
};

/** Days before a subscription that will not renew ends (its term's last day is inclusive), when within the notice window. */
export function endingInDays(subscription: Subscription, now: Date): number | undefined {
  if (subscription.status !== 'Subscribed' || subscription.autoRenew || subscription.isFreeTrial) return undefined;
  const end = subscription.term?.endDate;
  if (!end) return undefined;
  const days = Math.ceil((end.getTime() + DAY - now.getTime()) / DAY);
  return days > 0 && days <= ENDING_NOTICE_DAYS ? days : undefined;
}

/** Days left of a live free trial, when within the notice window. */
export function trialEndingInDays(subscription: Subscription, now: Date): number | undefined {
  if (subscription.status !== 'Subscribed') return undefined;
  const days = trialDaysLeft(subscription, now);
  return days !== undefined && days > 0 && days <= ENDING_NOTICE_DAYS ? days : undefined;
}
