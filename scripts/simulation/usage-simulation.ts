import { SubscriptionGate } from '../../src/bot/subscription-gate';
import { UsageRecorder } from '../../src/bot/usage-recorder';
import { classifyTurn, type UsageKind } from '../../src/domain/billing-rules';
import { DAY, HOUR, type Clock } from '../../src/domain/clock';
import { hourStart } from '../../src/domain/metering';
import { billingPeriodAt } from '../../src/domain/periods';
import { hasOverage, includedUnits, type Plan, type PlanCatalog } from '../../src/domain/plans';
import type { Subscription } from '../../src/domain/subscription';
import { overageUnits } from '../../src/domain/usage';
import type { Logger } from '../../src/logger';
import type { Store } from '../../src/store/store';

/** A clock the simulation moves: every turn is recorded at its own simulated time. */
export class SimulationClock implements Clock {
  constructor(public ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
}

export interface SimulatedTenant {
  subscription: Subscription;
  plan: Plan;
  /** Usage recorded before the simulated hours, to put some tenants just under their allowance. */
  priorUsage: number;
  /** Relative share of the traffic. */
  weight: number;
}

/** Expected billable overage per `${subscriptionId}|${dimension}|${hourISO}`. */
export type ExpectedOverage = Map<string, number>;

export const overageKey = (subscriptionId: string, dimension: string, hour: Date) =>
  `${subscriptionId}|${dimension}|${hour.toISOString()}`;

/** The plans simulated tenants are on, in proportion: overage, unlimited, hard cap and per-seat plans. */
export const PLAN_MIX = ['business', 'business', 'enterprise', 'starter', 'team-seat'];

/**
 * A tenant for the simulation from a subscription. Half of the tenants on overage plans start just under their
 * monthly allowance, so they cross it during the simulation; the others stay under it.
 */
export function simulatedTenant(
  subscription: Subscription,
  catalog: PlanCatalog,
  index: number,
  random: () => number,
  maxGap = 300,
): SimulatedTenant {
  const plan = catalog.get(subscription.planId)!;
  const crossing = hasOverage(plan, 'messages') && index % 2 === 0;
  const included = includedUnits(plan, 'messages', subscription.quantity) ?? 0;
  return {
    subscription,
    plan,
    priorUsage: crossing ? Math.max(0, included - Math.floor(random() * maxGap)) : 0,
    weight: 0.5 + random() * 1.5,
  };
}

/** `count` subscribed tenants on the plan mix, with terms from `termStart`. */
export function makeTenants(
  catalog: PlanCatalog,
  count: number,
  termStart: Date,
  random: () => number,
  idPrefix = 'sim',
): SimulatedTenant[] {
  return Array.from({ length: count }, (_, i) => {
    const plan = catalog.get(PLAN_MIX[i % PLAN_MIX.length]!)!;
    const tenantId = `${idPrefix}-tenant-${i}`;
    const seats = plan.isPricePerSeat ? 5 + Math.floor(random() * 20) : undefined;
    const subscription: Subscription = {
      id: `${idPrefix}-subscription-${i}`,
      name: `Simulated tenant ${i}`,
      offerId: 'teams-ai-assistant',
      planId: plan.id,
      ...(seats !== undefined ? { quantity: seats } : {}),
      status: 'Subscribed',
      purchaser: { tenantId, objectId: `${tenantId}-admin` },
      beneficiary: { tenantId, objectId: `${tenantId}-admin` },
      term: { startDate: termStart, endDate: new Date(termStart.getTime() + 30 * DAY), termUnit: 'P1M' },
      autoRenew: true,
      isTest: true,
      isFreeTrial: false,
      createdAt: termStart,
      updatedAt: termStart,
      activatedAt: termStart,
    };
    return simulatedTenant(subscription, catalog, i, random);
  });
}

/** A realistic turn: mostly short questions, some long or with files, a few very long answers. */
function randomTurn(random: () => number): {
  textLength: number;
  attachmentCount: number;
  promptTokens: number;
  completionTokens: number;
} {
  const r = random();
  if (r < 0.03)
    return { textLength: 400, attachmentCount: 0, promptTokens: 4000 + Math.floor(random() * 6000), completionTokens: 1500 };
  if (r < 0.08) return { textLength: 1500, attachmentCount: 0, promptTokens: 700, completionTokens: 300 };
  if (r < 0.12) return { textLength: 80, attachmentCount: 1, promptTokens: 300, completionTokens: 200 };
  return {
    textLength: 20 + Math.floor(random() * 300),
    attachmentCount: 0,
    promptTokens: 150 + Math.floor(random() * 800),
    completionTokens: 40 + Math.floor(random() * 400),
  };
}

/**
 * Drives simulated turns through the product's own recording path (the subscription gate, then the usage recorder:
 * quota, counters, usage event and outbox row in one transaction), each at its own time on `clock`. Keeps its own
 * account of what each (subscription, dimension, hour) should bill, computed from the turns that were admitted.
 */
export class UsageSimulation {
  readonly expected: ExpectedOverage = new Map();
  recorded = 0;
  refused = 0;
  private readonly gate: SubscriptionGate;
  private readonly recorder: UsageRecorder;
  /** Our own running totals per subscription, period and dimension (the reference, not the store's counters). */
  private readonly totals = new Map<string, number>();
  private sequence = 0;

