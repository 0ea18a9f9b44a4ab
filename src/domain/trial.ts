import { DAY } from './clock';
import { addMonthsClamped } from './periods';
import { FREE_TRIAL_MONTHS } from './partner-center-rules';
import type { Subscription } from './subscription';

/**
 * Days left in a free trial (Partner Center: one month, the subscription's first term, `isFreeTrial: true` until it
 * converts), or `undefined` when the subscription is not a trial. Counted in started days up to the end of the
 * term's last day (`endDate` is inclusive, as the API returns it); before activation the trial has its whole month.
 *
 * Nothing is metered during a trial: Partner Center offers no free trial on a plan that uses the metering service,
 * so a trial plan has no overage to bill (the catalog refuses the combination, and the usage recorder never marks
 * trial usage as overage).
 */
export function trialDaysLeft(subscription: Subscription, now: Date): number | undefined {
  if (!subscription.isFreeTrial) return undefined;
  const term = subscription.term;
  const end = term?.endDate
    ? term.endDate.getTime() + DAY
    : addMonthsClamped(term?.startDate ?? now, FREE_TRIAL_MONTHS).getTime();
  return Math.max(0, Math.ceil((end - now.getTime()) / DAY));
}
