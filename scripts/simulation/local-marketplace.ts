import type { Clock } from '../../src/domain/clock';
import type { Plan } from '../../src/domain/plans';
import type { Subscription } from '../../src/domain/subscription';
import type { Logger } from '../../src/logger';
import { createEmulator, startEmulatorServer, type Emulator } from '../../src/dev/marketplace-emulator/emulator';
import { FulfillmentClient } from '../../src/marketplace/fulfillment-client';
import { MarketplaceHttp } from '../../src/marketplace/marketplace-http';
import { toDomainSubscription } from '../../src/marketplace/subscription-mapping';

/** The bearer token the local Marketplace takes. */
export const LOCAL_API_TOKEN = 'emulator-access-token';

export interface LocalMarketplace {
  emulator: Emulator;
  /** `…/emulator/api`: what MARKETPLACE_API_BASE_URL points at. */
  apiUrl: string;
  fulfillment: FulfillmentClient;
  /** Buys a plan for a tenant and activates it, as the landing page would; returns it as the store keeps it. */
  buyActivated(planId: string, tenantId: string, quantity?: number): Promise<Subscription>;
  close(): Promise<void>;
}

/**
 * The Marketplace emulator on its own 127.0.0.1 port, with the options the simulations, benchmarks and worker tests
 * share (publisher `contoso`, offer `teams-ai-assistant`, its webhook pointed at a closed port), and a Fulfillment
 * client to buy with.
 */
export async function startLocalMarketplace(options: {
  clock: Clock;
  logger: Logger;
  plans: readonly Plan[];
  activationDelayMs?: number;
}): Promise<LocalMarketplace> {
  const emulator = createEmulator({
    clock: options.clock,
    logger: options.logger,
    baseUrl: 'http://127.0.0.1/emulator',
    landingPageUrl: 'http://127.0.0.1/landing',
    webhookUrl: 'http://127.0.0.1:9/api/webhook',
    plans: [...options.plans],
    offerId: 'teams-ai-assistant',
    publisherId: 'contoso',
    publisherTenantId: 'publisher-tenant',
    webhookAudience: 'fulfillment-app',
    apiToken: LOCAL_API_TOKEN,
    ...(options.activationDelayMs !== undefined ? { activationDelayMs: options.activationDelayMs } : {}),
  });
  const server = await startEmulatorServer(emulator, { port: 0, host: '127.0.0.1', logger: options.logger });
  emulator.configure({ baseUrl: server.url });
  const fulfillment = new FulfillmentClient(
    new MarketplaceHttp({
      baseUrl: `${server.url}/api`,
      apiVersion: '2018-08-31',
      tokens: { getToken: () => Promise.resolve(LOCAL_API_TOKEN) },
      timeoutMs: 10_000,
      maxRetries: 2,
      logger: options.logger,
    }),
  );
  return {
    emulator,
    apiUrl: `${server.url}/api`,
    fulfillment,
    async buyActivated(planId, tenantId, quantity) {
      const { subscriptionId } = emulator.buy({ planId, tenantId, ...(quantity ? { quantity } : {}) });
      await fulfillment.activate(subscriptionId, { planId });
      return toDomainSubscription(await fulfillment.getSubscription(subscriptionId), undefined, options.clock.now());
    },
    async close() {
      await emulator.close();
      await server.close();
    },
  };
}
