import { DAY } from './clock';
import type { Subscription } from './subscription';

/** Days a tenant's data is kept after its last subscription ended, before it may be erased on request. @defaultValue 30 */
export const DEFAULT_TENANT_KEEP_DAYS = 30;

export type ErasureDecision =
  | { ok: true }
  /** A subscription is still live (not Unsubscribed): the customer is still a customer. */
  | { ok: false; reason: 'subscription-live'; subscriptionId: string }
  /** Ended, but the keep period runs until `until`. */
  | { ok: false; reason: 'keep-period'; until: Date };

/**
 * Whether a tenant's data may be erased now: every subscription of which it is the beneficiary is Unsubscribed (a
 * final state) and the keep period has passed since the last of them changed. A tenant we hold no subscription for
 * may be erased at once (what is left of it: users, admins, usage of a subscription already gone).
 */
export function erasureDecision(subscriptions: readonly Subscription[], now: Date, keepDays: number): ErasureDecision {
  const live = subscriptions.find((s) => s.status !== 'Unsubscribed');
  if (live) return { ok: false, reason: 'subscription-live', subscriptionId: live.id };
  const ended = Math.max(0, ...subscriptions.map((s) => s.updatedAt.getTime()));
  const until = new Date(ended + keepDays * DAY);
  return until.getTime() <= now.getTime() ? { ok: true } : { ok: false, reason: 'keep-period', until };
}
