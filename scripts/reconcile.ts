/**
 * `npm run reconcile`: one reconciliation pass against the Fulfillment API (configured as for the bot), printing a
 * summary as JSON. Use it after an outage, or from a scheduler when the periodic job is off.
 */
import { loadConfig } from '../src/config';
import { systemClock } from '../src/domain/clock';
import { coerceError } from '../src/domain/errors';
import { createLogger } from '../src/logger';
import { FulfillmentClient } from '../src/marketplace/fulfillment-client';
import { openMarketplaceHttp } from '../src/marketplace/open-marketplace-http';
import { reconcileSubscriptions } from '../src/marketplace/reconciler';
import { openStore } from '../src/store/open-store';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const store = await openStore(config, logger);
  try {
    const fulfillment = new FulfillmentClient(await openMarketplaceHttp(config.marketplace, logger));
    const summary = await reconcileSubscriptions({
      store,
      fulfillment,
      clock: systemClock,
      logger,
      onTenantChanged: () => undefined,
    });
    console.log(JSON.stringify(summary));
  } finally {
    await store.close();
  }
}

main().catch((thrown) => {
  console.error(`Reconciliation failed: ${coerceError(thrown).message}`);
  process.exit(1);
});
