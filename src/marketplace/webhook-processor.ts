import type { Clock } from '../domain/clock';
import type { PlanCatalog } from '../domain/plans';
import { planChangeProblem, quantityChangeProblem } from '../domain/subscription-changes';
import type { Subscription, SubscriptionStatus } from '../domain/subscription';
import type { Logger } from '../logger';
import type { OperationOutcome, Store, SubscriptionOperationRecord } from '../store/store';
import type { SubscriptionEventName, Telemetry } from '../telemetry/telemetry';
import { isNotFound, type FulfillmentApi } from './fulfillment-client';
import type { ApiOperation } from './fulfillment-types';
import { toDomainSubscription } from './subscription-mapping';

export interface WebhookAnswer {
  status: number;
  body: { result: string; message?: string };
}

/** Time we give ourselves to answer: Marketplace wants an answer within 10 s. */
const ANSWER_BUDGET_MS = 8000;

const LIFECYCLE_EVENTS: Partial<Record<string, SubscriptionEventName>> = {
  Suspend: 'SubscriptionSuspended',
  Reinstate: 'SubscriptionReinstated',
  Renew: 'SubscriptionRenewed',
  Unsubscribe: 'SubscriptionUnsubscribed',
};

const STATUS_AFTER: Partial<Record<string, SubscriptionStatus>> = {
  Suspend: 'Suspended',
  Reinstate: 'Subscribed',
  Unsubscribe: 'Unsubscribed',
};

/**
 * Applies a Marketplace webhook call (DESIGN.md "Webhook"), the token being already verified. The payload is not
 * trusted: the operation is fetched with GET and must agree with it. Each operation id is applied once (the
 * operation record and the subscription change commit together, unique on the id). ChangePlan/ChangeQuantity are
 * accepted (PATCH `Success`, then applied) or rejected (PATCH `Failure`, answered 400). Every outcome is recorded
 * with its before and after.
 */
export class WebhookProcessor {
  constructor(
    private readonly deps: {
      store: Store;
      fulfillment: FulfillmentApi;
      catalog: PlanCatalog;
      clock: Clock;
      logger: Logger;
      /** The gate's cached entitlement of a tenant must be dropped at once (a suspended tenant is refused next message). */
      onTenantChanged: (tenantId: string) => void;
      telemetry?: Telemetry;
    },
  ) {}

