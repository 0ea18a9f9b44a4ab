import {
  AUTH_OVERRIDES_OPT_IN,
  loadBootstrapConfig,
  loadConfig,
  processEnvironment,
  type BootstrapConfig,
  type Config,
} from './config';
import { offsetClock, type Clock } from './domain/clock';
import { AppError, coerceError } from './domain/errors';
import { createLogger, logDestination, type Logger } from './logger';
import { findSecretReferences, resolveSecretReferences } from './secrets/secret-references';
import type { Telemetry } from './telemetry/telemetry';

type AzureMonitorModule = typeof import('./telemetry/azure-monitor-telemetry.js');

export interface Bootstrapped {
  config: Readonly<Config>;
  logger: Logger;
  clock: Clock;
  /** Application Insights when configured; the caller falls back to log lines. */
  telemetry?: Telemetry;
  /** Flushes and stops telemetry (last thing before exit). */
  shutdown: () => Promise<void>;
}

/**
 * Start-up shared by every entry point (the bot, `npm run worker`, `reconcile`, `simulate`, `emulator`), so that
 * each sees the same configuration: Application Insights first (it instruments http, restify, axios and the Azure
 * SDKs as they load, so nothing loading them may be imported before), then the configuration with
 * `keyvault:<name>` values read from Key Vault (a reference still left after that is refused by `loadConfig`). A
 * bad configuration ends the process with one message listing every problem, each naming its variable.
 */
export async function bootstrap(): Promise<Bootstrapped> {
  let env: Record<string, string | undefined>;
  let boot: BootstrapConfig;
  try {
    // The .env file is read here, before any setting: a bad ENV_FILE is a configuration error like the others.
    env = processEnvironment();
    boot = loadBootstrapConfig(env);
  } catch (thrown) {
    return fail(thrown);
  }
  let monitor: AzureMonitorModule | undefined;
  if (boot.applicationInsightsConnectionString) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when needed, after configuration is read
    monitor = require('./telemetry/azure-monitor-telemetry') as AzureMonitorModule;
    monitor.startAzureMonitor(boot.applicationInsightsConnectionString, { storageDirectory: boot.telemetryStorageDir });
  }
  let config: Readonly<Config>;
  try {
    config = loadConfig(
      await readSecrets(env, boot, createLogger(boot.logLevel, logDestination(boot.logFormat, boot.production))),
    );
  } catch (thrown) {
    return fail(thrown);
  }
  const telemetry = monitor?.azureMonitorTelemetry(
    config.store.kind === 'mssql'
      ? {
          sql: {
            ...(config.store.server ? { server: config.store.server } : {}),
            ...(config.store.database ? { database: config.store.database } : {}),
          },
        }
      : {},
  );
  const logger = createLogger(config.logLevel, logDestination(config.logFormat, config.env === 'production'));
  warnAboutAuthOverrides(config, logger);
  return {
    config,
    logger,
    clock: offsetClock(config.clockOffsetMs),
    ...(telemetry ? { telemetry } : {}),
    shutdown: async () => {
      await monitor?.shutdownAzureMonitor();
    },
  };
}

/** The environment with `keyvault:<name>` values replaced by their secrets, read once at start. */
async function readSecrets(
  env: Record<string, string | undefined>,
  boot: BootstrapConfig,
  logger: Logger,
): Promise<Record<string, string | undefined>> {
  const references = findSecretReferences(env);
  if (references.length === 0) return env;
  if (!boot.keyVaultUrl) {
    throw new AppError(
      'ConfigInvalid',
      `KEY_VAULT_URL must be set: ${references.map((r) => r.variable).join(', ')} refer to Key Vault secrets`,
    );
  }
  // Loaded only when needed: most deployments without Key Vault never load its SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when needed, after configuration is read
  const { createKeyVaultReader } = require('./secrets/key-vault-reader') as typeof import('./secrets/key-vault-reader.js');
  const reader = createKeyVaultReader({
    vaultUrl: boot.keyVaultUrl,
    ...(boot.azureClientId ? { clientId: boot.azureClientId } : {}),
    ...(boot.identityEndpoint ? { identityEndpoint: boot.identityEndpoint } : {}),
    logger,
  });
  return resolveSecretReferences(env, reader, { logger });
}

/** Loud on purpose: these settings decide whose signatures inbound requests are checked against. */
function warnAboutAuthOverrides(config: Readonly<Config>, logger: Logger): void {
  if (Object.keys(config.authOverrides).length === 0) return;
  logger.warn(
    { env: config.env, overrides: config.authOverrides },
    config.env === 'production'
      ? `authentication overrides in use in production (${AUTH_OVERRIDES_OPT_IN}=true): inbound tokens are checked against these endpoints and issuers, not the public cloud's`
      : 'authentication overrides in use: inbound tokens are checked against these endpoints and issuers (tests)',
  );
}

function fail(thrown: unknown): never {
  console.error(`Configuration error: ${coerceError(thrown).message}`);
  process.exit(1);
}
