import { randomBytes, randomUUID } from 'node:crypto';
import { DAY, type Clock } from '../../domain/clock';
import { AppError } from '../../domain/errors';
import { addMonthsClamped } from '../../domain/periods';
import { TERM_MONTHS } from '../../domain/partner-center-rules';
import { isPlanVisibleTo, type MeteringDimension, type Plan } from '../../domain/plans';
import type { UsageVerdict } from './metering-rules';
import { MeteringState, type AcceptedUsageRecord } from './metering-state';
import type { LicenceRecord } from './emulator-licences';

/**
 * What Azure Marketplace keeps about our offer, and the rules it applies to it: subscriptions and their lifecycle,
 * landing-page tokens, operations; accepted usage is metering-state.ts's, judged against these subscriptions.
 * Synchronous, clock-driven, no HTTP: the routes translate, this
 * decides. Rule violations throw `AppError` (`BadRequest`, `NotFound`, `Conflict`), which the routes map to the
 * Marketplace's status codes and error bodies.
 */

// ---- The Marketplace's JSON shapes (Fulfillment API v2) ----

export type SubscriptionStatus = 'NotStarted' | 'PendingFulfillmentStart' | 'Subscribed' | 'Suspended' | 'Unsubscribed';
export type TermUnit = 'P1M' | 'P1Y' | 'P2Y' | 'P3Y';
export type OperationAction = 'ChangePlan' | 'ChangeQuantity' | 'Suspend' | 'Reinstate' | 'Renew' | 'Unsubscribe';
export type CustomerAction = OperationAction;
export const CUSTOMER_ACTIONS: readonly CustomerAction[] = [
  'ChangePlan',
  'ChangeQuantity',
  'Suspend',
  'Reinstate',
  'Renew',
  'Unsubscribe',
];
export type OperationStatus = 'NotStarted' | 'InProgress' | 'Succeeded' | 'Failed' | 'Conflict';

export interface MarketplaceParty {
  emailId: string;
  objectId: string;
  tenantId: string;
  puid: string;
}

export interface EmulatorSubscription {
  id: string;
  publisherId: string;
  offerId: string;
  name: string;
  saasSubscriptionStatus: SubscriptionStatus;
  beneficiary: MarketplaceParty;
  purchaser: MarketplaceParty;
  planId: string;
  /** Seats; only on per-seat plans. */
  quantity?: number;
  /** Empty until activation. `endDate` is the term's last day (inclusive), as the real API returns it. */
  term: { startDate?: string; endDate?: string; termUnit?: TermUnit };
  autoRenew: boolean;
  isTest: boolean;
  isFreeTrial: boolean;
  allowedCustomerOperations: ('Read' | 'Update' | 'Delete')[];
  sandboxType: 'None' | 'Csp';
  sessionMode: 'None' | 'DryRun';
  created: string;
  lastModified: string;
}

export interface EmulatorOperation {
  id: string;
  activityId: string;
  subscriptionId: string;
  offerId: string;
  publisherId: string;
  planId: string;
  quantity?: number;
  action: OperationAction;
  timeStamp: string;
  status: OperationStatus;
  errorStatusCode: string;
  errorMessage: string;
  /** `Azure` = the customer acted (in the Marketplace), `Partner` = we called the API. */
  operationRequestSource: 'Azure' | 'Partner';
}

export interface ResolvedSubscription {
  id: string;
  subscriptionName: string;
  offerId: string;
  planId: string;
  quantity?: number;
  subscription: EmulatorSubscription;
}

/** An item of `listAvailablePlans`. */
export interface MarketplacePlan {
  planId: string;
  displayName: string;
  description: string;
  isPrivate: boolean;
  isStopSell: boolean;
  hasFreeTrials: boolean;
  isPricePerSeat: boolean;
  minQuantity?: number;
  maxQuantity?: number;
  planComponents: {
    recurrentBillingTerms: {
      termUnit: TermUnit;
      price: number;
      currency: string;
      meteredQuantityIncluded: { dimensionId: string; units: string }[];
    }[];
    meteringDimensions: { id: string; currency: string; pricePerUnit: number; unitOfMeasure: string; displayName: string }[];
  };
}

