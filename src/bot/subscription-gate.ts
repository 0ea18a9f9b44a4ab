import { performance } from 'node:perf_hooks';
import type { Config } from '../config';
import { estimateTurn, type Dimension } from '../domain/billing-rules';
import type { Clock } from '../domain/clock';
import { pickTenantSubscription, statusRefusal, type Refusal } from '../domain/entitlement';
import type { TurnIdentity } from '../domain/identity';
import { billingPeriodAt, type BillingPeriod } from '../domain/periods';
import { hasOverage, includedUnits, type Plan, type PlanCatalog } from '../domain/plans';
import type { Subscription } from '../domain/subscription';
import type { Logger } from '../logger';
import type { Store } from '../store/store';

/** A turn let through the gate: what the recorder needs to bill it, or the gate to release it. */
export interface TurnTicket {
  identity: TurnIdentity & { tenantId: string; userId: string; activityId: string };
  subscription: Subscription;
  plan: Plan;
  period: BillingPeriod;
  /** Units held for the turn on a hard-capped dimension; absent when nothing can run out (unlimited, overage). */
  reserved?: { dimension: Dimension; quantity: number };
  startedAt: Date;
  /** Monotonic start (performance.now()), for processing time whatever the clock says. */
  startedMonotonicMs: number;
  textLength: number;
  attachmentCount: number;
}

export type Admission =
  | { admitted: true; ticket: TurnTicket }
  | { admitted: false; refusal: Refusal }
  /** The same activity was already answered or is being answered (a channel retry): do nothing. */
  | { admitted: false; duplicate: true };

/**
 * The subscription check of every message turn (DESIGN.md "Entitlement"): tenant and user, the tenant's
 * subscription and its status, a seat on per-seat plans, then quota reserved atomically before the AI call.
 */
export class SubscriptionGate {
  private readonly cache = new Map<string, { subscription: Subscription | undefined; expiresAt: number }>();
  /** Turns being answered by this process, by tenant and activity: a channel retry must not run the AI twice. */
  private readonly inFlight = new Set<string>();
  /** The current billing period of each subscription, until it ends or the term changes. */
  private readonly periods = new Map<string, { termStart: number | undefined; period: BillingPeriod }>();

  constructor(
    private readonly deps: {
      store: Store;
      catalog: PlanCatalog;
      clock: Clock;
      enforcement: Config['enforcement'];
      logger: Logger;
    },
  ) {}

  /** The subscription that speaks for a tenant, cached briefly. */
  async tenantSubscription(tenantId: string, now = this.deps.clock.now().getTime()): Promise<Subscription | undefined> {
    const hit = this.cached(tenantId, now);
    if (hit) return hit.subscription;
    const subscription = pickTenantSubscription(await this.deps.store.subscriptions.listForTenant(tenantId));
    const ttl = this.deps.enforcement.entitlementCacheMs;
    if (ttl > 0) {
      // Bounded: a flood of unknown tenants must not grow the cache without end.
      if (this.cache.size >= 10_000) this.cache.clear();
      this.cache.set(tenantId, { subscription, expiresAt: now + ttl });
    }
    return subscription;
  }

  private cached(tenantId: string, now: number): { subscription: Subscription | undefined } | undefined {
    const hit = this.cache.get(tenantId);
    return hit && hit.expiresAt > now ? hit : undefined;
  }

  /** Forget cached entitlement (webhook changes, admin actions): the next message sees the new state. */
  invalidate(tenantId?: string): void {
    if (tenantId === undefined) this.cache.clear();
    else this.cache.delete(tenantId);
  }

