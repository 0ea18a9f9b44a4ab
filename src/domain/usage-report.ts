import { DAY } from './clock';
import { USAGE_KINDS, type UsageKind } from './billing-rules';
import { daysLeft, type BillingPeriod } from './periods';
import { hasOverage, includedUnits, type Plan } from './plans';
import type { Subscription } from './subscription';

export const DIMENSION_LABELS: Record<UsageKind, string> = {
  messages: 'Standard messages',
  premium_messages: 'Premium messages',
};

export interface DimensionUsage {
  dimension: UsageKind;
  label: string;
  used: number;
  /** `null` = unlimited. */
  included: number | null;
  /** What happens past the allowance. */
  mode: 'unlimited' | 'overage' | 'hard-cap';
  overageUnits: number;
  overageCost: number;
}

export interface UsageSummary {
  period: BillingPeriod;
  daysLeft: number;
  currency: string;
  dimensions: DimensionUsage[];
  overageCost: number;
}

/** This period's usage against the plan, per dimension, with overage so far (what `/usage` shows). */
export function summarizeUsage(
  plan: Plan,
  subscription: Pick<Subscription, 'quantity'>,
  usedByDimension: Partial<Record<UsageKind, number>>,
  period: BillingPeriod,
  now: Date,
): UsageSummary {
  const dimensions = USAGE_KINDS.map((dimension): DimensionUsage => {
    const used = usedByDimension[dimension] ?? 0;
    const included = includedUnits(plan, dimension, subscription.quantity);
    const overage = hasOverage(plan, dimension);
    const overageUnits = overage && included !== null ? Math.max(0, used - included) : 0;
    const price = plan.dimensions[dimension].overagePrice ?? 0;
    return {
      dimension,
      label: DIMENSION_LABELS[dimension],
      used,
      included,
      mode: included === null ? 'unlimited' : overage ? 'overage' : 'hard-cap',
      overageUnits,
      overageCost: roundMoney(overageUnits * price),
    };
  });
  return {
    period,
    daysLeft: daysLeft(period, now),
    currency: plan.currency,
    dimensions,
    overageCost: roundMoney(dimensions.reduce((sum, d) => sum + d.overageCost, 0)),
  };
}

export function roundMoney(amount: number): number {
  return Math.round(amount * 100) / 100;
}

/** `YYYY-MM-DD` of a date, UTC. */
export const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/** The last `days` UTC days ending today, each with its turn count (days without usage are 0). */
export function dailySeries(rows: readonly { day: string; turns: number }[], now: Date, days: number) {
  const byDay = new Map<string, number>();
  for (const r of rows) byDay.set(r.day, (byDay.get(r.day) ?? 0) + r.turns);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => {
    const day = utcDay(new Date(today - (days - 1 - i) * DAY));
    return { day, turns: byDay.get(day) ?? 0 };
  });
}

/** Start of the window `dailySeries` covers. */
export function seriesStart(now: Date, days: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY);
}
