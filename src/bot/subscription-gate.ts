import { performance } from 'node:perf_hooks';
import type { Config } from '../config';
import { SECOND, type Clock } from '../domain/clock';
import { rankTenantSubscriptions, statusRefusal, type Refusal } from '../domain/entitlement';
import type { TurnIdentity } from '../domain/identity';
import { billingPeriodAt, type BillingPeriod } from '../domain/periods';
import { planOf, type Plan, type PlanCatalog } from '../domain/plans';
import type { Subscription } from '../domain/subscription';
import type { Logger } from '../logger';
import { licenceVerdict, type LicenceChecker } from '../domain/licence';
import { mayFreeUp, turnEnvelopes, type QuotaHold, type TurnEnvelope } from '../domain/turn-envelope';
import type { Store, TurnClaim } from '../store/store';

/** A turn let through the gate: what the recorder needs to bill it, or the gate to release it. */
export interface TurnTicket {
  identity: TurnIdentity & { tenantId: string; userId: string; activityId: string };
  subscription: Subscription;
  plan: Plan;
  period: BillingPeriod;
  /** The turn's token ceiling and the units it holds on hard-capped dimensions (src/domain/turn-envelope.ts). */
  envelope: TurnEnvelope;
  startedAt: Date;
  /** Monotonic start (performance.now()), for processing time whatever the clock says. */
  startedMonotonicMs: number;
  textLength: number;
  attachmentCount: number;
  /** Shown to the user before the answer, in their language: a Microsoft-managed licence in its grace state. */
  notice?: 'licence-warning';
}

export type Admission =
  | { admitted: true; ticket: TurnTicket }
  | { admitted: false; refusal: Refusal }
  /** The same activity was already answered or is being answered (a channel retry): do nothing. */
  | { admitted: false; duplicate: true };

/** Below the 15 s in which Teams expects the bot to answer a delivery. */
export const HELD_UNITS_WAIT_MS = 5 * SECOND;

export interface SubscriptionGateDeps {
  store: Store;
  catalog: PlanCatalog;
  clock: Clock;
  enforcement: Config['enforcement'];
  logger: Logger;
  /** The most tokens (prompt + completions) a turn can use: the prompt's input budget + its max output tokens. */
  maxTurnTokens: number;
  /** Checks Microsoft-managed licences (Graph usageRights); without it such plans refuse as "unreachable". */
  licences?: LicenceChecker;
  /**
   * How long a turn refused only by units that turns in flight hold waits for them to settle before it is refused.
   * @defaultValue HELD_UNITS_WAIT_MS
   */
  heldUnitsWaitMs?: number;
}

/**
 * The subscription check of every message turn (DESIGN.md "Entitlement"): tenant and user, the tenant's
 * subscription and its status, a seat on per-seat plans, then the turn's claim on its activity, holding quota
 * atomically before the AI call for the worst case the turn can reach on each hard-capped dimension.
 */
export class SubscriptionGate {
  /** Per tenant, its subscriptions best first (one per offer: rankTenantSubscriptions). */
  private readonly cache = new Map<string, { subscriptions: Subscription[]; expiresAt: number }>();
  /** The current billing period of each subscription, until it ends or the term changes. */
  private readonly periods = new Map<string, { termStart: number | undefined; period: BillingPeriod }>();

  private readonly deps: SubscriptionGateDeps & { heldUnitsWaitMs: number };

  constructor(deps: SubscriptionGateDeps) {
    this.deps = { ...deps, heldUnitsWaitMs: deps.heldUnitsWaitMs ?? HELD_UNITS_WAIT_MS };
  }

  /** The subscription that speaks for a tenant (the best of its offers' ones), cached briefly. */
  async tenantSubscription(tenantId: string, now = this.deps.clock.now().getTime()): Promise<Subscription | undefined> {
    return (await this.tenantSubscriptions(tenantId, now))[0];
  }

  /** The tenant's subscriptions, one per offer, best first, cached briefly. */
  async tenantSubscriptions(tenantId: string, now = this.deps.clock.now().getTime()): Promise<Subscription[]> {
    const hit = this.cached(tenantId, now);
    if (hit) return hit.subscriptions;
    const subscriptions = rankTenantSubscriptions(
      await this.deps.store.subscriptions.listForTenant(tenantId),
      (s) => planOf(this.deps.catalog, s)?.isPricePerSeat === true,
    );
    const ttl = this.deps.enforcement.entitlementCacheMs;
    if (ttl > 0) {
      // Bounded: a flood of unknown tenants must not grow the cache without end.
      if (this.cache.size >= 10_000) this.cache.clear();
      this.cache.set(tenantId, { subscriptions, expiresAt: now + ttl });
    }
    return subscriptions;
  }