/** The Marketplace's error body. */
export interface MarketplaceError {
  code: string;
  message: string;
  target?: string;
  details?: { code: string; message: string; target?: string }[];
  additionalInfo?: { acceptedMessage: Record<string, unknown> };
}

// ---- What the emulator keeps ----

export interface SubscriptionRecord {
  subscription: EmulatorSubscription;
  /** Set by activate: the subscription reads Subscribed, with this term, once the clock reaches `at`. */
  pendingActivation?: { at: string; term: EmulatorSubscription['term'] };
  activatedAt?: string;
  unsubscribedAt?: string;
  /** Which plan was in force from when: a usage event is judged against the plan of its hour. */
  planHistory: { planId: string; from: string }[];
}

interface TokenRecord {
  token: string;
  subscriptionId: string;
  expiresAt: string;
}

/** The persisted form (JSON). The signing key is not part of it. */
export interface EmulatorSnapshot {
  version: 1;
  subscriptions: SubscriptionRecord[];
  tokens: TokenRecord[];
  operations: EmulatorOperation[];
  usage: AcceptedUsageRecord[];
  /** Microsoft-managed licences (emulator-licences.ts); absent in files saved before they were kept. */
  licences?: LicenceRecord[];
}

export interface BuyInput {
  planId: string;
  quantity?: number;
  tenantId: string;
  objectId?: string;
  email?: string;
  name?: string;
  purchaserTenantId?: string;
  /** Start with the plan's free trial (default: when the plan offers one, as a buyer in AppSource would). */
  freeTrial?: boolean;
  /**
   * Development and tests only: the subscription is created already activated at this (past) time, as if bought and
   * activated then. Simulations use it to have usage in past hours accepted.
   */
  activatedAt?: Date;
  /**
   * Development only, with `activatedAt`: mirrors a subscription the bot already has (its dev seed), under that id
   * and in that state, so that the page can act on it. An id the emulator already has is refused.
   */
  existing?: { subscriptionId: string; status: 'Subscribed' | 'Suspended' | 'Unsubscribed' };
}

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
const PENDING: readonly OperationStatus[] = ['NotStarted', 'InProgress'];
const IN_PROGRESS_MESSAGE =
  'Another operation is in progress on the resource. Wait for pending operations to complete then try again.';

export class EmulatorState {
  private readonly clock: Clock;
  private plans: readonly Plan[];
  private dimensions: readonly MeteringDimension[];
  private readonly offerId: string;
  private readonly publisherId: string;
  private readonly tokenTtlMs: number;
  private readonly onChange: () => void;
  /** Insertion order = purchase order: the list API pages over it. */
  private readonly records = new Map<string, SubscriptionRecord>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly operations = new Map<string, EmulatorOperation>();
  private readonly metering: MeteringState;
  /** Armed by settleOnNextPatch (tests): per subscription, how the Marketplace settles an operation before our PATCH. */
  private readonly patchRaces = new Map<string, 'Succeeded' | 'Failed' | 'Conflict'>();

  constructor(options: EmulatorStateOptions) {
    this.clock = options.clock;
    this.plans = options.plans;
    this.dimensions = options.dimensions ?? [];
    this.offerId = options.offerId;
    this.publisherId = options.publisherId;
    this.tokenTtlMs = options.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS;
    this.onChange = options.onChange ?? (() => {});
    if (options.snapshot) this.load(options.snapshot);
    this.metering = new MeteringState({
      clock: this.clock,
      subscription: (id) => this.records.get(id),
      plan: (id) => this.plans.find((p) => p.id === id),
      onChange: () => this.onChange(),
      ...(options.snapshot?.usage ? { saved: options.snapshot.usage } : {}),
    });
  }

  /** Partner Center now has these plans (tests of the catalog drift report). Subscriptions keep their plan ids. */
  publish(plans: readonly Plan[], dimensions?: readonly MeteringDimension[]): void {
    this.plans = plans;
    if (dimensions) this.dimensions = dimensions;
  }

