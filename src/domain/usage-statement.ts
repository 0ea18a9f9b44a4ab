import { USAGE_KINDS, type UsageKind } from './billing-rules';
import type { MeteringStatus } from './metering';
import type { BillingPeriod } from './periods';
import { includedUnits, type Plan } from './plans';
import { planMonthlyPrice } from './revenue';
import type { Subscription } from './subscription';
import { roundMoney, utcDay } from './usage-report';

/**
 * A usage statement (issue 13, part 4): one subscription, one billing period, everything a tenant's finance team
 * asks for, computed once from what the store holds so that the HTML page, the CSV file and the PDF render the same
 * model. Pure.
 *
 * - Used per dimension: the period's counters (what the gate counted). Included: the plan (and seats) in effect at
 *   the end of the period, as the gate applies it.
 * - Overage: the metering ledger, to the unit. Each metered hour is one line with the Marketplace `usageEventId`
 *   once accepted, priced at the plan it was sent under (after a plan change, hours before and after it carry their
 *   own plans). Hours whose units were carried into a later hour (Expired) are listed but not counted: their units
 *   are in the later hour's line. Hours not sent yet are pending; conflicts and failures are for the publisher and
 *   not charged.
 * - The estimated charge: accepted and pending overage at those prices, plus the monthly price of the plan in
 *   effect at the end of the period (times seats on per-user plans). An estimate: the Marketplace invoice prorates
 *   plan changes.
 */

/** What the store returns for one metered hour (a MeteringReport). */
export interface LedgerHour {
  hourStart: Date;
  dimension: UsageKind;
  planId: string;
  quantity: number;
  status: MeteringStatus;
  usageEventId?: string;
  acceptedQuantity?: number;
}

/** What the store returns for one change of the subscription (a SubscriptionOperationRecord). */
export interface SubscriptionChange {
  action: string;
  status: string;
  fromStatus?: string;
  toStatus?: string;
  fromPlanId?: string;
  toPlanId?: string;
  fromQuantity?: number;
  toQuantity?: number;
  operationTime?: Date;
  createdAt: Date;
}

/** A metered hour's standing on the statement. */
export type LineState = 'billed' | 'pending' | 'carried' | 'attention';

export interface StatementLine {
  hourStart: Date;
  dimension: UsageKind;
  planId: string;
  /** Units of the hour: accepted ones once billed. */
  units: number;
  state: LineState;
  status: MeteringStatus;
  usageEventId?: string;
  unitPrice: number;
  /** Counted in the charge: billed and pending lines only. */
  amount: number;
}

export interface StatementDay {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  dimension: UsageKind;
  /** Units accepted by the Marketplace that day. */
  billedUnits: number;
  /** Units not sent or not accepted yet. */
  pendingUnits: number;
  amount: number;
  /** The Marketplace's ids of the day's accepted hours, in hour order. */
  usageEventIds: string[];
}

export interface StatementDimension {
  dimension: UsageKind;
  /** Per period, for the whole tenant; `null` = unlimited. */
  included: number | null;
  used: number;
  /** Used beyond included (what the counters say). */
  overageUnits: number;
  billedUnits: number;
  pendingUnits: number;
  /** Units the publisher must look at (conflict, failed, resolved): not charged. */
  attentionUnits: number;
  /** Overage price of the plan at the end of the period; absent: hard cap or unlimited. */
  overagePrice?: number;
  amount: number;
}

export interface StatementChange {
  at: Date;
  action: string;
  fromPlanId?: string;
  toPlanId?: string;
  fromQuantity?: number;
  toQuantity?: number;
  fromStatus?: string;
  toStatus?: string;
}

export interface PlanRef {
  id: string;
  /** The catalog's name; the id when the catalog does not know the plan any more. */
  name: string;
}

