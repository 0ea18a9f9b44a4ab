/**
 * `npm run reconcile`: one reconciliation pass against the Fulfillment API (configured as for the bot, Key Vault
 * references included: same start-up as the bot), printing a summary as JSON. Use it after an outage, or from a
 * scheduler when the periodic job is off.
 */
import { bootstrap } from '../src/bootstrap';
import { azureIdentityOf } from '../src/config';
import { coerceError } from '../src/domain/errors';

async function main(): Promise<void> {
  const { config, logger, clock, shutdown } = await bootstrap();
  // Loaded after telemetry started, so that their HTTP clients are instrumented.
  const { FulfillmentClient } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
    require('../src/marketplace/fulfillment-client') as typeof import('../src/marketplace/fulfillment-client.js');
  const { openMarketplaceHttp } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
    require('../src/marketplace/open-marketplace-http') as typeof import('../src/marketplace/open-marketplace-http.js');
  const { reconcileSubscriptions } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
    require('../src/marketplace/reconciler') as typeof import('../src/marketplace/reconciler.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
  const { openStore } = require('../src/store/open-store') as typeof import('../src/store/open-store.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
  const { loadPlanCatalog } = require('../src/plan-catalog-source') as typeof import('../src/plan-catalog-source.js');
  const store = await openStore(config, logger);
  try {
    const fulfillment = new FulfillmentClient(await openMarketplaceHttp(config.marketplace, logger, azureIdentityOf(config)));
    const summary = await reconcileSubscriptions({
      store,
      fulfillment,
      clock,
      logger,
      onTenantChanged: () => undefined,
      catalog: loadPlanCatalog(config.planCatalogFile),
    });
    console.log(JSON.stringify(summary));
  } finally {
    await store.close();
    await shutdown();
  }
}

main().catch((thrown) => {
  console.error(`Reconciliation failed: ${coerceError(thrown).message}`);
  process.exit(1);
});
