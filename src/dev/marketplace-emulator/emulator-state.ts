import { DAY, type Clock } from '../../domain/clock';
import { AppError } from '../../domain/errors';
import type { MeteringDimension, Plan } from '../../domain/plans';
import { EmulatorOperations } from './emulator-operations';
import { purchasedRecord, type BuyInput } from './emulator-purchase';
import type {
  CustomerAction,
  EmulatorOperation,
  EmulatorSnapshot,
  EmulatorSubscription,
  MarketplacePlan,
  ResolvedSubscription,
  SubscriptionRecord,
} from './emulator-types';
import { LandingTokens } from './landing-tokens';
import { monthlyTerm } from './marketplace-plan-view';
import type { UsageVerdict } from './metering-rules';
import { MeteringState, type AcceptedUsageRecord } from './metering-state';
import { PartnerCenterCatalog } from './partner-center-catalog';

// The shapes, the plan view and the purchase input, importable from here as well as from their own files.
export type {
  CustomerAction,
  EmulatorOperation,
  EmulatorSnapshot,
  EmulatorSubscription,
  MarketplaceError,
  MarketplaceParty,
  MarketplacePlan,
  OperationAction,
  OperationStatus,
  ResolvedSubscription,
  SubscriptionRecord,
  SubscriptionStatus,
  TermUnit,
} from './emulator-types';
export { CUSTOMER_ACTIONS } from './emulator-types';
export type { BuyInput } from './emulator-purchase';
export { monthlyTerm, toMarketplacePlan } from './marketplace-plan-view';

/**
 * What Azure Marketplace keeps about our offer, and the rules it applies to it: subscriptions, their activation and
 * the Fulfillment API's reads. Each part has its file: purchases emulator-purchase.ts, operations (customer actions,
 * our PATCH/DELETE, their settlement) emulator-operations.ts, landing-page tokens landing-tokens.ts, the published
 * plans partner-center-catalog.ts, accepted usage metering-state.ts (judged against these subscriptions); this class
 * holds them together behind the API the routes and tests call. Synchronous, clock-driven, no HTTP: the routes
 * translate, this decides. Rule violations throw `AppError` (`BadRequest`, `NotFound`, `Conflict`), which the
 * routes map to the Marketplace's status codes and error bodies.
 */

export interface EmulatorStateOptions {
  clock: Clock;
  /** The plans Partner Center has, each with its offer (`offerId`, falling back to `offerId` below). */
  plans: readonly Plan[];
  /** The offers' dimensions (display names and units in `listAvailablePlans`). */
  dimensions?: readonly MeteringDimension[];
  offerId: string;
  publisherId: string;
  /** Lifetime of landing-page tokens; default 24 h. */
  tokenTtlMs?: number;
  snapshot?: EmulatorSnapshot;
  /** Called after every change (the emulator persists then). */
  onChange?: () => void;
}

export const DEFAULT_TOKEN_TTL_MS = DAY;

export class EmulatorState {
  private readonly clock: Clock;
  private readonly catalog: PartnerCenterCatalog;
  private readonly publisherId: string;
  private readonly onChange: () => void;
  /** Insertion order = purchase order: the list API pages over it. */
  private readonly records = new Map<string, SubscriptionRecord>();
  private readonly tokens: LandingTokens;
  private readonly operations: EmulatorOperations;
  private readonly metering: MeteringState;

  constructor(options: EmulatorStateOptions) {
    this.clock = options.clock;
    this.catalog = new PartnerCenterCatalog(options.plans, options.dimensions ?? [], options.offerId);
    this.publisherId = options.publisherId;
    this.onChange = options.onChange ?? (() => {});
    this.tokens = new LandingTokens(this.clock, options.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS);
    this.operations = new EmulatorOperations({ clock: this.clock, catalog: this.catalog, onChange: () => this.onChange() });
    if (options.snapshot) this.load(options.snapshot);
    this.metering = new MeteringState({
      clock: this.clock,
      subscription: (id) => this.records.get(id),
      plan: (id) => this.catalog.plan(id),
      onChange: () => this.onChange(),
      ...(options.snapshot?.usage ? { saved: options.snapshot.usage } : {}),
    });
  }

  /** Partner Center now has these plans (tests of the catalog drift report). Subscriptions keep their plan ids. */
  publish(plans: readonly Plan[], dimensions?: readonly MeteringDimension[]): void {
    this.catalog.publish(plans, dimensions);
  }

