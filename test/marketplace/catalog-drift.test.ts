import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/domain/catalog-parser';
import { DEFAULT_PLAN_CATALOG } from '../../src/domain/default-plan-catalog';
import { CATALOG_DRIFT_ALERT } from '../../src/marketplace/reconciler';
import { loadPlanCatalog } from '../../src/plan-catalog-source';
import { startMarketplaceHarness, type MarketplaceHarness } from '../helpers/marketplace-harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * What Partner Center really has, unlike the bot's catalog: an extra flat-rate plan, no `enterprise`, and on
 * `business` a dimension the catalog does not know while `premium_messages` is missing.
 */
function drifted() {
  const c = structuredClone(DEFAULT_PLAN_CATALOG) as Json;
  const flat = c.offers[0];
  flat.dimensions.push({ id: 'tokens', displayName: 'Tokens', unitOfMeasure: 'per 1,000 tokens' });
  flat.plans = flat.plans.filter((p: Json) => p.id !== 'enterprise');
  const business = flat.plans.find((p: Json) => p.id === 'business');
  business.dimensions = { messages: business.dimensions.messages, tokens: { included: 0, pricePerUnit: 0.002 } };
  business.usageDimensions = { premium_messages: 'tokens' };
  flat.plans.push({
    id: 'business-annual',
    displayName: 'Business (annual)',
    prices: { P1Y: 490 },
    dimensions: business.dimensions,
    usageDimensions: business.usageDimensions,
  });
  return parseCatalog(c, 'Partner Center');
}

/** Reconciliation compares every subscription's listAvailablePlans with the catalog and tells the operator. */
describe('catalog drift against Partner Center', () => {
  let h: MarketplaceHarness;
  let business: string;
  beforeAll(async () => {
    h = await startMarketplaceHarness({}, { emulatorPlans: drifted().plans });
    business = h.emulator.buy({ planId: 'business', tenantId: 'tenant-drift' }).subscriptionId;
    await h.app.fulfillment.activate(business, { planId: 'business' });
    h.emulator.buy({ planId: 'team-seat', quantity: 2, tenantId: 'tenant-drift' });
  });
  afterAll(() => h.close());

  it('reports plans and dimensions on either side only, per offer, as an operator alert', async () => {
    const summary = await h.app.reconcile();
    expect(Object.keys(summary.catalogDrift)).toEqual(['teams-ai-assistant']);
    expect(summary.catalogDrift['teams-ai-assistant']!.sort()).toEqual(
      [
        'offer teams-ai-assistant: plan business-annual is in Partner Center but not in the catalog',
        'offer teams-ai-assistant: plan enterprise is in the catalog but not in Partner Center',
        'offer teams-ai-assistant: plan business has dimension tokens in Partner Center but not in the catalog',
        'offer teams-ai-assistant: plan business has dimension premium_messages in the catalog but not in Partner Center',
      ].sort(),
    );
    const alerts = await h.app.store.alerts.active();
    const alert = alerts.find((a) => a.key === `${CATALOG_DRIFT_ALERT}:teams-ai-assistant`);
    expect(alert?.message).toContain('plan business-annual is in Partner Center but not in the catalog');
    // The per-user offer agrees with Partner Center: no alert for it.
    expect(alerts.some((a) => a.key === `${CATALOG_DRIFT_ALERT}:teams-ai-assistant-users`)).toBe(false);
  });

  it('clears the alert once Partner Center and the catalog agree again', async () => {
    const catalog = loadPlanCatalog(undefined);
    h.emulator.publish(
      catalog.plans,
      catalog.offers.flatMap((o) => o.dimensions),
    );
    const summary = await h.app.reconcile();
    expect(summary.catalogDrift).toEqual({});
    expect((await h.app.store.alerts.active()).some((a) => a.key.startsWith(CATALOG_DRIFT_ALERT))).toBe(false);
  });

  it('reports an offer Partner Center sells that the catalog does not have', async () => {
    const other = parseCatalog(
      {
        offers: [
          { id: 'side-offer', publisherId: 'contoso', pricingModel: 'flatRate', plans: [{ id: 'side', prices: { P1M: 1 } }] },
        ],
      },
      'side',
    );
    h.emulator.publish([...loadPlanCatalog(undefined).plans, ...other.plans]);
    h.emulator.buy({ planId: 'side', tenantId: 'tenant-side' });
    const summary = await h.app.reconcile();
    expect(summary.catalogDrift).toEqual({
      'side-offer': ['offer side-offer is sold in Partner Center but is not in the catalog'],
    });
  });
});