  // ---- Customer side ----

  /** A purchase: a PendingFulfillmentStart subscription and a landing-page token for it. */
  buy(input: BuyInput): { subscription: EmulatorSubscription; token: string } {
    this.settle();
    const plan = this.requirePlan(input.planId);
    if (typeof input.tenantId !== 'string' || input.tenantId.trim() === '')
      throw new AppError('BadRequest', 'The beneficiary tenant id is required.');
    if (!isPlanVisibleTo(plan, input.tenantId.trim()))
      throw new AppError('BadRequest', `Plan ${plan.id} is private and not offered to tenant ${input.tenantId.trim()}.`);
    if (input.existing && (!input.activatedAt || this.records.has(input.existing.subscriptionId)))
      throw new AppError('Conflict', `Subscription ${input.existing.subscriptionId} exists already, or has no activation time.`);
    const now = this.nowIso();
    const party = (tenantId: string): MarketplaceParty => ({
      emailId: input.email?.trim() || 'buyer@contoso.example',
      objectId: input.objectId?.trim() || randomUUID(),
      tenantId,
      puid: randomBytes(8).toString('hex').toUpperCase(),
    });
    const subscription: EmulatorSubscription = {
      id: input.existing?.subscriptionId ?? randomUUID(),
      publisherId: plan.publisherId || this.publisherId,
      offerId: this.offerOf(plan),
      name: input.name?.trim() || `${plan.displayName} subscription`,
      saasSubscriptionStatus: 'PendingFulfillmentStart',
      beneficiary: party(input.tenantId.trim()),
      purchaser: party(input.purchaserTenantId?.trim() || input.tenantId.trim()),
      planId: plan.id,
      ...this.quantityFor(plan, input.quantity),
      term: {},
      autoRenew: true,
      isTest: false,
      isFreeTrial: (input.freeTrial ?? plan.freeTrial) && plan.freeTrial,
      allowedCustomerOperations: ['Delete', 'Update', 'Read'],
      sandboxType: 'None',
      sessionMode: 'None',
      created: now,
      lastModified: now,
    };
    const record: SubscriptionRecord = { subscription, planHistory: [{ planId: plan.id, from: now }] };
    if (input.existing?.status === 'Unsubscribed') record.unsubscribedAt = now;
    if (input.activatedAt) {
      const at = input.activatedAt.toISOString();
      subscription.saasSubscriptionStatus = input.existing?.status ?? 'Subscribed';
      subscription.term = monthlyTerm(input.activatedAt);
      subscription.created = at;
      record.activatedAt = at;
      record.planHistory = [{ planId: plan.id, from: at }];
    }
    this.records.set(subscription.id, record);
    const token = this.issueToken(subscription.id);
    this.onChange();
    return { subscription: clone(subscription), token };
  }

