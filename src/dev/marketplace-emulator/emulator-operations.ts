import { randomUUID } from 'node:crypto';
import { DAY, type Clock } from '../../domain/clock';
import { AppError } from '../../domain/errors';
import type {
  CustomerAction,
  EmulatorOperation,
  EmulatorSubscription,
  OperationAction,
  OperationStatus,
  SubscriptionRecord,
  SubscriptionStatus,
} from './emulator-types';
import { monthlyTerm } from './marketplace-plan-view';
import type { PartnerCenterCatalog } from './partner-center-catalog';

/**
 * The Marketplace's operations on subscriptions: created by a customer action (in the Marketplace) or by our
 * PATCH/DELETE, settled by us (PATCH of the operation), by the Marketplace itself, or by our webhook refusing it,
 * and the change they carry applied to the subscription when they succeed. At most one pending operation a
 * subscription. EmulatorState finds the subscription (and brings activations up to the clock) before calling here.
 */

const PENDING: readonly OperationStatus[] = ['NotStarted', 'InProgress'];
const IN_PROGRESS_MESSAGE =
  'Another operation is in progress on the resource. Wait for pending operations to complete then try again.';

export interface EmulatorOperationsOptions {
  clock: Clock;
  catalog: PartnerCenterCatalog;
  /** Called after every change (the emulator persists then). */
  onChange: () => void;
}

export class EmulatorOperations {
  private readonly clock: Clock;
  private readonly catalog: PartnerCenterCatalog;
  private readonly onChange: () => void;
  private readonly operations = new Map<string, EmulatorOperation>();
  /** Armed by settleOnNextPatch (tests): per subscription, how the Marketplace settles an operation before our PATCH. */
  private readonly patchRaces = new Map<string, 'Succeeded' | 'Failed' | 'Conflict'>();

  constructor(options: EmulatorOperationsOptions) {
    this.clock = options.clock;
    this.catalog = options.catalog;
    this.onChange = options.onChange;
  }

  load(saved: readonly EmulatorOperation[]): void {
    for (const o of saved) this.operations.set(o.id, o);
  }

  /** Every operation, as kept (the snapshot copies them). */
  all(): EmulatorOperation[] {
    return [...this.operations.values()];
  }

  // ---- Created by the customer ----