export interface UsageStatement {
  subscriptionId: string;
  subscriptionName: string;
  tenantId?: string;
  offerId: string;
  period: BillingPeriod;
  generatedAt: Date;
  /** The period has ended: the figures are final (except hours still pending). */
  final: boolean;
  currency: string;
  planAtStart: PlanRef;
  planAtEnd: PlanRef;
  /** Per-user plans. */
  seatsAtStart?: number;
  seatsAtEnd?: number;
  dimensions: StatementDimension[];
  days: StatementDay[];
  lines: StatementLine[];
  /** Applied changes within the period, oldest first. */
  history: StatementChange[];
  /** The display name of every plan the statement names (the id when the catalog no longer knows it). */
  planNames: Record<string, string>;
  charges: { recurring: number; overage: number; total: number };
}

export interface StatementInput {
  subscription: Subscription;
  period: BillingPeriod;
  now: Date;
  plan: (planId: string) => Plan | undefined;
  /** The period's counters. */
  used: Partial<Record<UsageKind, number>>;
  /** The subscription's metered hours (any period: those of this one are kept). */
  ledger: readonly LedgerHour[];
  /** The subscription's recorded changes (any time). */
  changes: readonly SubscriptionChange[];
}

const STATE: Record<MeteringStatus, LineState> = {
  Accepted: 'billed',
  Open: 'pending',
  InFlight: 'pending',
  Retry: 'pending',
  Held: 'pending',
  Expired: 'carried',
  Conflict: 'attention',
  Failed: 'attention',
  Resolved: 'attention',
};

const timeOf = (c: SubscriptionChange) => (c.operationTime ?? c.createdAt).getTime();

/** The plan and seats in effect at the start and at the end of the period, from the applied changes. */
function planAndSeats(input: StatementInput, applied: readonly SubscriptionChange[]) {
  const start = input.period.start.getTime();
  const end = Math.min(input.period.end.getTime(), input.now.getTime());
  const before = applied.filter((c) => timeOf(c) <= start);
  const within = applied.filter((c) => timeOf(c) > start && timeOf(c) < end);
  const lastTo = <K extends 'toPlanId' | 'toQuantity'>(list: readonly SubscriptionChange[], key: K) =>
    [...list].reverse().find((c) => c[key] !== undefined)?.[key];
  const firstFrom = <K extends 'fromPlanId' | 'fromQuantity'>(key: K) => within.find((c) => c[key] !== undefined)?.[key];
  const endPlan = lastTo([...before, ...within], 'toPlanId') ?? input.subscription.planId;
  const startPlan = lastTo(before, 'toPlanId') ?? firstFrom('fromPlanId') ?? endPlan;
  const endSeats = lastTo([...before, ...within], 'toQuantity') ?? input.subscription.quantity;
  const startSeats = lastTo(before, 'toQuantity') ?? firstFrom('fromQuantity') ?? endSeats;
  return { startPlan, endPlan, startSeats, endSeats, within };
}

