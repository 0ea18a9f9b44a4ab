import { azureIdentityOf, type Config } from '../config';
import type { Telemetry } from '../telemetry/telemetry';
import type { SubscriptionGate } from '../bot/subscription-gate';
import { FulfillmentClient, type FulfillmentApi } from '../marketplace/fulfillment-client';
import { openMarketplaceHttp } from '../marketplace/open-marketplace-http';
import { PurchaseActivation } from '../marketplace/purchase-activation';
import { reconcileSubscriptions } from '../marketplace/reconciler';
import { WebhookProcessor } from '../marketplace/webhook-processor';
import type { AppCore } from './app-core';

export interface Marketplace {
  fulfillment: FulfillmentApi;
  /** Applies the webhook's operations (`/api/webhook`). */
  processor: WebhookProcessor;
  /** Activates a purchase from the landing page. */
  activation: PurchaseActivation;
  /** One reconciliation pass against the Fulfillment API. */
  reconcile: () => ReturnType<typeof reconcileSubscriptions>;
}

/**
 * Marketplace: the Fulfillment API client, and what changes subscriptions through it (the webhook, the landing
 * page's activation, reconciliation), each dropping the gate's cached entitlement of the tenant it changed.
 */
export async function createMarketplace(
  config: Readonly<Config>,
  deps: AppCore & {
    gate: SubscriptionGate;
    /** The telemetry that also raises lifecycle alerts and notices (Outreach.telemetry). */
    telemetry: Telemetry;
    /** Replaces the Fulfillment API client (tests). */
    fulfillment: FulfillmentApi | undefined;
  },
): Promise<Marketplace> {
  const { store, catalog, clock, logger, gate, telemetry } = deps;
  const fulfillment =
    deps.fulfillment ?? new FulfillmentClient(await openMarketplaceHttp(config.marketplace, logger, azureIdentityOf(config)));
  const onTenantChanged = (tenantId: string) => gate.invalidate(tenantId);
  const processor = new WebhookProcessor({ store, fulfillment, catalog, clock, logger, onTenantChanged, telemetry });
  const activation = new PurchaseActivation({
    store,
    fulfillment,
    catalog,
    clock,
    logger,
    onTenantChanged,
    waitMs: config.landing.activationWaitMs,
    telemetry,
  });
  const reconcile = () => reconcileSubscriptions({ store, fulfillment, clock, logger, onTenantChanged, telemetry, catalog });
  return { fulfillment, processor, activation, reconcile };
}
