import type { Clock } from '../domain/clock';
import { definedOnly } from '../domain/defined';
import { adminsOnActivation, describeUser, type LandingAccess, type SignedInUser } from '../domain/landing-access';
import { planOf, type PlanCatalog } from '../domain/plans';
import type { Subscription } from '../domain/subscription';
import { isFinal } from '../domain/subscription-lifecycle';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { Telemetry } from '../telemetry/telemetry';
import { isBadRequest, isNotFound, type FulfillmentApi } from './fulfillment-client';
import { MarketplaceApiError } from './marketplace-http';
import { toDomainSubscription } from './subscription-mapping';

export type ResolveOutcome = { outcome: 'resolved'; subscription: Subscription } | { outcome: 'invalid-token' };

export type ActivationOutcome =
  | { outcome: 'activated'; subscription: Subscription }
  /** Accepted by the Marketplace but not `Subscribed` yet within our wait: the page says so and offers a refresh. */
  | { outcome: 'pending'; subscription: Subscription }
  | { outcome: 'refused'; reason: ActivationRefusal };

/** Why a subscription cannot be activated: the landing page words it in the buyer's language. */
export type ActivationRefusal =
  /** Not stored here (the browser must resolve the Marketplace's link first). */
  | { kind: 'unknown-subscription' }
  | { kind: 'not-active'; status: 'Suspended' | 'Unsubscribed' }
  /** The plan, within the subscription's offer, is not in our catalog. */
  | { kind: 'plan-not-offered'; planId: string; offerId: string }
  /** The Marketplace answered Activate with 400 or 404. */
  | { kind: 'marketplace-refused' };

const refused = (reason: ActivationRefusal): ActivationOutcome => ({ outcome: 'refused', reason });

/**
 * The buyer's side of fulfillment (DESIGN.md "Landing page"): resolve the landing token, store the subscription,
 * activate it, confirm with GET until `Subscribed` (activation is asynchronous), and make the admins of
 * `adminsOnActivation` (the purchaser, and the signed-in activator of the beneficiary's tenant). Who activated and who
 * signed in are recorded in the subscription's operations.
 */
export class PurchaseActivation {
  constructor(
    private readonly deps: {
      store: Store;
      fulfillment: FulfillmentApi;
      catalog: PlanCatalog;
      clock: Clock;
      logger: Logger;
      onTenantChanged: (tenantId: string) => void;
      /** How long to wait for `Subscribed` after activate. */
      waitMs: number;
      sleep?: (ms: number) => Promise<void>;
      telemetry?: Telemetry;
    },
  ) {}

  async resolve(marketplaceToken: string): Promise<ResolveOutcome> {
    let resolved;
    try {
      resolved = await this.deps.fulfillment.resolve(marketplaceToken);
    } catch (thrown) {
      // 400: a bad or expired token (tokens live about 24 hours). 403/404 mean the same to the buyer.
      if (thrown instanceof MarketplaceApiError && thrown.status !== undefined && thrown.status < 500) {
        this.deps.logger.info({ status: thrown.status, requestId: thrown.requestId }, 'landing token did not resolve');
        return { outcome: 'invalid-token' };
      }
      throw thrown;
    }
    const api = resolved.subscription ?? (await this.deps.fulfillment.getSubscription(resolved.subscriptionId));
    const existing = await this.deps.store.subscriptions.get(resolved.subscriptionId);
    const subscription = toDomainSubscription(
      { ...api, id: resolved.subscriptionId, ...definedOnly({ planId: api.planId ?? resolved.planId, name: api.name ?? resolved.subscriptionName }) },
      existing,
      this.deps.clock.now(),
    );
    await this.deps.store.subscriptions.upsert(subscription);
    this.deps.logger.info(
      { subscriptionId: subscription.id, status: subscription.status, planId: subscription.planId },
      'landing token resolved',
    );
    return { outcome: 'resolved', subscription };
  }

  /**
   * A signed-in user was shown a subscription (`Applied`) or refused it (`Rejected`): the operations log says who
   * looked at a purchase, and who tried to without the right.
   */
  async recordSignIn(subscriptionId: string, user: SignedInUser, access: LandingAccess): Promise<void> {
    await this.deps.store.operations.apply({
      record: {
        subscriptionId,
        action: 'SignIn',
        source: 'landing',
        status: access.allowed ? 'Applied' : 'Rejected',
        detail: access.allowed
          ? `${describeUser(user)} as ${access.role}`
          : `${describeUser(user)}: not of the purchaser's or beneficiary's tenant`,
        createdAt: this.deps.clock.now(),
      },
    });
  }

