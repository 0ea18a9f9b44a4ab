import path from 'node:path';
import type { Config, Environment, MarketplaceAuth } from '../config';
import type { ConfigProblems, Reader } from '../config-reader';
import { EMULATOR_PREFIX, MARKETPLACE_API_BASE_URL, MARKETPLACE_APP_ID } from './constants';

/**
 * The Marketplace's APIs and webhook, the local emulator that stands in for them in development (EMULATOR, read
 * once here: it decides the others' defaults), and Microsoft-managed licences (Graph, the emulator's when it is on).
 */

export function loadEmulator(r: Reader, problems: ConfigProblems, dataDir: string, env: Environment): Config['emulator'] {
  const enabled = r.bool('EMULATOR', env !== 'production' && !r.raw('MARKETPLACE_API_BASE_URL'));
  if (enabled && env === 'production')
    problems.add('EMULATOR', 'off in production (the Marketplace emulator is for development and tests)');
  const rate = (name: string) => r.num(name, 0, 0, 1);
  const stateFile = r.str('EMULATOR_STATE_FILE');
  return {
    enabled,
    port: r.int('EMULATOR_PORT', 3980, 0, 65535),
    faults: {
      errorRate: rate('EMULATOR_ERROR_RATE'),
      throttleRate: rate('EMULATOR_THROTTLE_RATE'),
      timeoutRate: rate('EMULATOR_TIMEOUT_RATE'),
      lostResponseRate: rate('EMULATOR_LOST_RESPONSE_RATE'),
      latencyMs: r.int('EMULATOR_LATENCY_MS', 0, 0, 60_000),
      seed: r.int('EMULATOR_SEED', 1, 0, 2 ** 31 - 1),
    },
    activationDelayMs: r.int('EMULATOR_ACTIVATION_DELAY_MS', 300, 0, 60_000),
    ...(stateFile
      ? { stateFile: path.resolve(stateFile) }
      : enabled && env === 'development'
        ? { stateFile: path.join(dataDir, 'emulator.json') }
        : {}),
  };
}

/** With the emulator on (the development default), everything points at it, mounted in this server at `publicUrl`. */
export function loadMarketplace(
  r: Reader,
  problems: ConfigProblems,
  publicUrl: string,
  emulatorOn: boolean,
  env: Environment,
): Config['marketplace'] {
  const emulatorBase = `${publicUrl}${EMULATOR_PREFIX}`;
  const apiBaseUrl = r.url('MARKETPLACE_API_BASE_URL', emulatorOn ? `${emulatorBase}/api` : MARKETPLACE_API_BASE_URL)!;
  const clientId = r.str('MARKETPLACE_CLIENT_ID');
  const clientSecret = r.str('MARKETPLACE_CLIENT_SECRET');
  const tenantId = r.str('PUBLISHER_TENANT_ID', emulatorOn ? 'emulator-publisher-tenant' : undefined);
  let auth: MarketplaceAuth;
  if (clientId && clientSecret) {
    if (!tenantId) problems.add('PUBLISHER_TENANT_ID', 'set with MARKETPLACE_CLIENT_ID and MARKETPLACE_CLIENT_SECRET');
    auth = { kind: 'client-secret', tenantId: tenantId ?? '', clientId, clientSecret };
  } else if (emulatorOn && !r.raw('MARKETPLACE_AUTH')) {
    auth = { kind: 'emulator', token: 'emulator-access-token' };
  } else {
    const kind = r.oneOf('MARKETPLACE_AUTH', ['managed-identity', 'emulator'], 'managed-identity');
    auth =
      kind === 'emulator'
        ? { kind: 'emulator', token: 'emulator-access-token' }
        : { kind: 'managed-identity', ...(clientId ? { clientId } : {}) };
  }
  if (env === 'production' && auth.kind === 'emulator')
    problems.add('MARKETPLACE_AUTH', 'managed-identity or a client secret in production');
  const audience = r.str('MARKETPLACE_WEBHOOK_AUDIENCE', clientId ?? (emulatorOn ? 'emulator-fulfillment-app' : undefined));
  if (env === 'production' && !audience)
    problems.add(
      'MARKETPLACE_WEBHOOK_AUDIENCE',
      'set in production (the client id of the fulfillment app the webhook tokens are issued for)',
    );
  if (env === 'production' && !tenantId)
    problems.add('PUBLISHER_TENANT_ID', 'set in production (the tenant the webhook tokens come from)');
  const tid = tenantId ?? 'not-configured';
  // Validated as a URL but kept as written: `iss` is compared exactly, and Entra v1 issuers end with '/'.
  const issuerOverride = r.url('MARKETPLACE_WEBHOOK_ISSUER') && r.raw('MARKETPLACE_WEBHOOK_ISSUER');
  return {
    apiBaseUrl,
    apiVersion: '2018-08-31',
    auth,
    offerId: r.str('MARKETPLACE_OFFER_ID', 'teams-ai-assistant')!,
    publisherId: r.str('MARKETPLACE_PUBLISHER_ID', 'contoso')!,
    requestTimeoutMs: r.int('MARKETPLACE_TIMEOUT_MS', 8000, 500, 120_000),
    maxRetries: r.int('MARKETPLACE_MAX_RETRIES', 3, 0, 10),
    webhook: {
      audience: audience ?? 'not-configured',
      tenantId: tid,
      // Entra issues v1 (sts.windows.net) or v2 (login.microsoftonline.com/…/v2.0) tokens.
      issuers: Object.freeze(
        issuerOverride
          ? [issuerOverride]
          : emulatorOn
            ? [emulatorBase]
            : [`https://sts.windows.net/${tid}/`, `https://login.microsoftonline.com/${tid}/v2.0`],
      ),
      jwksUrl: r.url(
        'MARKETPLACE_WEBHOOK_JWKS_URL',
        emulatorOn ? `${emulatorBase}/keys` : `https://login.microsoftonline.com/${tid}/discovery/v2.0/keys`,
      )!,
      callerAppId: MARKETPLACE_APP_ID,
      clockSkewSeconds: r.int('MARKETPLACE_WEBHOOK_CLOCK_SKEW_SECONDS', 120, 0, 600),
    },
    reconcileIntervalMs: r.int('RECONCILE_INTERVAL_MINUTES', 60, 0, 7 * 24 * 60) * 60_000,
  };
}

/**
 * Microsoft-managed licences (README "Catalog"): the bot asks Microsoft Graph for a user's `usageRights` with an app
 * token of the bot's own Entra app (client credentials in the user's tenant; application permission User.Read.All,
 * consented by the customer's admin). With the emulator on, Graph and the token endpoint are the emulator's.
 */
export function loadLicensing(
  r: Reader,
  publicUrl: string,
  emulatorOn: boolean,
  bot: Pick<Config['bot'], 'appId' | 'appPassword'>,
): Config['licensing'] {
  const emulatorBase = `${publicUrl}${EMULATOR_PREFIX}`;
  return {
    graphBaseUrl: r.url('GRAPH_BASE_URL', emulatorOn ? `${emulatorBase}/graph` : 'https://graph.microsoft.com')!,
    authorityUrl: r.url('GRAPH_AUTHORITY_URL', emulatorOn ? `${emulatorBase}/graph-login` : 'https://login.microsoftonline.com')!,
    clientId: bot.appId,
    ...(bot.appPassword ? { clientSecret: bot.appPassword } : {}),
    cacheMs: r.int('LICENCE_CACHE_SECONDS', 300, 0, 86_400) * 1000,
    timeoutMs: r.int('LICENCE_TIMEOUT_SECONDS', 5, 1, 60) * 1000,
  };
}