  /**
   * A customer-side lifecycle action. Notifications (Suspend, Reinstate, Renew, Unsubscribe) are applied at once and
   * their operation Succeeded; ChangePlan/ChangeQuantity create an InProgress operation and change nothing until
   * the publisher PATCHes it.
   */
  startCustomerAction(
    subscriptionId: string,
    action: CustomerAction,
    params: { planId?: string; quantity?: number } = {},
  ): EmulatorOperation {
    this.settle();
    const record = this.requireRecord(subscriptionId);
    const sub = record.subscription;
    const status = sub.saasSubscriptionStatus;
    const expect = (...allowed: SubscriptionStatus[]) => {
      if (!allowed.includes(status))
        throw new AppError(
          'BadRequest',
          `${action} is not possible on a ${status} subscription (needs ${allowed.join(' or ')}).`,
        );
    };
    if (this.pendingOperationsOf(subscriptionId).length > 0) throw new AppError('Conflict', IN_PROGRESS_MESSAGE);
    const now = this.nowIso();
    switch (action) {
      case 'ChangePlan': {
        expect('Subscribed');
        const plan = this.requirePlanFor(sub, params.planId);
        if (plan.id === sub.planId) throw new AppError('BadRequest', `The subscription is already on plan ${plan.id}.`);
        return this.addOperation(sub, {
          action,
          source: 'Azure',
          status: 'InProgress',
          planId: plan.id,
          // The seats typed with the new plan (the page's form has both), else the current ones, fitted to it.
          ...(params.quantity === undefined
            ? this.quantityFor(plan, sub.quantity, true)
            : this.quantityFor(plan, params.quantity)),
        });
      }
      case 'ChangeQuantity': {
        expect('Subscribed');
        const quantity = this.checkSeatChange(sub, params.quantity);
        return this.addOperation(sub, { action, source: 'Azure', status: 'InProgress', planId: sub.planId, quantity });
      }
      case 'Suspend':
        expect('Subscribed');
        this.setStatus(record, 'Suspended', now);
        break;
      case 'Reinstate':
        expect('Suspended');
        this.setStatus(record, 'Subscribed', now);
        break;
      case 'Renew': {
        expect('Subscribed');
        // The term's endDate is its last day: the next term starts the day after.
        const previousEnd = sub.term.endDate ? new Date(sub.term.endDate).getTime() + DAY : undefined;
        sub.term = monthlyTerm(new Date(previousEnd ?? this.clock.now().getTime()));
        // A free trial is the first (one-month) term; renewing it is its conversion: the next term is paid.
        sub.isFreeTrial = false;
        sub.lastModified = now;
        break;
      }
      case 'Unsubscribe':
        expect('Subscribed', 'Suspended');
        this.setStatus(record, 'Unsubscribed', now);
        break;
      default:
        throw new AppError('BadRequest', `Unknown action ${String(action)}.`);
    }
    return this.addOperation(sub, { action, source: 'Azure', status: 'Succeeded', planId: sub.planId, quantity: sub.quantity });
  }

  /**
   * The Marketplace settles a pending operation on its own, as Azure does when the publisher does not answer in time
   * (accepted: the change is applied) or when it fails or conflicts (nothing changes). Tests use it to produce
   * operations whose GET says Failed or Conflict, and late deliveries of operations already settled.
   */
  settleOperation(
    subscriptionId: string,
    operationId: string,
    status: 'Succeeded' | 'Failed' | 'Conflict',
    error: { statusCode?: string; message?: string } = {},
  ): EmulatorOperation {
    this.settle();
    const record = this.requireRecord(subscriptionId);
    const op = this.operations.get(operationId);
    if (!op || op.subscriptionId !== subscriptionId) throw new AppError('NotFound', `Operation ${operationId} was not found.`);
    if (!PENDING.includes(op.status)) throw new AppError('Conflict', `Operation ${operationId} is already ${op.status}.`);
    op.status = status;
    if (status === 'Succeeded') this.applyChange(record, op);
    else {
      op.errorStatusCode = error.statusCode ?? (status === 'Conflict' ? '409' : '400');
      op.errorMessage = error.message ?? `The operation ${status === 'Conflict' ? 'conflicts with another one' : 'failed'}.`;
      this.onChange();
    }
    return clone(op);
  }

  /**
   * Arms a race for tests: the next PATCH of a pending operation of this subscription finds it already settled by
   * the Marketplace (as `status`, through settleOperation) and is answered 409, as in Azure when the publisher's
   * answer comes after the Marketplace's own decision.
   */
  settleOnNextPatch(subscriptionId: string, status: 'Succeeded' | 'Failed' | 'Conflict'): void {
    this.requireRecord(subscriptionId);
    this.patchRaces.set(subscriptionId, status);
  }

  /** Our webhook refused a change (4xx within the delivery): the operation fails, nothing changes. */
  rejectOperation(operationId: string, statusCode: number, message: string): void {
    const op = this.operations.get(operationId);
    if (!op || !PENDING.includes(op.status)) return;
    op.status = 'Failed';
    op.errorStatusCode = String(statusCode);
    op.errorMessage = message;
    this.onChange();
  }