  constructor(
    private readonly deps: {
      store: Store;
      catalog: PlanCatalog;
      clock: SimulationClock;
      logger: Logger;
      random: () => number;
      concurrency?: number;
    },
    readonly tenants: SimulatedTenant[],
  ) {
    this.gate = new SubscriptionGate({
      store: deps.store,
      catalog: deps.catalog,
      clock: deps.clock,
      enforcement: { seatAutoAssign: true, entitlementCacheMs: 60 * 60_000, reservationTimeoutMs: 600_000, maxInputChars: 8000 },
      logger: deps.logger,
      // Simulated turns bring their own token counts, above what a prompt would allow: bound them loosely.
      maxTurnTokens: 100_000,
      heldUnitsWaitMs: 0,
    });
    this.recorder = new UsageRecorder({ store: deps.store, storeMessageText: false, logger: deps.logger });
  }

  /** Stores the tenants' subscriptions and their prior usage (below the allowance: nothing billable). */
  async setUp(at: Date): Promise<void> {
    for (const t of this.tenants) {
      if (!(await this.deps.store.subscriptions.get(t.subscription.id)))
        await this.deps.store.subscriptions.upsert(t.subscription);
      if (t.priorUsage > 0) {
        const period = billingPeriodAt(at, t.subscription.term);
        await this.deps.store.usage.record({
          event: {
            id: `prior-${t.subscription.id}`,
            tenantId: t.subscription.beneficiary.tenantId!,
            activityId: `prior-${t.subscription.id}`,
            subscriptionId: t.subscription.id,
            planId: t.plan.id,
            userId: 'history',
            conversationId: 'history',
            conversationType: 'personal',
            dimension: 'messages',
            quantity: t.priorUsage,
            promptTokens: 0,
            completionTokens: 0,
            totalTokens: 0,
            processingMs: 0,
            attachmentCount: 0,
            textLength: 0,
            occurredAt: at,
            periodStart: period.start,
          },
          included: includedUnits(t.plan, 'messages', t.subscription.quantity),
          overage: hasOverage(t.plan, 'messages'),
        });
        this.add(t, 'messages', period.start, t.priorUsage);
      }
    }
  }

