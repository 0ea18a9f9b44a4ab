import { DAY } from '../../domain/clock';
import type { PlanCatalog } from '../../domain/plans';
import {
  lastMonths,
  overageByMonth,
  recurringRevenue,
  totalByCurrency,
  type MoneyByCurrency,
  type OverageMonth,
  type RecurringRevenueLine,
} from '../../domain/revenue';
import { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '../../domain/subscription';
import type { LifecycleCounts, SubscriptionTally } from '../../store/console-repo';
import type { MeteringStatus, Store, SystemAlert } from '../../store/store';
import type { AcceptedMonths } from './accepted-months';
import type { DailyTurns } from './daily-turns';

/** Days of the answered-turns chart and of the "new / suspended / cancelled" counts. */
export const OVERVIEW_DAYS = 30;

export interface OverviewFigures {
  /** Subscriptions per status, every status present. */
  byStatus: Record<SubscriptionStatus, number>;
  /** Subscribed subscriptions per offer and plan, with their MRR. */
  active: (SubscriptionTally & { mrr: number; currency: string })[];
  mrr: MoneyByCurrency[];
  mrrLines: RecurringRevenueLine[];
  /** This month and the 12 before it, oldest first, per currency. */
  overage: OverageMonth[];
  months: string[];
  turns: { day: string; count: number }[];
  lifecycle: LifecycleCounts;
  alerts: SystemAlert[];
  /** Metered hours per status (what needs attention: Failed, Conflict, Held). */
  meteringByStatus: Partial<Record<MeteringStatus, { reports: number; quantity: number }>>;
  attention: number;
  feePercent: number;
}

export async function overviewFigures(deps: {
  store: Store;
  catalog: PlanCatalog;
  now: Date;
  feePercent: number;
  attentionAttempts: number;
  dailyTurns: DailyTurns;
  acceptedMonths: AcceptedMonths;
}): Promise<OverviewFigures> {
  const { store, catalog, now } = deps;
  const today = Math.floor(now.getTime() / DAY) * DAY;
  const from = new Date(today - (OVERVIEW_DAYS - 1) * DAY);
  const months = lastMonths(now, 13);
  const [tallies, lifecycle, turns, accepted, metering, alerts] = await Promise.all([
    store.console.tallySubscriptions(),
    store.console.lifecycleSince(from),
    deps.dailyTurns.between(from, new Date(today + DAY), now),
    deps.acceptedMonths.of(months, now),
    store.metering.overview(1, deps.attentionAttempts),
    store.alerts.active(),
  ]);
  const byStatus = Object.fromEntries(SUBSCRIPTION_STATUSES.map((s) => [s, 0])) as Record<SubscriptionStatus, number>;
  for (const t of tallies) byStatus[t.status] = (byStatus[t.status] ?? 0) + t.subscriptions;
  const mrrLines = recurringRevenue(tallies, catalog);
  const mrrOf = new Map(mrrLines.map((l) => [l.planId, l]));
  const active = tallies
    .filter((t) => t.status === 'Subscribed')
    .map((t) => {
      const plan = catalog.get(t.planId);
      const line = mrrOf.get(t.planId);
      // A plan's MRR line sums all its offers' tallies; plan ids are unique across offers, so it is this tally's.
      return { ...t, mrr: line?.amount ?? 0, currency: plan?.currency ?? line?.currency ?? 'EUR' };
    });
  const counts = new Map(turns.map((d) => [d.day, d.count]));
  const days: { day: string; count: number }[] = [];
  for (let i = 0; i < OVERVIEW_DAYS; i++) {
    const day = new Date(from.getTime() + i * DAY).toISOString().slice(0, 10);
    days.push({ day, count: counts.get(day) ?? 0 });
  }
  const m = metering.byStatus;
  return {
    byStatus,
    active,
    mrr: totalByCurrency(mrrLines),
    mrrLines,
    overage: overageByMonth(accepted, catalog, months, deps.feePercent),
    months,
    turns: days,
    lifecycle,
    alerts,
    meteringByStatus: m,
    attention: (m.Failed?.reports ?? 0) + (m.Conflict?.reports ?? 0) + (m.Held?.reports ?? 0),
    feePercent: deps.feePercent,
  };
}