  /** `activator`: the signed-in user who pressed Activate (absent only when sign-in is off, in development). */
  async activate(subscriptionId: string, activator?: SignedInUser): Promise<ActivationOutcome> {
    const stored = await this.deps.store.subscriptions.get(subscriptionId);
    if (!stored) return refused({ kind: 'unknown-subscription' });
    const current = toDomainSubscription(
      await this.deps.fulfillment.getSubscription(subscriptionId),
      stored,
      this.deps.clock.now(),
    );
    if (current.status === 'Unsubscribed' || current.status === 'Suspended') {
      await this.deps.store.subscriptions.upsert(current);
      return refused({ kind: 'not-active', status: current.status });
    }
    if (current.status !== 'Subscribed') {
      // The plan within the subscription's offer: this deployment may sell several offers, and a plan id of one
      // offer bought through another is not ours to activate.
      const plan = planOf(this.deps.catalog, current);
      if (!plan) return refused({ kind: 'plan-not-offered', planId: current.planId, offerId: current.offerId });
      try {
        await this.deps.fulfillment.activate(subscriptionId, {
          planId: current.planId,
          ...(plan.isPricePerSeat && current.quantity !== undefined ? { quantity: current.quantity } : {}),
        });
      } catch (thrown) {
        if (isBadRequest(thrown) || isNotFound(thrown)) {
          this.deps.logger.warn(
            { subscriptionId, requestId: (thrown as MarketplaceApiError).requestId },
            'activation refused by the Marketplace',
          );
          return refused({ kind: 'marketplace-refused' });
        }
        throw thrown;
      }
    }
    return this.confirm(subscriptionId, activator);
  }

  /**
   * After activate (or when the buyer checks again): waits for `Subscribed`, then records the activation, makes
   * the purchaser an admin and lets the tenant in.
   */
  async confirm(subscriptionId: string, activator?: SignedInUser): Promise<ActivationOutcome> {
    const stored = await this.deps.store.subscriptions.get(subscriptionId);
    if (!stored) return refused({ kind: 'unknown-subscription' });
    // Unsubscribed is final: a landing page opened again after a cancellation never brings it back.
    if (isFinal(stored.status)) return refused({ kind: 'not-active', status: 'Unsubscribed' });
    const current = await this.waitForSubscribed(subscriptionId, stored);
    const now = this.deps.clock.now();
    if (current.status !== 'Subscribed') {
      await this.deps.store.subscriptions.upsert(current);
      return { outcome: 'pending', subscription: current };
    }
    const activated: Subscription = { ...current, activatedAt: stored.activatedAt ?? now, updatedAt: now };
    // Already recorded (a refresh of the success page): nothing more to do.
    if (stored.status === 'Subscribed' && stored.activatedAt) return { outcome: 'activated', subscription: activated };
    await this.deps.store.operations.apply({
      record: {
        subscriptionId,
        action: 'Activate',
        source: 'landing',
        status: 'Applied',
        fromStatus: stored.status,
        toStatus: 'Subscribed',
        fromPlanId: stored.planId,
        toPlanId: activated.planId,
        ...(activated.quantity !== undefined ? { toQuantity: activated.quantity } : {}),
        detail: activator ? `activated by ${describeUser(activator)}` : 'activated without sign-in (development)',
        createdAt: now,
      },
      subscription: activated,
    });
    await this.grantAdmins(activated, activator, now);
    if (activated.beneficiary.tenantId) this.deps.onTenantChanged(activated.beneficiary.tenantId);
    this.deps.logger.info(
      { subscriptionId, tenantId: activated.beneficiary.tenantId, planId: activated.planId },
      'subscription activated',
    );
    this.deps.telemetry?.subscriptionEvent('SubscriptionActivated', {
      subscriptionId,
      tenantId: activated.beneficiary.tenantId,
      planId: activated.planId,
      quantity: activated.quantity,
      isTest: activated.isTest,
    });
    return { outcome: 'activated', subscription: activated };
  }

  /** GET until `Subscribed` or the wait is over, backing off from 250 ms to 2 s. */
  private async waitForSubscribed(subscriptionId: string, current: Subscription): Promise<Subscription> {
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const giveUpAt = Date.now() + this.deps.waitMs;
    for (let delay = 250; ; delay = Math.min(2000, delay * 2)) {
      current = toDomainSubscription(await this.deps.fulfillment.getSubscription(subscriptionId), current, this.deps.clock.now());
      if (current.status === 'Subscribed' || Date.now() + delay > giveUpAt) return current;
      await sleep(delay);
    }
  }

  /** The admins of the app in the beneficiary's tenant, by the rule of src/domain/landing-access.ts. */
  private async grantAdmins(subscription: Subscription, activator: SignedInUser | undefined, at: Date): Promise<void> {
    const tenantId = subscription.beneficiary.tenantId;
    if (!tenantId) return;
    for (const admin of adminsOnActivation(subscription, activator)) {
      await this.deps.store.admins.add({
        tenantId,
        userId: admin.userId,
        ...(admin.userName ? { userName: admin.userName } : {}),
        addedBy: admin.reason === 'purchaser' ? 'activation' : 'activation (activator)',
        addedAt: at,
      });
    }
  }
}