  // ---- Fulfillment API (publisher side) ----

  resolve(token: string | undefined): ResolvedSubscription {
    this.settle();
    // Exact match on purpose: a '+' turned into ' ' by a careless decode must fail here, as it does in Azure.
    const entry = token ? this.tokens.get(token) : undefined;
    if (!entry || new Date(entry.expiresAt).getTime() <= this.clock.now().getTime()) {
      throw new AppError('BadRequest', 'The x-ms-marketplace-token is missing, malformed, or expired.');
    }
    const sub = this.requireRecord(entry.subscriptionId).subscription;
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
    const sub = this.requireRecord(subscriptionId).subscription;
    return this.plans
      .filter((p) => this.offerOf(p) === sub.offerId && isPlanVisibleTo(p, sub.beneficiary.tenantId))
      .map((p) => toMarketplacePlan(p, this.dimensions));
  }

  /** PATCH subscription: plan or quantity (never both). Applied at once; the operation is Succeeded. */
  publisherUpdate(subscriptionId: string, body: { planId?: unknown; quantity?: unknown }): EmulatorOperation {
    this.settle();
    const record = this.requireRecord(subscriptionId);
    const sub = record.subscription;
    const hasPlan = body.planId !== undefined && body.planId !== null;
    const hasQuantity = body.quantity !== undefined && body.quantity !== null;
    if (hasPlan === hasQuantity) throw new AppError('BadRequest', 'Send either planId or quantity, not both and not neither.');
    if (sub.saasSubscriptionStatus !== 'Subscribed')
      throw new AppError('BadRequest', `A ${sub.saasSubscriptionStatus} subscription cannot be changed.`);
    if (this.pendingOperationsOf(subscriptionId).length > 0) throw new AppError('Conflict', IN_PROGRESS_MESSAGE);
    let change: { action: 'ChangePlan' | 'ChangeQuantity'; planId: string; quantity?: number };
    if (hasPlan) {
      const plan = this.requirePlanFor(sub, body.planId);
      if (plan.id === sub.planId) throw new AppError('BadRequest', `The subscription is already on plan ${plan.id}.`);
      change = { action: 'ChangePlan', planId: plan.id, ...this.quantityFor(plan, sub.quantity, true) };
    } else {
      change = { action: 'ChangeQuantity', planId: sub.planId, quantity: this.checkSeatChange(sub, body.quantity) };
    }
    const op = this.addOperation(sub, { ...change, source: 'Partner', status: 'Succeeded' });
    this.applyChange(record, op);
    return op;
  }

  /** DELETE subscription: Unsubscribed at once; the operation is Succeeded. */
  publisherDelete(subscriptionId: string): EmulatorOperation {
    this.settle();
    const record = this.requireRecord(subscriptionId);
    const sub = record.subscription;
    if (sub.saasSubscriptionStatus === 'Unsubscribed')
      throw new AppError('BadRequest', 'The subscription is already Unsubscribed.');
    if (this.pendingOperationsOf(subscriptionId).length > 0) throw new AppError('Conflict', IN_PROGRESS_MESSAGE);
    this.setStatus(record, 'Unsubscribed', this.nowIso());
    return this.addOperation(sub, {
      action: 'Unsubscribe',
      source: 'Partner',
      status: 'Succeeded',
      planId: sub.planId,
      quantity: sub.quantity,
    });
  }

  pendingOperations(subscriptionId: string): EmulatorOperation[] {
    this.requireRecord(subscriptionId);
    return this.pendingOperationsOf(subscriptionId).map(clone);
  }

