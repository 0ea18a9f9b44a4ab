import { catalogDrift } from '../domain/catalog-drift';
import type { Clock } from '../domain/clock';
import { coerceError } from '../domain/errors';
import type { PlanCatalog } from '../domain/plans';
import { isFinal } from '../domain/subscription-lifecycle';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { Telemetry } from '../telemetry/telemetry';
import type { FulfillmentApi } from './fulfillment-client';
import { parseAvailablePlan, parseList, type ApiSubscription } from './fulfillment-types';
import { subscriptionDrift, toDomainSubscription } from './subscription-mapping';

export interface ReconcileSummary {
  checked: number;
  added: string[];
  repaired: { subscriptionId: string; drift: string[] }[];
  /** Where the catalog and Partner Center disagree (`listAvailablePlans`), per offer; raised as operator alerts. */
  catalogDrift: Record<string, string[]>;
}

/** One operator alert per offer whose catalog entry drifted from Partner Center. */
export const CATALOG_DRIFT_ALERT = 'catalog.drift';
/** Alerts are shown whole to operators: a long list of findings is cut here. */
const MAX_ALERT_CHARS = 2000;

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
  /** With a catalog, each subscription's `listAvailablePlans` is compared with it (drift report). */
  catalog?: PlanCatalog;
}): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = { checked: 0, added: [], repaired: [], catalogDrift: {} };
  const listed = await deps.fulfillment.listSubscriptions();
  for (const api of listed) {
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
  if (deps.catalog) summary.catalogDrift = await reportCatalogDrift({ ...deps, catalog: deps.catalog }, listed);
  deps.logger.info(
    {
      checked: summary.checked,
      added: summary.added.length,
      repaired: summary.repaired.length,
      driftingOffers: Object.keys(summary.catalogDrift).length,
    },
    'reconciliation done',
  );
  // The console shows when reconciliation ran, also when it repaired nothing (repairs are recorded as operations).
  await deps.store.console.recordActivity('reconcile.run', deps.clock.now());
  return summary;
}

/**
 * Compares the catalog with what Partner Center offers each subscription (`listAvailablePlans`) and keeps one
 * operator alert per drifting offer (`catalog.drift:<offer id>`), cleared once the offer agrees again. A plan that
 * Partner Center has and the catalog has not is sold but refused by the gate; a dimension the catalog meters and
 * Partner Center has not is refused by the Metering API: both need the operator. One call per offer and tenant
 * (what `listAvailablePlans` depends on); Unsubscribed subscriptions are skipped, and a failed call skips only its
 * subscription.
 */
async function reportCatalogDrift(
  deps: { store: Store; fulfillment: FulfillmentApi; clock: Clock; logger: Logger; catalog: PlanCatalog },
  listed: readonly ApiSubscription[],
): Promise<Record<string, string[]>> {
  const findings = new Map<string, Set<string>>();
  const checkedOffers = new Set<string>();
  const seen = new Set<string>();
  for (const api of listed) {
    if (api.status === 'Unsubscribed' || !api.offerId) continue;
    const key = `${api.offerId}|${api.beneficiary.tenantId ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let published;
    try {
      published = parseList({ plans: await deps.fulfillment.listAvailablePlans(api.id) }, 'plans', parseAvailablePlan);
    } catch (thrown) {
      deps.logger.warn(
        { subscriptionId: api.id, err: coerceError(thrown) },
        'listAvailablePlans failed; drift not checked for it',
      );
      continue;
    }
    checkedOffers.add(api.offerId);
    const drift = catalogDrift(
      deps.catalog,
      { offerId: api.offerId, ...(api.beneficiary.tenantId ? { beneficiaryTenantId: api.beneficiary.tenantId } : {}) },
      published,
    );
    for (const finding of drift) findings.set(api.offerId, (findings.get(api.offerId) ?? new Set()).add(finding));
  }
  const now = deps.clock.now();
  for (const [offerId, set] of findings) {
    const message = [...set].join('; ');
    await deps.store.alerts.raise(`${CATALOG_DRIFT_ALERT}:${offerId}`, message.slice(0, MAX_ALERT_CHARS), now);
    deps.logger.warn({ offerId, findings: [...set] }, 'the catalog differs from Partner Center');
  }
  for (const offerId of checkedOffers) {
    if (!findings.has(offerId)) await deps.store.alerts.clear(`${CATALOG_DRIFT_ALERT}:${offerId}`, now);
  }
  return Object.fromEntries([...findings].map(([offerId, set]) => [offerId, [...set]]));
}