  /**
   * A customer-side lifecycle action. Notifications (Suspend, Reinstate, Renew, Unsubscribe) are applied at once and
   * their operation Succeeded; ChangePlan/ChangeQuantity create an InProgress operation and change nothing until
   * the publisher PATCHes it.
   */
  startCustomerAction(
    record: SubscriptionRecord,
    action: CustomerAction,
    params: { planId?: string; quantity?: number } = {},
  ): EmulatorOperation {
    const sub = record.subscription;
    const status = sub.saasSubscriptionStatus;
    const expect = (...allowed: SubscriptionStatus[]) => {
      if (!allowed.includes(status))
        throw new AppError(
          'BadRequest',
          `${action} is not possible on a ${status} subscription (needs ${allowed.join(' or ')}).`,
        );
    };
    if (this.pendingOperationsOf(sub.id).length > 0) throw new AppError('Conflict', IN_PROGRESS_MESSAGE);
    const now = this.nowIso();
    switch (action) {
      case 'ChangePlan': {
        expect('Subscribed');
        const plan = this.catalog.requirePlanFor(sub, params.planId);
        if (plan.id === sub.planId) throw new AppError('BadRequest', `The subscription is already on plan ${plan.id}.`);
        return this.addOperation(sub, {
          action,
          source: 'Azure',
          status: 'InProgress',
          planId: plan.id,
          // The seats typed with the new plan (the page's form has both), else the current ones, fitted to it.
          ...(params.quantity === undefined
            ? this.catalog.quantityFor(plan, sub.quantity, true)
            : this.catalog.quantityFor(plan, params.quantity)),
        });
      }
      case 'ChangeQuantity': {
        expect('Subscribed');
        const quantity = this.catalog.checkSeatChange(sub, params.quantity);
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

  // ---- Created by the publisher (Fulfillment API) ----

  /** PATCH subscription: plan or quantity (never both). Applied at once; the operation is Succeeded. */
  publisherUpdate(record: SubscriptionRecord, body: { planId?: unknown; quantity?: unknown }): EmulatorOperation {
    const sub = record.subscription;
    const hasPlan = body.planId !== undefined && body.planId !== null;
    const hasQuantity = body.quantity !== undefined && body.quantity !== null;
    if (hasPlan === hasQuantity) throw new AppError('BadRequest', 'Send either planId or quantity, not both and not neither.');
    if (sub.saasSubscriptionStatus !== 'Subscribed')
      throw new AppError('BadRequest', `A ${sub.saasSubscriptionStatus} subscription cannot be changed.`);
    if (this.pendingOperationsOf(sub.id).length > 0) throw new AppError('Conflict', IN_PROGRESS_MESSAGE);
    let change: { action: 'ChangePlan' | 'ChangeQuantity'; planId: string; quantity?: number };
    if (hasPlan) {
      const plan = this.catalog.requirePlanFor(sub, body.planId);
      if (plan.id === sub.planId) throw new AppError('BadRequest', `The subscription is already on plan ${plan.id}.`);
      change = { action: 'ChangePlan', planId: plan.id, ...this.catalog.quantityFor(plan, sub.quantity, true) };
    } else {
      change = { action: 'ChangeQuantity', planId: sub.planId, quantity: this.catalog.checkSeatChange(sub, body.quantity) };
    }
    const op = this.addOperation(sub, { ...change, source: 'Partner', status: 'Succeeded' });
    this.applyChange(record, op);
    return op;
  }

  /** DELETE subscription: Unsubscribed at once; the operation is Succeeded. */
  publisherDelete(record: SubscriptionRecord): EmulatorOperation {
    const sub = record.subscription;
    if (sub.saasSubscriptionStatus === 'Unsubscribed')
      throw new AppError('BadRequest', 'The subscription is already Unsubscribed.');
    if (this.pendingOperationsOf(sub.id).length > 0) throw new AppError('Conflict', IN_PROGRESS_MESSAGE);
    this.setStatus(record, 'Unsubscribed', this.nowIso());
    return this.addOperation(sub, {
      action: 'Unsubscribe',
      source: 'Partner',
      status: 'Succeeded',
      planId: sub.planId,
      quantity: sub.quantity,
    });
  }

  // ---- Read and settled ----

  pendingOperations(subscriptionId: string): EmulatorOperation[] {
    return this.pendingOperationsOf(subscriptionId).map(clone);
  }

  operation(subscriptionId: string, operationId: string): EmulatorOperation | undefined {
    const op = this.operations.get(operationId);
    return op && op.subscriptionId === subscriptionId ? clone(op) : undefined;
  }

  /** The publisher settles an operation: `Success` applies the change, `Failure` leaves everything as it was. */
  updateOperation(record: SubscriptionRecord, operationId: string, body: { status?: unknown }): EmulatorOperation {
    const subscriptionId = record.subscription.id;
    const op = this.operations.get(operationId);
    if (!op || op.subscriptionId !== subscriptionId) throw new AppError('NotFound', `Operation ${operationId} was not found.`);
    if (body.status !== 'Success' && body.status !== 'Failure')
      throw new AppError('BadRequest', 'The status field must be Success or Failure.');
    const race = this.patchRaces.get(subscriptionId);
    if (race && PENDING.includes(op.status)) {
      this.patchRaces.delete(subscriptionId);
      this.settleOperation(record, operationId, race);
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

  /**
   * The Marketplace settles a pending operation on its own, as Azure does when the publisher does not answer in time
   * (accepted: the change is applied) or when it fails or conflicts (nothing changes). Tests use it to produce
   * operations whose GET says Failed or Conflict, and late deliveries of operations already settled.
   */
  settleOperation(
    record: SubscriptionRecord,
    operationId: string,
    status: 'Succeeded' | 'Failed' | 'Conflict',
    error: { statusCode?: string; message?: string } = {},
  ): EmulatorOperation {
    const op = this.operations.get(operationId);
    if (!op || op.subscriptionId !== record.subscription.id)
      throw new AppError('NotFound', `Operation ${operationId} was not found.`);
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

  // ---- Internals ----

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

  private pendingOperationsOf(subscriptionId: string): EmulatorOperation[] {
    return [...this.operations.values()].filter((o) => o.subscriptionId === subscriptionId && PENDING.includes(o.status));
  }

  private addOperation(
    sub: EmulatorSubscription,
    o: {
      action: OperationAction;
      source: 'Azure' | 'Partner';
      status: OperationStatus;
      planId: string;
      quantity?: number | undefined;
    },
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

  private nowIso(): string {
    return this.clock.now().toISOString();
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