  operation(subscriptionId: string, operationId: string): EmulatorOperation | undefined {
    const op = this.operations.get(operationId);
    return op && op.subscriptionId === subscriptionId ? clone(op) : undefined;
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
    const record = this.requireRecord(subscriptionId);
    const op = this.operations.get(operationId);
    if (!op || op.subscriptionId !== subscriptionId) throw new AppError('NotFound', `Operation ${operationId} was not found.`);
    if (body.status !== 'Success' && body.status !== 'Failure')
      throw new AppError('BadRequest', 'The status field must be Success or Failure.');
    const race = this.patchRaces.get(subscriptionId);
    if (race && PENDING.includes(op.status)) {
      this.patchRaces.delete(subscriptionId);
      this.settleOperation(subscriptionId, operationId, race);
    }
    if (!PENDING.includes(op.status)) throw new AppError('Conflict', `Operation ${operationId} is already ${op.status}.`);
    if (body.status === 'Success') {
      op.status = 'Succeeded';
      this.applyChange(record, op);
    } else {
      op.status = 'Failed';
      this.onChange();
    }
    return clone(op);
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
      tokens: [...this.tokens.values()],
      operations: [...this.operations.values()],
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
    for (const t of snapshot.tokens ?? []) this.tokens.set(t.token, t);
    for (const o of snapshot.operations ?? []) this.operations.set(o.id, o);
  }

  /** A token like Azure's: long, base64, and always with a '+' and a '/' so that decoding mistakes show. */
  private issueToken(subscriptionId: string): string {
    const now = this.clock.now().getTime();
    for (const [key, t] of this.tokens) if (new Date(t.expiresAt).getTime() <= now) this.tokens.delete(key);
    let token: string;
    do token = randomBytes(48).toString('base64');
    while (!token.includes('+') || !token.includes('/'));
    this.tokens.set(token, { token, subscriptionId, expiresAt: new Date(now + this.tokenTtlMs).toISOString() });
    return token;
  }

  private setStatus(record: SubscriptionRecord, status: SubscriptionStatus, at: string): void {
    record.subscription.saasSubscriptionStatus = status;
    record.subscription.lastModified = at;
    if (status === 'Unsubscribed') record.unsubscribedAt = at;
  }

  private applyChange(record: SubscriptionRecord, op: EmulatorOperation): void {
    const sub = record.subscription;
    const now = this.nowIso();
    if (op.action === 'ChangePlan' && op.planId !== sub.planId) {
      sub.planId = op.planId;
      record.planHistory.push({ planId: op.planId, from: now });
    }
    if (op.action === 'ChangePlan' || op.action === 'ChangeQuantity') {
      if (op.quantity === undefined) delete sub.quantity;
      else sub.quantity = op.quantity;
      sub.lastModified = now;
    }
    this.onChange();
  }

  private addOperation(
    sub: EmulatorSubscription,
    o: { action: OperationAction; source: 'Azure' | 'Partner'; status: OperationStatus; planId: string; quantity?: number | undefined },
  ): EmulatorOperation {
    const op: EmulatorOperation = {
      id: randomUUID(),
      activityId: randomUUID(),
      subscriptionId: sub.id,
      offerId: sub.offerId,
      publisherId: sub.publisherId,
      planId: o.planId,
      ...(o.quantity === undefined ? {} : { quantity: o.quantity }),
      action: o.action,
      timeStamp: this.nowIso(),
      status: o.status,
      errorStatusCode: '',
      errorMessage: '',
      operationRequestSource: o.source,
    };
    this.operations.set(op.id, op);
    this.onChange();
    return clone(op);
  }

  private pendingOperationsOf(subscriptionId: string): EmulatorOperation[] {
    return [...this.operations.values()].filter((o) => o.subscriptionId === subscriptionId && PENDING.includes(o.status));
  }

  private requireRecord(subscriptionId: string): SubscriptionRecord {
    const record = this.records.get(subscriptionId);
    if (!record) throw new AppError('NotFound', `Subscription ${subscriptionId} was not found.`);
    return record;
  }

  private requirePlan(planId: unknown): Plan {
    const plan = typeof planId === 'string' ? this.plans.find((p) => p.id === planId) : undefined;
    if (!plan) throw new AppError('BadRequest', `Plan ${String(planId)} is not a plan of any offer.`);
    return plan;
  }