  async admit(identity: TurnIdentity, facts: { textLength: number; attachmentCount: number }): Promise<Admission> {
    const { tenantId, userId, activityId } = identity;
    if (!tenantId) return { admitted: false, refusal: { kind: 'no-tenant' } };
    if (!userId) return { admitted: false, refusal: { kind: 'no-user' } };
    if (!activityId) throw new Error('a message activity without an id reached the gate');

    const now = this.deps.clock.now();
    // Most turns find their tenant in the cache: no await (and no promise) for them.
    const hit = this.cached(tenantId, now.getTime());
    const subscription = hit ? hit.subscription : await this.tenantSubscription(tenantId, now.getTime());
    const refusal = statusRefusal(subscription);
    if (refusal || !subscription) return { admitted: false, refusal: refusal ?? { kind: 'no-subscription' } };

    const plan = this.deps.catalog.get(subscription.planId);
    if (!plan) {
      this.deps.logger.error(
        { tenantId, subscriptionId: subscription.id, planId: subscription.planId },
        'subscription on a plan missing from the catalog',
      );
      return { admitted: false, refusal: { kind: 'unknown-plan', subscription } };
    }

    if (plan.isPricePerSeat) {
      const seats = subscription.quantity ?? 0;
      const claim = await this.deps.store.seats.claim({
        subscriptionId: subscription.id,
        userId,
        ...(identity.userName ? { userName: identity.userName } : {}),
        capacity: seats,
        autoAssign: this.deps.enforcement.seatAutoAssign,
        at: now,
      });
      if (claim === 'assigned') this.deps.logger.info({ tenantId, subscriptionId: subscription.id, userId }, 'seat assigned');
      if (claim === 'full' || claim === 'revoked') {
        return { admitted: false, refusal: { kind: 'no-seat', subscription, seats, revoked: claim === 'revoked' } };
      }
    }

    const period = this.periodOf(subscription, now);
    const estimate = estimateTurn(facts, plan.billingRules);
    const included = includedUnits(plan, estimate.dimension, subscription.quantity);
    const flightKey = `${tenantId}\u0000${activityId}`;
    if (this.inFlight.has(flightKey)) return { admitted: false, duplicate: true };
    // Only what can run out is reserved: overage plans and unlimited dimensions are never refused (the excess is
    // metered), so their turns skip the reservation and are made idempotent by the usage event's unique key.
    const capped = included !== null && !hasOverage(plan, estimate.dimension);
    if (capped) {
      const outcome = await this.deps.store.usage.reserve({
        tenantId,
        activityId,
        subscriptionId: subscription.id,
        periodStart: period.start,
        dimension: estimate.dimension,
        quantity: estimate.quantity,
        limit: included,
        at: now,
      });
      if (!outcome.ok) {
        if (outcome.reason === 'duplicate') return { admitted: false, duplicate: true };
        return {
          admitted: false,
          refusal: {
            kind: 'quota-exceeded',
            subscription,
            plan,
            dimension: estimate.dimension,
            used: outcome.used,
            included,
            period,
          },
        };
      }
    } else if (await this.deps.store.usage.isRecorded(tenantId, activityId)) {
      return { admitted: false, duplicate: true };
    }
    if (this.inFlight.has(flightKey)) {
      // Lost a race with a twin delivery while awaiting the store.
      if (capped) await this.deps.store.usage.release(tenantId, activityId);
      return { admitted: false, duplicate: true };
    }
    this.inFlight.add(flightKey);
    const ticket: TurnTicket = {
      identity: { ...identity, tenantId, userId, activityId },
      subscription,
      plan,
      period,
      startedAt: now,
      startedMonotonicMs: performance.now(),
      textLength: facts.textLength,
      attachmentCount: facts.attachmentCount,
    };
    if (capped) ticket.reserved = estimate;
    return { admitted: true, ticket };
  }

  private periodOf(subscription: Subscription, now: Date): BillingPeriod {
    const termStart = subscription.term?.startDate.getTime();
    const hit = this.periods.get(subscription.id);
    if (hit && hit.termStart === termStart && hit.period.start <= now && now < hit.period.end) return hit.period;
    const period = billingPeriodAt(now, subscription.term);
    if (this.periods.size >= 10_000) this.periods.clear();
    this.periods.set(subscription.id, { termStart, period });
    return period;
  }

  /** The turn is over (recorded or released): a later delivery of the same activity is judged by the store. */
  finish(ticket: TurnTicket): void {
    this.inFlight.delete(`${ticket.identity.tenantId}\u0000${ticket.identity.activityId}`);
  }

  /** The turn was not answered (model error, exception): give the reserved units back. */
  async release(ticket: TurnTicket): Promise<void> {
    if (ticket.reserved) await this.deps.store.usage.release(ticket.identity.tenantId, ticket.identity.activityId);
  }
}