  // ---- Customer side ----

  /** A purchase: a PendingFulfillmentStart subscription and a landing-page token for it. */
  buy(input: BuyInput): { subscription: EmulatorSubscription; token: string } {
    this.settle();
    const record = purchasedRecord(input, {
      catalog: this.catalog,
      clock: this.clock,
      publisherId: this.publisherId,
      taken: (subscriptionId) => this.records.has(subscriptionId),
    });
    const subscription = record.subscription;
    this.records.set(subscription.id, record);
    const token = this.tokens.issue(subscription.id);
    this.onChange();
    return { subscription: clone(subscription), token };
  }

  /** A customer-side lifecycle action and its operation (emulator-operations.ts has the rules). */
  startCustomerAction(
    subscriptionId: string,
    action: CustomerAction,
    params: { planId?: string; quantity?: number } = {},
  ): EmulatorOperation {
    this.settle();
    return this.operations.startCustomerAction(this.requireRecord(subscriptionId), action, params);
  }

  /** The Marketplace settles a pending operation on its own (accepted, failed or conflicting). */
  settleOperation(
    subscriptionId: string,
    operationId: string,
    status: 'Succeeded' | 'Failed' | 'Conflict',
    error: { statusCode?: string; message?: string } = {},
  ): EmulatorOperation {
    this.settle();
    return this.operations.settleOperation(this.requireRecord(subscriptionId), operationId, status, error);
  }

  /** Tests: the next PATCH of a pending operation of this subscription finds it settled as `status` (409). */
  settleOnNextPatch(subscriptionId: string, status: 'Succeeded' | 'Failed' | 'Conflict'): void {
    this.requireRecord(subscriptionId);
    this.operations.settleOnNextPatch(subscriptionId, status);
  }

  /** Our webhook refused a change (4xx within the delivery): the operation fails, nothing changes. */
  rejectOperation(operationId: string, statusCode: number, message: string): void {
    this.operations.rejectOperation(operationId, statusCode, message);
  }

  // ---- Fulfillment API (publisher side) ----

  resolve(token: string | undefined): ResolvedSubscription {
    this.settle();
    const sub = this.requireRecord(this.tokens.subscriptionOf(token)).subscription;
    return {
      id: sub.id,
      subscriptionName: sub.name,
      offerId: sub.offerId,
      planId: sub.planId,
      ...(sub.quantity === undefined ? {} : { quantity: sub.quantity }),
      subscription: clone(sub),
    };
  }

  /**
   * Billing starts here. Accepted at once; the subscription reads Subscribed (with its first term) only when the
   * clock reaches now + `delayMs`, as activation is asynchronous in Azure. Activating again an already activated
   * (or activating) subscription with its own plan is accepted and changes nothing.
   */
  activate(subscriptionId: string, body: { planId?: unknown; quantity?: unknown }, delayMs: number): void {
    this.settle();
    const record = this.requireRecord(subscriptionId);
    const sub = record.subscription;
    if (typeof body.planId !== 'string' || body.planId === '') throw new AppError('BadRequest', 'The planId field is required.');
    if (body.planId !== sub.planId)
      throw new AppError('BadRequest', `The planId ${body.planId} does not match the subscription's plan ${sub.planId}.`);
    if (sub.saasSubscriptionStatus === 'Subscribed' || record.pendingActivation) return;
    if (sub.saasSubscriptionStatus !== 'PendingFulfillmentStart') {
      throw new AppError('BadRequest', `A ${sub.saasSubscriptionStatus} subscription cannot be activated.`);
    }
    const now = this.clock.now();
    record.pendingActivation = { at: new Date(now.getTime() + Math.max(0, delayMs)).toISOString(), term: monthlyTerm(now) };
    this.onChange();
    this.settle();
  }

  subscription(subscriptionId: string): EmulatorSubscription | undefined {
    this.settle();
    const sub = this.records.get(subscriptionId)?.subscription;
    return sub && clone(sub);
  }

  getSubscription(subscriptionId: string): EmulatorSubscription {
    this.settle();
    return clone(this.requireRecord(subscriptionId).subscription);
  }

  subscriptions(): EmulatorSubscription[] {
    this.settle();
    return [...this.records.values()].map((r) => clone(r.subscription));
  }