export function buildUsageStatement(input: StatementInput): UsageStatement {
  const { subscription, period } = input;
  const applied = [...input.changes].filter((c) => c.status === 'Applied').sort((a, b) => timeOf(a) - timeOf(b));
  const { startPlan, endPlan, startSeats, endSeats, within } = planAndSeats(input, applied);
  const plan = input.plan(endPlan);
  const ref = (id: string): PlanRef => ({ id, name: input.plan(id)?.displayName ?? id });

  const lines: StatementLine[] = input.ledger
    .filter((h) => h.hourStart >= period.start && h.hourStart < period.end)
    .sort((a, b) => a.hourStart.getTime() - b.hourStart.getTime() || a.dimension.localeCompare(b.dimension))
    .map((h) => {
      const state = STATE[h.status];
      const units = state === 'billed' ? (h.acceptedQuantity ?? h.quantity) : h.quantity;
      const unitPrice = input.plan(h.planId)?.dimensions[h.dimension].overagePrice ?? 0;
      const counted = state === 'billed' || state === 'pending';
      return {
        hourStart: h.hourStart,
        dimension: h.dimension,
        planId: h.planId,
        units,
        state,
        status: h.status,
        ...(h.usageEventId && state === 'billed' ? { usageEventId: h.usageEventId } : {}),
        unitPrice,
        amount: counted ? roundMoney(units * unitPrice) : 0,
      };
    });

  const days = new Map<string, StatementDay>();
  for (const line of lines) {
    if (line.state !== 'billed' && line.state !== 'pending') continue;
    const day = utcDay(line.hourStart);
    const key = `${day}|${line.dimension}`;
    const entry =
      days.get(key) ??
      days.set(key, { day, dimension: line.dimension, billedUnits: 0, pendingUnits: 0, amount: 0, usageEventIds: [] }).get(key)!;
    if (line.state === 'billed') entry.billedUnits += line.units;
    else entry.pendingUnits += line.units;
    if (line.usageEventId) entry.usageEventIds.push(line.usageEventId);
    entry.amount = roundMoney(entry.amount + line.amount);
  }

  const sum = (dimension: UsageKind, state: LineState, field: 'units' | 'amount' = 'units') =>
    lines.filter((l) => l.dimension === dimension && l.state === state).reduce((s, l) => s + l[field], 0);
  const dimensions = USAGE_KINDS.map((dimension): StatementDimension => {
    const used = input.used[dimension] ?? 0;
    const included = plan ? includedUnits(plan, dimension, endSeats) : null;
    const price = plan?.dimensions[dimension].overagePrice;
    return {
      dimension,
      included,
      used,
      overageUnits: included === null ? 0 : Math.max(0, used - included),
      billedUnits: sum(dimension, 'billed'),
      pendingUnits: sum(dimension, 'pending'),
      attentionUnits: sum(dimension, 'attention'),
      ...(price !== undefined && included !== null ? { overagePrice: price } : {}),
      amount: roundMoney(sum(dimension, 'billed', 'amount') + sum(dimension, 'pending', 'amount')),
    };
  });

  const planIds = new Set([startPlan, endPlan, ...lines.map((l) => l.planId)]);
  for (const c of within) for (const id of [c.fromPlanId, c.toPlanId]) if (id !== undefined) planIds.add(id);
  const planNames = Object.fromEntries([...planIds].map((id) => [id, ref(id).name]));
  const recurring = plan ? planMonthlyPrice(plan, endSeats) : 0;
  const overage = roundMoney(dimensions.reduce((s, d) => s + d.amount, 0));
  return {
    subscriptionId: subscription.id,
    subscriptionName: subscription.name,
    ...(subscription.beneficiary.tenantId ? { tenantId: subscription.beneficiary.tenantId } : {}),
    offerId: subscription.offerId,
    period,
    generatedAt: input.now,
    final: input.now.getTime() >= period.end.getTime(),
    currency: plan?.currency ?? input.plan(startPlan)?.currency ?? 'USD',
    planAtStart: ref(startPlan),
    planAtEnd: ref(endPlan),
    ...(startSeats !== undefined ? { seatsAtStart: startSeats } : {}),
    ...(endSeats !== undefined ? { seatsAtEnd: endSeats } : {}),
    dimensions,
    days: [...days.values()],
    lines,
    history: within.map((c) => ({
      at: new Date(timeOf(c)),
      action: c.action,
      ...(c.fromPlanId !== undefined ? { fromPlanId: c.fromPlanId } : {}),
      ...(c.toPlanId !== undefined ? { toPlanId: c.toPlanId } : {}),
      ...(c.fromQuantity !== undefined ? { fromQuantity: c.fromQuantity } : {}),
      ...(c.toQuantity !== undefined ? { toQuantity: c.toQuantity } : {}),
      ...(c.fromStatus !== undefined ? { fromStatus: c.fromStatus } : {}),
      ...(c.toStatus !== undefined ? { toStatus: c.toStatus } : {}),
    })),
    planNames,
    charges: { recurring, overage, total: roundMoney(recurring + overage) },
  };
}
