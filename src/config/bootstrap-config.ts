import path from 'node:path';
import type { Config } from '../config';
import { ConfigProblems, reader, type Env } from '../config-reader';
import type { LogFormat } from '../logger';
import { DEFAULT_PORT, LOG_FORMATS, LOG_LEVELS } from './constants';

/**
 * What the entry points need before Key Vault references are resolved (so none of these may be a reference): the
 * log level, the vault, the identity that reads it, and Application Insights (telemetry starts first of all).
 */
export interface BootstrapConfig {
  logLevel: Config['logLevel'];
  logFormat: LogFormat;
  /** NODE_ENV is production: `auto` logs stay JSON. */
  production: boolean;
  keyVaultUrl?: string;
  azureClientId?: string;
  identityEndpoint?: string;
  applicationInsightsConnectionString?: string;
  /**
   * Where the telemetry exporter keeps what ingestion did not take, to send it later (also after a restart).
   * @defaultValue `/home/data/telemetry` on App Service (`WEBSITE_SITE_NAME` set), `./data/telemetry` elsewhere
   */
  telemetryStorageDir: string;
}

export function loadBootstrapConfig(env: Env): BootstrapConfig {
  const problems = new ConfigProblems();
  const r = reader(env, problems, {
    keyVaultReference: 'a plain value, not a keyvault: reference (it is read before Key Vault references are resolved)',
  });
  const clientId = r.str('AZURE_CLIENT_ID');
  const vault = r.url('KEY_VAULT_URL');
  const insights = r.str('APPLICATIONINSIGHTS_CONNECTION_STRING');
  // Set by the platform (App Service: a plain-http link-local or loopback URL), read as is: not checked for https.
  const identityEndpoint = r.str('IDENTITY_ENDPOINT');
  // App Service keeps only /home across restarts and instances; /tmp (the exporter's default) is wiped.
  const telemetryDefault = r.raw('WEBSITE_SITE_NAME') ? '/home/data/telemetry' : './data/telemetry';
  const boot: BootstrapConfig = {
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: r.oneOf<LogFormat>('LOG_FORMAT', LOG_FORMATS, 'auto'),
    production: r.production,
    ...(vault ? { keyVaultUrl: vault } : {}),
    ...(clientId ? { azureClientId: clientId } : {}),
    ...(identityEndpoint ? { identityEndpoint } : {}),
    ...(insights ? { applicationInsightsConnectionString: insights } : {}),
    telemetryStorageDir: path.resolve(r.str('TELEMETRY_STORAGE_DIR', telemetryDefault)!),
  };
  problems.throwIfAny();
  return boot;
}

/**
 * The bot's own base URL as seen from this machine, from `PORT` and `HOST` as `npm start` reads them (a wildcard
 * host becomes loopback): where local tools (`npm run chat`) find it. Needs no other setting to be valid.
 */
export function localBotUrl(env: Env): string {
  const r = reader(env, new ConfigProblems(), { keyVaultReference: 'a plain value' });
  const port = r.int('PORT', DEFAULT_PORT, 0, 65535);
  const host = r.str('HOST', '127.0.0.1')!;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${port}`;
}