  /** `count` turns spread over [from, to) (at most an hour, within one clock hour), in time order. */
  async simulateHour(from: Date, count: number, to = new Date(from.getTime() + HOUR)): Promise<void> {
    const random = this.deps.random;
    const totalWeight = this.tenants.reduce((s, t) => s + t.weight, 0);
    const span = to.getTime() - from.getTime();
    const start = hourStart(from);
    const times = Array.from({ length: count }, () => from.getTime() + Math.floor(random() * span)).sort((a, b) => a - b);
    const concurrency = this.deps.concurrency ?? 256;
    for (let i = 0; i < times.length; i += concurrency) {
      const chunk = times.slice(i, i + concurrency);
      // Turns of one chunk run concurrently at the chunk's first time (group commit batches their writes); the hour
      // they fall in is what matters for metering, and a chunk never straddles two hours (times are in one hour).
      this.deps.clock.ms = chunk[0]!;
      await Promise.all(
        chunk.map(() => {
          let pick = random() * totalWeight;
          const tenant = this.tenants.find((t) => (pick -= t.weight) <= 0) ?? this.tenants.at(-1)!;
          return this.turn(tenant, start);
        }),
      );
    }
  }

  private async turn(tenant: SimulatedTenant, hour: Date): Promise<void> {
    const random = this.deps.random;
    const facts = randomTurn(random);
    const seats = tenant.subscription.quantity ?? 1;
    const userId = `${tenant.subscription.id}-user-${Math.floor(random() * Math.max(1, seats))}`;
    const admission = await this.gate.admit(
      {
        tenantId: tenant.subscription.beneficiary.tenantId,
        userId,
        userName: undefined,
        conversationType: 'personal',
        conversationId: `${userId}-chat`,
        activityId: `sim-${++this.sequence}`,
      },
      { textLength: facts.textLength, attachmentCount: facts.attachmentCount },
    );
    if (!admission.admitted) {
      this.refused += 1;
      return;
    }
    await this.recorder.record(admission.ticket, {
      promptTokens: facts.promptTokens,
      completionTokens: facts.completionTokens,
    });
    this.recorded += 1;
    const billed = classifyTurn({ ...facts, totalTokens: facts.promptTokens + facts.completionTokens }, tenant.plan.billingRules);
    const billable = this.add(tenant, billed.dimension, admission.ticket.period.start, billed.quantity);
    if (billable > 0) {
      const key = overageKey(tenant.subscription.id, billed.dimension, hour);
      this.expected.set(key, (this.expected.get(key) ?? 0) + billable);
    }
  }

  /** Adds units to our running total and returns the part above the allowance (0 for hard caps, seats, unlimited). */
  private add(tenant: SimulatedTenant, dimension: UsageKind, periodStart: Date, quantity: number): number {
    const key = `${tenant.subscription.id}|${periodStart.getTime()}|${dimension}`;
    const before = this.totals.get(key) ?? 0;
    this.totals.set(key, before + quantity);
    if (!hasOverage(tenant.plan, dimension)) return 0;
    return overageUnits(before, quantity, includedUnits(tenant.plan, dimension, tenant.subscription.quantity));
  }

  /** `count` turns spread over [from, to), hour by hour in proportion to each hour's share of the window. */
  async simulateWindow(from: Date, to: Date, count: number): Promise<void> {
    const total = to.getTime() - from.getTime();
    let done = 0;
    for (let t = from.getTime(); t < to.getTime();) {
      const end = Math.min(to.getTime(), hourStart(new Date(t)).getTime() + HOUR);
      const share = end >= to.getTime() ? count - done : Math.round((count * (end - t)) / total);
      await this.simulateHour(new Date(t), share, new Date(end));
      done += share;
      t = end;
    }
  }

  /** The expected overage as a plain object, `${subscriptionId}|${dimension}|${hourISO}` → units. */
  expectedJson(): Record<string, number> {
    return Object.fromEntries([...this.expected].sort(([a], [b]) => a.localeCompare(b)));
  }

  expectedTotal(): number {
    let sum = 0;
    for (const q of this.expected.values()) sum += q;
    return sum;
  }
}
