import { silentLogger } from '../../src/logger';
import { createEmulator, startEmulatorServer, type Emulator, type EmulatorOptions } from '../../src/dev/marketplace-emulator/emulator';
import { loadPlanCatalog } from '../../src/plan-catalog-source';
import { FakeClock } from './fake-clock';

/** The bearer token a standalone emulator's API requires unless the test names another. */
export const EMULATOR_API_TOKEN = 'test-api-token';

export interface StandaloneEmulator {
  clock: FakeClock;
  emulator: Emulator;
  url: string;
  close(): Promise<void>;
}

/**
 * The Marketplace emulator alone on an ephemeral port, with the shipped catalog's plans and a fake clock at
 * 2026-03-10 10:20 UTC (or `options.clock`). No app listens at its landing page or webhook (127.0.0.1:1): customer
 * actions get webhookStatus 0 unless the test names a webhook.
 */
export async function startStandaloneEmulator(options: Partial<EmulatorOptions> = {}): Promise<StandaloneEmulator> {
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock('2026-03-10T10:20:00.000Z');
  const emulator = createEmulator({
    clock,
    logger: silentLogger,
    baseUrl: 'http://127.0.0.1:1/emulator',
    landingPageUrl: 'http://127.0.0.1:1/landing',
    webhookUrl: 'http://127.0.0.1:1/api/webhook',
    plans: loadPlanCatalog(undefined).plans,
    offerId: 'offer',
    publisherId: 'contoso',
    publisherTenantId: 'publisher-tenant',
    webhookAudience: 'fulfillment-app',
    apiToken: EMULATOR_API_TOKEN,
    ...options,
  });
  const server = await startEmulatorServer(emulator, { port: 0, host: '127.0.0.1', logger: silentLogger });
  emulator.configure({ baseUrl: server.url });
  return {
    clock,
    emulator,
    url: server.url,
    async close() {
      await emulator.close();
      await server.close();
    },
  };
}
