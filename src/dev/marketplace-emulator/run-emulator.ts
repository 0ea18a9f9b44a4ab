import { bootstrap } from '../../bootstrap';
import { EMULATOR_PREFIX } from '../../config';
import { systemClock } from '../../domain/clock';
import { coerceError } from '../../domain/errors';
import { loadPlanCatalog } from '../../plan-catalog-source';
import { createEmulator } from './emulator';
import { startEmulatorServer } from './emulator-routes';

/**
 * `npm run emulator`: the Marketplace emulator alone, on `EMULATOR_PORT` (default 3980), calling the bot's webhook
 * at `${PUBLIC_URL}/api/webhook` and sending buyers to `LANDING_PAGE_URL`. Never in production.
 */
async function main(): Promise<void> {
  // The same start-up as the bot (Key Vault references resolved), so that both agree on ids, URLs and plans.
  const { config, logger, shutdown } = await bootstrap();
  if (config.env === 'production') {
    console.error('The Marketplace emulator is for development and tests: it refuses to run with NODE_ENV=production.');
    process.exit(1);
  }
  const catalog = loadPlanCatalog(config.planCatalogFile);
  const marketplace = config.marketplace;
  // No setting names the emulator's public URL when it runs alone: it is where it listens (0.0.0.0 → loopback).
  const publicHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const emulator = createEmulator({
    clock: systemClock,
    logger,
    baseUrl: `http://${publicHost}:${config.emulator.port}${EMULATOR_PREFIX}`,
    landingPageUrl: config.links.landingPageUrl,
    webhookUrl: `${config.publicUrl}/api/webhook`,
    plans: catalog.plans,
    dimensions: catalog.offers.flatMap((o) => o.dimensions),
    offerId: marketplace.offerId,
    publisherId: marketplace.publisherId,
    publisherTenantId: marketplace.webhook.tenantId,
    webhookAudience: marketplace.webhook.audience,
    apiToken: marketplace.auth.kind === 'emulator' ? marketplace.auth.token : 'emulator-access-token',
    faults: config.emulator.faults,
    activationDelayMs: config.emulator.activationDelayMs,
    ...(config.emulator.stateFile ? { stateFile: config.emulator.stateFile } : {}),
  });
  const server = await startEmulatorServer(emulator, { port: config.emulator.port, host: config.host, logger });
  if (config.emulator.port === 0) emulator.configure({ baseUrl: server.url });
  logger.info(
    { url: server.url, webhook: emulator.options.webhookUrl, landing: emulator.options.landingPageUrl },
    'Marketplace emulator listening',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Marketplace emulator stopping');
    await emulator.close();
    await server.close();
    await shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((thrown) => {
  console.error(`Marketplace emulator failed to start: ${coerceError(thrown).message}`);
  process.exit(1);
});
