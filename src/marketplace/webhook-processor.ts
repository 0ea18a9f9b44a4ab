import type { Clock } from '../domain/clock';
import { loggable } from '../domain/external-ids';
import type { PlanCatalog } from '../domain/plans';
import type { Subscription } from '../domain/subscription';
import { operationBlocker } from '../domain/subscription-lifecycle';
import type { Logger } from '../logger';
import type { Store, SubscriptionOperationRecord } from '../store/store';
import type { SubscriptionEventName, Telemetry } from '../telemetry/telemetry';
import { isNotFound, type FulfillmentApi } from './fulfillment-client';
import type { ApiOperation, ApiSubscription } from './fulfillment-types';
import { toDomainSubscription } from './subscription-mapping';
import { ACTION_HANDLERS, type Decision } from './webhook-actions';
import { parseWebhookCall, type WebhookCall } from './webhook-call';

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

/**
 * Applies a Marketplace webhook call (DESIGN.md "Webhook", "Lifecycle truth"), the token being already verified.
 * The body's ids must be sane (else 400, never a 5xx the Marketplace would retry for hours). The payload is not
 * trusted: the operation is fetched with GET and must agree with it, and its status there is the truth. Each
 * operation id is handled once (the record and the subscription change commit together, unique on the id). An
 * operation the Marketplace reports Failed/Conflict, one on an Unsubscribed subscription, and one older than the
 * newest already applied are recorded as Ignored (src/domain/subscription-lifecycle.ts); the others go to their
 * action's handler (webhook-actions.ts). Every outcome is recorded with its before and after.
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
    const parsed = parseWebhookCall(payload);
    if (!parsed.ok) {
      this.deps.logger.warn({ ...parsed.logged, problem: parsed.message }, 'webhook refused: malformed body');
      return answer(400, 'rejected', parsed.message);
    }
    const claim = parsed.call;
    const { operationId, subscriptionId } = claim;
    const log = this.deps.logger.child({ operationId, subscriptionId, action: claim.action });

    const seen = await this.deps.store.operations.find(operationId);
    if (seen) {
      log.info({ outcome: seen.status }, 'webhook redelivered: already handled');
      return seen.status === 'Rejected' ? answer(400, 'rejected', seen.detail) : answer(200, 'already-processed');
    }

    const call = { deadline: Date.now() + ANSWER_BUDGET_MS };
    const operation = await this.verifiedOperation(claim, call, log);
    if ('refused' in operation) return operation.refused;
    const stored = await this.deps.store.subscriptions.get(subscriptionId);
    let fetched: ApiSubscription | undefined;
    if (!stored) {
      fetched = await this.deps.fulfillment.getSubscription(subscriptionId, call);
      log.info('webhook for a subscription we did not have: fetched it first');
    }
    const current = stored ?? toDomainSubscription(fetched!, undefined, this.deps.clock.now());
    const operationTime = timeOf(operation.timeStamp);
    const decision = await this.decide(operation, operationTime, current, stored, fetched, call);
    return this.record(claim, operation.action!, operationTime, stored, current, decision, log);
  }

  /** The operation as the Marketplace has it (GET), when it exists and agrees with the payload; else the 400 to answer. */
  private async verifiedOperation(
    claim: WebhookCall,
    call: { deadline: number },
    log: Logger,
  ): Promise<ApiOperation | { refused: WebhookAnswer }> {
    let operation: ApiOperation;
    try {
      operation = await this.deps.fulfillment.getOperation(claim.subscriptionId, claim.operationId, call);
    } catch (thrown) {
      if (isNotFound(thrown)) {
        log.warn('webhook names an operation the Marketplace does not know: not applied');
        return { refused: answer(400, 'rejected', 'Unknown operation.') };
      }
      throw thrown;
    }
    const disagreement = disagreementBetween(claim, operation);
    if (disagreement) {
      log.warn({ disagreement }, 'webhook payload disagrees with GET operation: not applied');
      return { refused: answer(400, 'rejected', 'The payload does not match the operation.') };
    }
    return operation;
  }

  /** Ignored when the lifecycle blocks the operation (src/domain/subscription-lifecycle.ts); else its action's handler decides. */
  private async decide(
    operation: ApiOperation,
    operationTime: Date | undefined,
    current: Subscription,
    stored: Subscription | undefined,
    fetched: ApiSubscription | undefined,
    call: { deadline: number },
  ): Promise<Decision> {
    const action = operation.action!;
    const newestApplied = stored ? await this.deps.store.operations.newestAppliedTime(stored.id) : undefined;
    const blocker = operationBlocker({
      ...(operation.status !== undefined ? { operationStatus: operation.status } : {}),
      ...(operationTime ? { operationTime } : {}),
      ...(stored ? { storedStatus: stored.status } : {}),
      ...(newestApplied ? { newestApplied } : {}),
    });
    if (blocker) return { status: 'Ignored', detail: withMarketplaceError(blocker, operation) };
    const handler = ACTION_HANDLERS[action];
    if (!handler) return { status: 'Ignored', detail: `unknown action ${loggable(action)}` };
    return handler({
      operation,
      current,
      ...(fetched ? { fetched } : {}),
      fulfillment: this.deps.fulfillment,
      catalog: this.deps.catalog,
      clock: this.deps.clock,
      call,
    });
  }

  /** Records the decision and writes the subscription it leads to, in one transaction; then tells the gate. */
  private async record(
    claim: WebhookCall,
    action: string,
    operationTime: Date | undefined,
    stored: Subscription | undefined,
    current: Subscription,
    decision: Decision,
    log: Logger,
  ): Promise<WebhookAnswer> {
    const { operationId, subscriptionId } = claim;
    const now = this.deps.clock.now();
    const next = decision.next ? { ...decision.next, updatedAt: now } : undefined;
    const record: SubscriptionOperationRecord = {
      operationId,
      subscriptionId,
      action,
      source: 'webhook',
      status: decision.status,
      fromStatus: current.status,
      toStatus: next?.status ?? current.status,
      fromPlanId: current.planId,
      toPlanId: next?.planId ?? current.planId,
      ...(current.quantity !== undefined ? { fromQuantity: current.quantity } : {}),
      ...((next?.quantity ?? current.quantity) !== undefined ? { toQuantity: next?.quantity ?? current.quantity } : {}),
      ...(decision.detail ? { detail: decision.detail } : {}),
      ...(operationTime ? { operationTime } : {}),
      createdAt: now,
    };
    // Write the subscription even when only fetched (unknown before), so later calls find it.
    const written = await this.deps.store.operations.apply({
      record,
      ...(next ? { subscription: next } : !stored ? { subscription: current } : {}),
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
    if (decision.status === 'Rejected') return answer(400, 'rejected', decision.detail);
    return answer(200, decision.status === 'Applied' ? 'applied' : 'ignored');
  }
}

function answer(status: number, result: string, message?: string): WebhookAnswer {
  return { status, body: { result, ...(message ? { message } : {}) } };
}

/** What the payload claims that the operation (from GET) does not say. */
function disagreementBetween(claim: WebhookCall, operation: ApiOperation): string | null {
  if (operation.id !== claim.operationId) return 'operation id';
  if (!operation.action || operation.action !== claim.action) return 'action';
  if (operation.subscriptionId && operation.subscriptionId !== claim.subscriptionId) return 'subscription';
  if (operation.action === 'ChangePlan' && claim.planId !== undefined && operation.planId !== claim.planId) return 'plan';
  if (operation.action === 'ChangeQuantity' && claim.quantity !== undefined && operation.quantity !== claim.quantity)
    return 'quantity';
  return null;
}

function timeOf(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The Marketplace's own reason for a failed operation, cut short (it is text from outside). */
function withMarketplaceError(detail: string, operation: ApiOperation): string {
  const code = operation.errorStatusCode ? loggable(operation.errorStatusCode, 16) : undefined;
  const message = operation.errorMessage ? loggable(operation.errorMessage, 200) : undefined;
  return code || message ? `${detail} (${[code, message].filter(Boolean).join(': ')})` : detail;
}