  private cached(tenantId: string, now: number): { subscriptions: Subscription[] } | undefined {
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
    const candidates = hit ? hit.subscriptions : await this.tenantSubscriptions(tenantId, now.getTime());
    const chosen = await this.entitledSubscription(
      identity as TurnIdentity & { tenantId: string; userId: string },
      candidates,
      now,
    );
    if ('refusal' in chosen) return { admitted: false, refusal: chosen.refusal };
    const { subscription, plan, notice } = chosen;

    const period = this.periodOf(subscription, now);
    const envelopes = turnEnvelopes(facts, plan, subscription.quantity, this.deps.maxTurnTokens);
    const claim = { tenantId, activityId, subscriptionId: subscription.id, periodStart: period.start, at: now };
    const claimed = await this.claimFirstFitting(claim, envelopes);
    if ('duplicate' in claimed) return { admitted: false, duplicate: true };
    if ('exceeded' in claimed) {
      const { hold, used } = claimed.exceeded;
      return {
        admitted: false,
        refusal: { kind: 'quota-exceeded', subscription, plan, dimension: hold.dimension, used, included: hold.limit, period },
      };
    }
    const ticket: TurnTicket = {
      identity: { ...identity, tenantId, userId, activityId },
      subscription,
      plan,
      period,
      envelope: claimed.envelope,
      startedAt: now,
      startedMonotonicMs: performance.now(),
      textLength: facts.textLength,
      attachmentCount: facts.attachmentCount,
      ...(notice ? { notice } : {}),
    };
    return { admitted: true, ticket };
  }

  /**
   * The first of the tenant's subscriptions (best first) that lets this user in: its status allows turns, its plan
   * is in the catalog, and on a per-user plan the user has (or gets) a seat. A user without a seat on the tenant's
   * per-user subscription falls through to its flat-rate one when it has one; the refusal of the best candidate is
   * the answer when none lets the user in.
   */
  private async entitledSubscription(
    identity: TurnIdentity & { tenantId: string; userId: string },
    candidates: readonly Subscription[],
    now: Date,
  ): Promise<{ subscription: Subscription; plan: Plan; notice?: 'licence-warning' } | { refusal: Refusal }> {
    const { tenantId, userId } = identity;
    let first: Refusal | undefined;
    for (const subscription of candidates.length > 0 ? candidates : [undefined]) {
      const refusal = statusRefusal(subscription);
      if (refusal || !subscription) {
        first ??= refusal ?? { kind: 'no-subscription' };
        continue;
      }
      const plan = planOf(this.deps.catalog, subscription);
      if (!plan) {
        this.deps.logger.error(
          { tenantId, subscriptionId: subscription.id, offerId: subscription.offerId, planId: subscription.planId },
          'subscription on a plan missing from the catalog',
        );
        first ??= { kind: 'unknown-plan', subscription };
        continue;
      }
      // Licences Microsoft manages replace our seats: the admin center assigns them, Graph tells their state.
      if (plan.licenseManagement === 'microsoft') {
        const state = this.deps.licences
          ? await this.deps.licences.check(tenantId, userId, plan.licenseServiceId ?? plan.id)
          : 'unreachable';
        const verdict = licenceVerdict(state);
        if (!verdict.allowed) {
          this.deps.logger.info({ tenantId, subscriptionId: subscription.id, userId, state }, 'no usable licence');
          first ??= { kind: 'no-licence', subscription, state: verdict.state };
          continue;
        }
        return { subscription, plan, ...(verdict.notice ? { notice: verdict.notice } : {}) };
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
          first ??= { kind: 'no-seat', subscription, seats, revoked: claim === 'revoked' };
          continue;
        }
      }
      return { subscription, plan };
    }
    return { refusal: first! };
  }

  /**
   * Claims the activity with the first envelope whose holds fit (largest token ceiling first). Every admitted turn
   * claims, capped or not: the claim is what makes a redelivery to any instance a duplicate. Turns of plans with
   * nothing capped hold nothing and pay this one write. When no envelope fits but the units are taken only by turns
   * in flight (which may settle below their worst case), the turn waits for them a little rather than being refused
   * while the allowance is not spent.
   */
  private async claimFirstFitting(
    claim: Omit<TurnClaim, 'holds'>,
    envelopes: readonly TurnEnvelope[],
  ): Promise<{ envelope: TurnEnvelope } | { duplicate: true } | { exceeded: { hold: QuotaHold; used: number } }> {
    const deadline = performance.now() + this.deps.heldUnitsWaitMs;
    for (let attempt = 0; ; attempt++) {
      let exceeded: { hold: QuotaHold; used: number } | undefined;
      let worthWaiting = false;
      for (const envelope of envelopes) {
        const outcome = await this.deps.store.usage.claim({ ...claim, holds: envelope.holds });
        if (outcome.ok) return { envelope };
        if (outcome.reason === 'duplicate') return { duplicate: true };
        const hold = envelope.holds.find((h) => h.dimension === outcome.dimension)!;
        exceeded = { hold, used: outcome.used };
        worthWaiting ||= mayFreeUp(hold, outcome.used);
      }
      const delay = Math.min(250, 20 * 2 ** attempt) * (0.5 + Math.random());
      if (!worthWaiting || performance.now() + delay > deadline) return { exceeded: exceeded! };
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
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

  /** The turn was not answered (model error, exception): give the claim and its held units back. */
  async release(ticket: TurnTicket): Promise<void> {
    await this.deps.store.usage.release(ticket.identity.tenantId, ticket.identity.activityId);
  }
}