  /** One page of the list API. The continuation token is opaque to callers (an offset here). */
  listPage(
    continuationToken: string | undefined,
    pageSize: number,
  ): { subscriptions: EmulatorSubscription[]; continuationToken?: string } {
    this.settle();
    let offset = 0;
    if (continuationToken) {
      const match = /^o:(\d+)$/.exec(Buffer.from(continuationToken, 'base64url').toString('utf8'));
      if (!match) throw new AppError('BadRequest', 'The continuationToken is not valid.');
      offset = Number(match[1]);
    }
    const all = [...this.records.values()];
    const page = all.slice(offset, offset + pageSize).map((r) => clone(r.subscription));
    const next = offset + pageSize;
    return next < all.length
      ? { subscriptions: page, continuationToken: Buffer.from(`o:${next}`).toString('base64url') }
      : { subscriptions: page };
  }

  /** The plans of the subscription's offer its beneficiary may have: private plans only for their tenants. */
  availablePlans(subscriptionId: string): MarketplacePlan[] {
    return this.catalog.availablePlans(this.requireRecord(subscriptionId).subscription);
  }

  /** PATCH subscription: plan or quantity (never both). Applied at once; the operation is Succeeded. */
  publisherUpdate(subscriptionId: string, body: { planId?: unknown; quantity?: unknown }): EmulatorOperation {
    this.settle();
    return this.operations.publisherUpdate(this.requireRecord(subscriptionId), body);
  }

  /** DELETE subscription: Unsubscribed at once; the operation is Succeeded. */
  publisherDelete(subscriptionId: string): EmulatorOperation {
    this.settle();
    return this.operations.publisherDelete(this.requireRecord(subscriptionId));
  }

  pendingOperations(subscriptionId: string): EmulatorOperation[] {
    this.requireRecord(subscriptionId);
    return this.operations.pendingOperations(subscriptionId);
  }

  operation(subscriptionId: string, operationId: string): EmulatorOperation | undefined {
    return this.operations.operation(subscriptionId, operationId);
  }

  getOperation(subscriptionId: string, operationId: string): EmulatorOperation {
    this.requireRecord(subscriptionId);
    const op = this.operation(subscriptionId, operationId);
    if (!op) throw new AppError('NotFound', `Operation ${operationId} was not found.`);
    return op;
  }

  /** The publisher settles an operation: `Success` applies the change, `Failure` leaves everything as it was. */
  updateOperation(subscriptionId: string, operationId: string, body: { status?: unknown }): EmulatorOperation {
    this.settle();
    return this.operations.updateOperation(this.requireRecord(subscriptionId), operationId, body);
  }

  // ---- Metering API ----

  /** Judges one event and keeps it when accepted. */
  submitUsage(event: unknown): UsageVerdict {
    this.settle();
    return this.metering.submit(event);
  }

  acceptedUsage(): AcceptedUsageRecord[] {
    return this.metering.accepted();
  }

  snapshot(): EmulatorSnapshot {
    this.settle();
    return clone({
      version: 1 as const,
      subscriptions: [...this.records.values()],
      tokens: this.tokens.all(),
      operations: this.operations.all(),
      usage: this.metering.accepted(),
    });
  }

  /** Applies activations whose time has come. Every public method starts here, so reads see the clock's truth. */
  settle(): void {
    const now = this.clock.now().getTime();
    let changed = false;
    for (const record of this.records.values()) {
      const pending = record.pendingActivation;
      if (!pending || new Date(pending.at).getTime() > now) continue;
      const sub = record.subscription;
      if (sub.saasSubscriptionStatus === 'PendingFulfillmentStart') {
        sub.saasSubscriptionStatus = 'Subscribed';
        sub.term = pending.term;
        sub.lastModified = pending.at;
        record.activatedAt = pending.at;
      }
      delete record.pendingActivation;
      changed = true;
    }
    if (changed) this.onChange();
  }

  // ---- Internals ----

  private load(snapshot: EmulatorSnapshot): void {
    if (snapshot?.version !== 1 || !Array.isArray(snapshot.subscriptions))
      throw new Error('not an emulator state snapshot (version 1)');
    for (const r of snapshot.subscriptions) this.records.set(r.subscription.id, r);
    this.tokens.load(snapshot.tokens ?? []);
    this.operations.load(snapshot.operations ?? []);
  }

  private requireRecord(subscriptionId: string): SubscriptionRecord {
    const record = this.records.get(subscriptionId);
    if (!record) throw new AppError('NotFound', `Subscription ${subscriptionId} was not found.`);
    return record;
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
