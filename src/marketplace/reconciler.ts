import type { Clock } from '../domain/clock';
import { isFinal } from '../domain/subscription-lifecycle';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { Telemetry } from '../telemetry/telemetry';
import type { FulfillmentApi } from './fulfillment-client';
import { subscriptionDrift, toDomainSubscription } from './subscription-mapping';

export interface ReconcileSummary {
  checked: number;
  added: string[];
  repaired: { subscriptionId: string; drift: string[] }[];
}

/**
 * Webhooks can be missed: list every subscription from the Fulfillment API and repair drift in the store (status,
 * plan, quantity, term), logging and recording each repair. Subscriptions we never heard of are added. A
 * subscription stored as Unsubscribed stays so (final), whatever the list says. Each repair is recorded with the
 * subscription's `lastModified`, so that a webhook delivery older than the state stored is not applied over it.
 */
export async function reconcileSubscriptions(deps: {
  store: Store;
  fulfillment: FulfillmentApi;
  clock: Clock;
  logger: Logger;
  onTenantChanged: (tenantId: string) => void;
  telemetry?: Telemetry;
}): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = { checked: 0, added: [], repaired: [] };
  for (const api of await deps.fulfillment.listSubscriptions()) {
    summary.checked += 1;
    const stored = await deps.store.subscriptions.get(api.id);
    const now = deps.clock.now();
    const truth = toDomainSubscription(api, stored, now);
    if (stored && isFinal(stored.status) && api.status && api.status !== stored.status)
      deps.logger.warn(
        { subscriptionId: truth.id, listed: api.status },
        'reconciliation: the Marketplace lists a status for a subscription stored as Unsubscribed, which is final: kept',
      );
    const drift = stored ? subscriptionDrift(stored, truth) : ['not in the store'];
    if (drift.length === 0) continue;
    await deps.store.operations.apply({
      record: {
        subscriptionId: truth.id,
        action: 'Reconcile',
        source: 'reconcile',
        status: 'Applied',
        ...(stored ? { fromStatus: stored.status, fromPlanId: stored.planId } : {}),
        ...(stored?.quantity !== undefined ? { fromQuantity: stored.quantity } : {}),
        toStatus: truth.status,
        toPlanId: truth.planId,
        ...(truth.quantity !== undefined ? { toQuantity: truth.quantity } : {}),
        detail: drift.join('; '),
        ...(api.lastModified ? { operationTime: api.lastModified } : {}),
        createdAt: now,
      },
      subscription: truth,
    });
    if (stored) summary.repaired.push({ subscriptionId: truth.id, drift });
    else summary.added.push(truth.id);
    deps.logger.warn(
      { subscriptionId: truth.id, drift },
      stored ? 'reconciliation repaired drift' : 'reconciliation added a subscription',
    );
    deps.telemetry?.subscriptionEvent('SubscriptionReconciled', {
      subscriptionId: truth.id,
      added: !stored,
      drift: drift.join('; '),
      toStatus: truth.status,
      toPlanId: truth.planId,
    });
    if (truth.beneficiary.tenantId) deps.onTenantChanged(truth.beneficiary.tenantId);
  }
  deps.logger.info(
    { checked: summary.checked, added: summary.added.length, repaired: summary.repaired.length },
    'reconciliation done',
  );
  return summary;
}
