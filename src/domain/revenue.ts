import type { UsageKind } from './billing-rules';
import type { Plan, PlanCatalog } from './plans';
import { roundMoney } from './usage-report';

/**
 * Revenue rules, written once for the `revenue` command and the publisher console.
 *
 * Monthly recurring revenue is each Subscribed subscription's plan price per month (`Plan.basePrice`), times its
 * seats on per-user plans. Overage is what the Marketplace accepted through metering, priced at the overage price of
 * the plan each hour was billed under. Microsoft keeps its store service fee on both; the publisher receives the rest.
 */

/**
 * The Microsoft commercial marketplace store service fee for transactable SaaS offers: 3 % of the price the customer
 * pays ("Commercial marketplace transact capabilities", learn.microsoft.com/partner-center/marketplace/marketplace-commercial-transaction-capabilities-and-considerations).
 * A publisher with another agreement sets MARKETPLACE_FEE_PERCENT.
 */
export const DEFAULT_MARKETPLACE_FEE_PERCENT = 3;

/** What one subscription pays per month for its plan. */
export function planMonthlyPrice(plan: Pick<Plan, 'basePrice' | 'isPricePerSeat'>, seats: number | undefined): number {
  return roundMoney(plan.basePrice * (plan.isPricePerSeat ? Math.max(0, seats ?? 0) : 1));
}

/** What the publisher receives of an amount once Microsoft's fee is taken. */
export function afterMarketplaceFee(amount: number, feePercent: number): number {
  return roundMoney((amount * (100 - feePercent)) / 100);
}

export interface MoneyByCurrency {
  currency: string;
  amount: number;
}

/** Subscriptions of one plan in one status (what the store tallies). */
export interface PlanTally {
  planId: string;
  status: string;
  subscriptions: number;
  seats: number;
}

export interface RecurringRevenueLine {
  planId: string;
  currency: string;
  subscriptions: number;
  seats: number;
  amount: number;
}

/** MRR per plan of the Subscribed subscriptions (plans not in the catalog count nothing: their price is unknown). */
export function recurringRevenue(tallies: readonly PlanTally[], catalog: PlanCatalog): RecurringRevenueLine[] {
  const lines = new Map<string, RecurringRevenueLine>();
  for (const t of tallies) {
    if (t.status !== 'Subscribed') continue;
    const plan = catalog.get(t.planId);
    if (!plan) continue;
    const line = lines.get(plan.id) ?? { planId: plan.id, currency: plan.currency, subscriptions: 0, seats: 0, amount: 0 };
    line.subscriptions += t.subscriptions;
    line.seats += t.seats;
    // Per-user plans: price × all seats of the plan; flat rate: price × subscriptions (planMonthlyPrice per one).
    line.amount = roundMoney(
      line.amount + (plan.isPricePerSeat ? planMonthlyPrice(plan, t.seats) : planMonthlyPrice(plan, undefined) * t.subscriptions),
    );
    lines.set(plan.id, line);
  }
  return [...lines.values()];
}

export function totalByCurrency(lines: readonly { currency: string; amount: number }[]): MoneyByCurrency[] {
  const totals = new Map<string, number>();
  for (const l of lines) totals.set(l.currency, roundMoney((totals.get(l.currency) ?? 0) + l.amount));
  return [...totals].map(([currency, amount]) => ({ currency, amount })).sort((a, b) => a.currency.localeCompare(b.currency));
}

/** Accepted overage units of one month, plan and dimension. */
export interface AcceptedUnits {
  month: string;
  planId: string;
  dimension: UsageKind;
  quantity: number;
}

export interface OverageMonth {
  /** `YYYY-MM`. */
  month: string;
  currency: string;
  /** What the customers are billed. */
  gross: number;
  /** What the publisher receives after the Marketplace fee. */
  net: number;
}

/** Overage billed per month and currency, before and after the fee; every month of `months` is present (0 if none). */
export function overageByMonth(
  accepted: readonly AcceptedUnits[],
  catalog: PlanCatalog,
  months: readonly string[],
  feePercent: number,
): OverageMonth[] {
  const gross = new Map<string, number>();
  const currencies = new Set<string>();
  for (const a of accepted) {
    const plan = catalog.get(a.planId);
    const price = plan?.dimensions[a.dimension]?.overagePrice;
    if (!plan || price === undefined) continue;
    currencies.add(plan.currency);
    const key = `${a.month}|${plan.currency}`;
    gross.set(key, roundMoney((gross.get(key) ?? 0) + a.quantity * price));
  }
  if (currencies.size === 0) currencies.add(catalog.plans[0]?.currency ?? 'EUR');
  const out: OverageMonth[] = [];
  for (const currency of [...currencies].sort())
    for (const month of months) {
      const amount = gross.get(`${month}|${currency}`) ?? 0;
      out.push({ month, currency, gross: amount, net: afterMarketplaceFee(amount, feePercent) });
    }
  return out;
}

/** The `YYYY-MM` of `now` and the `count - 1` months before it, oldest first. */
export function lastMonths(now: Date, count: number): string[] {
  const months: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    months.push(d.toISOString().slice(0, 7));
  }
  return months;
}