  /** A plan change stays within the subscription's offer, and a private plan within its audience. */
  private requirePlanFor(sub: EmulatorSubscription, planId: unknown): Plan {
    const plan = this.requirePlan(planId);
    if (this.offerOf(plan) !== sub.offerId || !isPlanVisibleTo(plan, sub.beneficiary.tenantId))
      throw new AppError('BadRequest', `Plan ${plan.id} is not a plan of offer ${sub.offerId} available to this subscription.`);
    return plan;
  }

  private offerOf(plan: Plan): string {
    return plan.offerId || this.offerId;
  }

  /**
   * Seats for a per-seat plan (checked against its bounds; default its minimum), none for a flat-rate plan. With
   * `fit`, an out-of-range carried-over quantity is moved into the bounds instead of refused (a plan change).
   */
  private quantityFor(plan: Plan, requested: number | undefined, fit = false): { quantity?: number } {
    if (!plan.isPricePerSeat) return {};
    const min = plan.minSeats ?? 1;
    const max = plan.maxSeats ?? Number.MAX_SAFE_INTEGER;
    if (requested === undefined) return { quantity: min };
    if (fit) return { quantity: Math.min(max, Math.max(min, Math.round(requested))) };
    if (!Number.isInteger(requested) || requested < min || requested > max) {
      throw new AppError(
        'BadRequest',
        `The quantity of plan ${plan.id} must be an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'any' : max}.`,
      );
    }
    return { quantity: requested };
  }

  private checkSeatChange(sub: EmulatorSubscription, quantity: unknown): number {
    const plan = this.requirePlan(sub.planId);
    if (!plan.isPricePerSeat)
      throw new AppError('BadRequest', `Plan ${plan.id} is not priced per seat: its quantity cannot change.`);
    if (typeof quantity !== 'number') throw new AppError('BadRequest', 'The quantity must be an integer.');
    const checked = this.quantityFor(plan, quantity).quantity!;
    if (checked === sub.quantity)
      throw new AppError('BadRequest', `The subscription already has ${checked} ${checked === 1 ? 'seat' : 'seats'}.`);
    return checked;
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }
}

/** A monthly term from `start`'s UTC day: endDate is the last day of the term (start + 1 month − 1 day). */
export function monthlyTerm(start: Date): { startDate: string; endDate: string; termUnit: 'P1M' } {
  const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
  return {
    startDate: day.toISOString(),
    endDate: new Date(addMonthsClamped(day, 1).getTime() - DAY).toISOString(),
    termUnit: 'P1M',
  };
}

/** A plan as `listAvailablePlans` shows it: Partner Center's view of our catalog entry. */
export function toMarketplacePlan(plan: Plan, dimensions: readonly MeteringDimension[] = []): MarketplacePlan {
  const metered = plan.publishedDimensions;
  const described = (id: string) => dimensions.find((d) => d.id === id);
  return {
    planId: plan.id,
    displayName: plan.displayName,
    description: plan.description,
    isPrivate: plan.privateTenants !== undefined,
    isStopSell: false,
    hasFreeTrials: plan.freeTrial,
    isPricePerSeat: plan.isPricePerSeat,
    ...(plan.isPricePerSeat
      ? { minQuantity: plan.minSeats ?? 1, ...(plan.maxSeats === undefined ? {} : { maxQuantity: plan.maxSeats }) }
      : {}),
    planComponents: {
      recurrentBillingTerms: (Object.entries(plan.prices) as [TermUnit, number][]).map(([termUnit, price]) => ({
        termUnit,
        price,
        currency: plan.currency,
        // Included quantities are per month in the catalog; Partner Center states them per term.
        meteredQuantityIncluded: metered.map((d) => ({
          dimensionId: d.id,
          units: d.included === null ? 'Unlimited' : String(d.included * TERM_MONTHS[termUnit]),
        })),
      })),
      meteringDimensions: metered.map((d) => ({
        id: d.id,
        currency: plan.currency,
        pricePerUnit: d.pricePerUnit ?? 0,
        unitOfMeasure: described(d.id)?.unitOfMeasure ?? 'Unit',
        displayName: described(d.id)?.displayName ?? d.id,
      })),
    },
  };
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