  async handle(payload: unknown): Promise<WebhookAnswer> {
    const body = (payload && typeof payload === 'object' && !Array.isArray(payload) ? payload : {}) as Record<string, unknown>;
    const operationId = typeof body.id === 'string' ? body.id : undefined;
    const subscriptionId = typeof body.subscriptionId === 'string' ? body.subscriptionId : undefined;
    const claimedAction = typeof body.action === 'string' ? body.action : undefined;
    if (!operationId || !subscriptionId || !claimedAction) {
      return answer(400, 'rejected', 'The body must carry the operation id, the subscription id and the action.');
    }
    const log = this.deps.logger.child({ operationId, subscriptionId, action: claimedAction });

    const seen = await this.deps.store.operations.find(operationId);
    if (seen) {
      log.info({ outcome: seen.status }, 'webhook redelivered: already handled');
      return seen.status === 'Rejected' ? answer(400, 'rejected', seen.detail) : answer(200, 'already-processed');
    }

    const deadline = Date.now() + ANSWER_BUDGET_MS;
    const call = { deadline };
    let operation: ApiOperation;
    try {
      operation = await this.deps.fulfillment.getOperation(subscriptionId, operationId, call);
    } catch (thrown) {
      if (isNotFound(thrown)) {
        log.warn('webhook names an operation the Marketplace does not know: not applied');
        return answer(400, 'rejected', 'Unknown operation.');
      }
      throw thrown;
    }
    const disagreement = disagreementBetween(body, operation);
    if (disagreement) {
      log.warn({ disagreement }, 'webhook payload disagrees with GET operation: not applied');
      return answer(400, 'rejected', 'The payload does not match the operation.');
    }
    const action = operation.action!;

    const existing = await this.deps.store.subscriptions.get(subscriptionId);
    const current =
      existing ??
      toDomainSubscription(await this.deps.fulfillment.getSubscription(subscriptionId, call), undefined, this.deps.clock.now());
    if (!existing) log.info('webhook for a subscription we did not have: fetched it first');

    const base = { operationId, subscriptionId, action, source: 'webhook' as const };
    let outcome: { status: OperationOutcome; next?: Subscription; detail?: string };
    switch (action) {
      case 'ChangePlan':
      case 'ChangeQuantity': {
        const quantity = operation.quantity ?? current.quantity;
        const problem =
          action === 'ChangePlan'
            ? planChangeProblem(
                this.deps.catalog,
                operation.planId,
                this.deps.catalog.get(operation.planId ?? '')?.isPricePerSeat ? quantity : undefined,
              )
            : quantityChangeProblem(this.deps.catalog, current, operation.quantity);
        if (problem) {
          await this.deps.fulfillment.updateOperation(subscriptionId, operationId, 'Failure', call);
          outcome = { status: 'Rejected', detail: problem };
          break;
        }
        // A 409 here means it was already settled, by us on an earlier delivery that failed afterwards.
        await this.deps.fulfillment.updateOperation(subscriptionId, operationId, 'Success', call);
        const next: Subscription =
          action === 'ChangePlan'
            ? { ...current, planId: operation.planId!, ...(quantity !== undefined ? { quantity } : {}) }
            : { ...current, quantity: operation.quantity! };
        outcome = { status: 'Applied', next };
        break;
      }
      case 'Suspend':
      case 'Reinstate':
      case 'Unsubscribe':
        outcome = { status: 'Applied', next: { ...current, status: STATUS_AFTER[action]! } };
        break;
      case 'Renew': {
        // The term rolls over: take the new one from the API; the next billing period starts with it.
        const fresh = toDomainSubscription(
          await this.deps.fulfillment.getSubscription(subscriptionId, call),
          current,
          this.deps.clock.now(),
        );
        outcome = { status: 'Applied', next: { ...fresh, status: current.status === 'Suspended' ? fresh.status : 'Subscribed' } };
        break;
      }
      default:
        outcome = { status: 'Ignored', detail: `unknown action ${action}` };
    }

    const next = outcome.next ? { ...outcome.next, updatedAt: this.deps.clock.now() } : undefined;
    const record: SubscriptionOperationRecord = {
      ...base,
      status: outcome.status,
      fromStatus: current.status,
      toStatus: next?.status ?? current.status,
      fromPlanId: current.planId,
      toPlanId: next?.planId ?? current.planId,
      ...(current.quantity !== undefined ? { fromQuantity: current.quantity } : {}),
      ...((next?.quantity ?? current.quantity) !== undefined ? { toQuantity: next?.quantity ?? current.quantity } : {}),
      ...(outcome.detail ? { detail: outcome.detail } : {}),
      createdAt: this.deps.clock.now(),
    };
    // Write the subscription even when only fetched (unknown before), so later calls find it.
    const written = await this.deps.store.operations.apply({
      record,
      ...(next ? { subscription: next } : !existing ? { subscription: current } : {}),
    });
    if (written === 'duplicate') {
      log.info('operation applied concurrently by another delivery');
      return answer(200, 'already-processed');
    }
    const tenantId = (next ?? current).beneficiary.tenantId;
    if (tenantId) this.deps.onTenantChanged(tenantId);
    if (record.status === 'Applied') {
      this.deps.telemetry?.subscriptionEvent(LIFECYCLE_EVENTS[action] ?? 'SubscriptionChanged', {
        subscriptionId,
        operationId,
        action,
        tenantId,
        fromStatus: record.fromStatus,
        toStatus: record.toStatus,
        fromPlanId: record.fromPlanId,
        toPlanId: record.toPlanId,
        toQuantity: record.toQuantity,
      });
    }
    log.info(
      {
        outcome: record.status,
        from: `${record.fromStatus}/${record.fromPlanId}`,
        to: `${record.toStatus}/${record.toPlanId}`,
        detail: record.detail,
      },
      'webhook operation handled',
    );
    if (outcome.status === 'Rejected') return answer(400, 'rejected', outcome.detail);
    return answer(200, outcome.status === 'Applied' ? 'applied' : 'ignored');
  }
}

function answer(status: number, result: string, message?: string): WebhookAnswer {
  return { status, body: { result, ...(message ? { message } : {}) } };
}

/** What the payload claims that the operation (from GET) does not say. */
function disagreementBetween(body: Record<string, unknown>, operation: ApiOperation): string | null {
  if (operation.id !== body.id) return 'operation id';
  if (!operation.action || operation.action !== body.action) return 'action';
  if (operation.subscriptionId && operation.subscriptionId !== body.subscriptionId) return 'subscription';
  if (operation.action === 'ChangePlan' && typeof body.planId === 'string' && operation.planId !== body.planId) return 'plan';
  if (operation.action === 'ChangeQuantity' && typeof body.quantity === 'number' && operation.quantity !== body.quantity)
    return 'quantity';
  return null;
}
