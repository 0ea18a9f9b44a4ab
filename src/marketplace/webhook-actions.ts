import type { Clock } from '../domain/clock';
import { AppError } from '../domain/errors';
import { loggable } from '../domain/external-ids';
import type { PlanCatalog } from '../domain/plans';
import type { Subscription, SubscriptionStatus } from '../domain/subscription';
import { planChangeProblem, quantityChangeProblem } from '../domain/subscription-changes';
import { isSettledAgainst } from '../domain/subscription-lifecycle';
import type { OperationOutcome } from '../store/store';
import type { FulfillmentApi } from './fulfillment-client';
import type { ApiOperation, ApiSubscription } from './fulfillment-types';
import { toDomainSubscription } from './subscription-mapping';

/**
 * One handler per webhook action (DESIGN.md "Webhook", "Lifecycle truth"). A handler decides what to store; the
 * processor has already checked the token, the payload against GET operation, and the rules that block any
 * operation (Failed/Conflict, Unsubscribed, out of order), and it records and writes the decision.
 */

export interface ActionContext {
  /** The operation as GET operation returned it. */
  operation: ApiOperation;
  /** The subscription as we hold it (or as GET subscription gave it, when we did not hold it). */
  current: Subscription;
  /** GET subscription's answer, when the processor already fetched it (an unknown subscription). */
  fetched?: ApiSubscription;
  fulfillment: FulfillmentApi;
  catalog: PlanCatalog;
  clock: Clock;
  call: { deadline: number };
}

export interface Decision {
  status: OperationOutcome;
  next?: Subscription;
  detail?: string;
}

export type ActionHandler = (ctx: ActionContext) => Promise<Decision>;

/**
 * ChangePlan / ChangeQuantity. Still pending: accept (PATCH `Success`, then apply what the operation says) or refuse
 * (PATCH `Failure`, Rejected). Already Succeeded (a change we made through the API, one the Marketplace accepted on
 * its own, or a redelivery after our PATCH): follow it. A PATCH answered 409 means someone else settled it first:
 * GET it again and follow what it now says.
 */
export const settleChange: ActionHandler = async (ctx) => {
  if (ctx.operation.status === 'Succeeded') return applyChange(ctx, 'already Succeeded at the Marketplace');
  const problem = changeProblem(ctx);
  const verdict = problem ? 'Failure' : 'Success';
  const { subscriptionId, id } = { subscriptionId: ctx.current.id, id: ctx.operation.id };
  if ((await ctx.fulfillment.updateOperation(subscriptionId, id, verdict, ctx.call)) === 'updated') {
    return problem ? { status: 'Rejected', detail: problem } : applyChange(ctx);
  }
  const settled = await ctx.fulfillment.getOperation(subscriptionId, id, ctx.call);
  const why = `PATCH ${verdict} answered 409: the Marketplace settled it as ${settled.status ?? 'unknown'}`;
  if (settled.status === 'Succeeded') return applyChange({ ...ctx, operation: { ...ctx.operation, ...settled } }, why);
  if (isSettledAgainst(settled.status)) return problem ? { status: 'Rejected', detail: `${problem}; ${why}` } : { status: 'Ignored', detail: why };
  // Settled yet still pending makes no sense: do not guess, let the Marketplace deliver again.
  throw new AppError('UpstreamFailed', `operation still ${settled.status ?? 'without a status'} after a PATCH 409`, {
    retryable: true,
  });
};

/**
 * Suspend, Reinstate, Renew, Unsubscribe: store what GET subscription says (status, term, plan, quantity), not what
 * the action's name implies. A late Reinstate whose subscription was suspended again since stores Suspended; a Renew
 * takes the new term from the API (the next billing period starts with it).
 */
export const storeMarketplaceState: ActionHandler = async (ctx) => {
  const api = ctx.fetched ?? (await ctx.fulfillment.getSubscription(ctx.current.id, ctx.call));
  const fresh = toDomainSubscription(api, ctx.current, ctx.clock.now());
  // A Succeeded Unsubscribe cannot be undone by anything newer (Unsubscribed is final), so a lagging GET cannot
  // contradict it.
  const next: Subscription =
    ctx.operation.action === 'Unsubscribe' && ctx.operation.status === 'Succeeded' ? { ...fresh, status: 'Unsubscribed' } : fresh;
  const implied = IMPLIED_STATUS[ctx.operation.action ?? ''];
  return {
    status: 'Applied',
    next,
    ...(implied && next.status !== implied ? { detail: `GET subscription says ${next.status}, not ${implied}` } : {}),
  };
};

const IMPLIED_STATUS: Partial<Record<string, SubscriptionStatus>> = {
  Suspend: 'Suspended',
  Reinstate: 'Subscribed',
  Unsubscribe: 'Unsubscribed',
};

export const ACTION_HANDLERS: Partial<Record<string, ActionHandler>> = {
  ChangePlan: settleChange,
  ChangeQuantity: settleChange,
  Suspend: storeMarketplaceState,
  Reinstate: storeMarketplaceState,
  Renew: storeMarketplaceState,
  Unsubscribe: storeMarketplaceState,
};

/** Why we refuse a pending change (an unknown plan, a seat count out of range), or null. */
function changeProblem({ operation, current, catalog }: ActionContext): string | null {
  if (operation.action === 'ChangeQuantity') return quantityChangeProblem(catalog, current, operation.quantity);
  const quantity = operation.quantity ?? current.quantity;
  return planChangeProblem(
    catalog,
    operation.planId,
    catalog.get(operation.planId ?? '')?.isPricePerSeat ? quantity : undefined,
    current.offerId,
  );
}

/** The subscription with the operation's plan or quantity. */
function applyChange({ operation, current, catalog }: ActionContext, detail?: string): Decision {
  if (operation.action === 'ChangePlan') {
    if (!operation.planId) return { status: 'Ignored', detail: 'the operation names no plan' };
    const quantity = operation.quantity ?? current.quantity;
    // The Marketplace's word wins even for a plan we do not offer (the gate then refuses with "unknown plan").
    const unknown = catalog.get(operation.planId) ? undefined : `plan ${loggable(operation.planId)} is not in our catalog`;
    return {
      status: 'Applied',
      next: { ...current, planId: operation.planId, ...(quantity !== undefined ? { quantity } : {}) },
      ...(detail || unknown ? { detail: [detail, unknown].filter(Boolean).join('; ') } : {}),
    };
  }
  if (operation.quantity === undefined) return { status: 'Ignored', detail: 'the operation names no quantity' };
  return { status: 'Applied', next: { ...current, quantity: operation.quantity }, ...(detail ? { detail } : {}) };
}
