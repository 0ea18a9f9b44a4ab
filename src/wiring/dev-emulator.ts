import type { Server } from 'restify';
import { EMULATOR_PREFIX, type Config } from '../config';
import { mirrorDevSubscription } from '../dev-seed';
import type { Emulator } from '../dev/marketplace-emulator/emulator';
import type { AppCore } from './app-core';

/**
 * The Marketplace emulator (EMULATOR=true), mounted under EMULATOR_PREFIX in this server. A development tool: loaded
 * only when enabled, so a production process never loads its code.
 */
export async function mountDevEmulator(server: Server, config: Readonly<Config>, deps: AppCore): Promise<Emulator> {
  const { store, catalog, clock, logger } = deps;
  const sso = config.landing.sso;
  const { createEmulator, mountEmulator } = await import('../dev/marketplace-emulator/emulator.js');
  const auth = config.marketplace.auth;
  const emulator = createEmulator({
    clock,
    logger: logger.child({ component: 'marketplace-emulator' }),
    baseUrl: `${config.publicUrl}${EMULATOR_PREFIX}`,
    landingPageUrl: config.links.landingPageUrl,
    webhookUrl: `${config.publicUrl}/api/webhook`,
    plans: catalog.plans,
    dimensions: catalog.offers.flatMap((o) => o.dimensions),
    offerId: config.marketplace.offerId,
    publisherId: config.marketplace.publisherId,
    publisherTenantId: config.marketplace.webhook.tenantId,
    webhookAudience: config.marketplace.webhook.audience,
    apiToken: auth.kind === 'emulator' ? auth.token : 'emulator-access-token',
    faults: config.emulator.faults,
    activationDelayMs: config.emulator.activationDelayMs,
    ...(config.emulator.stateFile ? { stateFile: config.emulator.stateFile } : {}),
    ...(sso ? { signInAuthority: sso.authority } : {}),
  });
  // The emulator can play Entra for the landing page (LANDING_SSO_AUTHORITY=<PUBLIC_URL>/emulator/idp/organizations):
  // it knows our app registration as Entra would.
  if (sso)
    emulator.identityProvider.registerClient({
      clientId: sso.clientId,
      ...(sso.clientSecret ? { clientSecret: sso.clientSecret } : {}),
      ...(sso.certificatePem ? { certificatePem: sso.certificatePem } : {}),
      redirectUris: [`${config.publicUrl}/landing/auth`, `${config.publicUrl}/console/auth`],
    });
  mountEmulator(server, emulator, EMULATOR_PREFIX);
  if (config.devSeed) await mirrorDevSubscription({ store, emulator, logger });
  logger.warn({ url: `${config.publicUrl}${EMULATOR_PREFIX}` }, 'Marketplace emulator mounted (development only)');
  return emulator;
}
