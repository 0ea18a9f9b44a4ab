import path from 'node:path';
import { loadAlertSettings } from '../alerts/alert-settings';
import { loadConversationSettings } from '../bot/conversation-settings';
import { loadFeedbackSettings } from '../bot/feedback/feedback-settings';
import { loadModerationSettings } from '../bot/moderation/moderation-settings';
import type { BotAppType, Config, Environment } from '../config';
import { ConfigProblems, reader, type Env, type Reader } from '../config-reader';
import type { LogFormat } from '../logger';
import { loadRetentionSettings } from '../retention/retention-settings';
import { loadStatementSettings } from '../statements/statement-settings';
import { loadConsoleSettings } from '../web/console/console-settings';
import { loadBilledVsSentSettings } from '../worker/billed-vs-sent-settings';
import { loadAzure } from './azure-settings';
import {
  AUTH_OVERRIDE_VARIABLES,
  AUTH_OVERRIDES_OPT_IN,
  DEFAULT_PORT,
  ENVIRONMENTS,
  LOG_FORMATS,
  LOG_LEVELS,
  PLAYGROUND_USER_ID,
} from './constants';
import { loadDelivery } from './delivery-settings';
import { loadLanding } from './landing-settings';
import { loadEmulator, loadLicensing, loadMarketplace } from './marketplace-settings';
import { loadModel } from './model-settings';
import { definedOnly } from '../domain/defined';

/** The sections read after the others (and the production checks), from what those gave. */
type SectionsLoadedAfter = 'delivery' | 'store' | 'queue' | 'emulator' | 'marketplace' | 'landing' | 'console' | 'licensing';

export function loadConfig(env: Env): Readonly<Config> {
  const problems = new ConfigProblems();
  const r = reader(env, problems, {
    keyVaultReference:
      'a plain value once started, but it is still a keyvault: reference (every entry point resolves them at start, through src/bootstrap.ts, from KEY_VAULT_URL)',
  });
  const nodeEnv = r.oneOf<Environment>('NODE_ENV', ENVIRONMENTS, 'development');
  const production = nodeEnv === 'production';
  const port = r.int('PORT', DEFAULT_PORT, 0, 65535);
  const publicUrl = loadPublicUrl(r, problems, port);
  const dataDir = path.resolve(r.str('DATA_DIR', './data')!);
  const appId = r.str('BOT_ID', '')!;
  const appType = r.oneOf<BotAppType>('BOT_TYPE', ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], 'SingleTenant');
  const devSeed = r.bool('DEV_SEED', !production);

  const base: Omit<Config, SectionsLoadedAfter> = {
    env: nodeEnv,
    port,
    host: r.str('HOST', production ? '0.0.0.0' : '127.0.0.1')!,
    publicUrl,
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: r.oneOf<LogFormat>('LOG_FORMAT', LOG_FORMATS, 'auto'),
    maxBodyBytes: r.int('MAX_BODY_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
    dataDir,
    sqliteFile: path.resolve(dataDir, r.str('SQLITE_FILE', 'bot.sqlite')!),
    ...(r.str('PLAN_CATALOG_FILE') ? { planCatalogFile: path.resolve(r.str('PLAN_CATALOG_FILE')!) } : {}),
    promptsDir: path.resolve(r.str('PROMPTS_DIR') ?? path.join(projectRoot(), 'prompts')),
    bot: {
      appId,
      ...definedOnly({ appPassword: r.str('BOT_PASSWORD') }),
      appType,
      ...definedOnly({ tenantId: r.str('BOT_TENANT_ID') }),
      ...definedOnly({ openIdMetadataUrl: r.url('BOT_OPENID_METADATA_URL') }),
      ...definedOnly({ tokenIssuer: r.str('BOT_TOKEN_ISSUER') }),
      loginUrl: r.url('BOT_LOGIN_URL', 'https://login.microsoftonline.com')!,
    },
    model: {
      ...loadModel(r, problems, nodeEnv),
      timeoutMs: r.int('MODEL_TIMEOUT_MS', 60_000, 1000, 600_000),
      maxRetries: r.int('MODEL_MAX_RETRIES', 1, 0, 5),
    },
    enforcement: {
      seatAutoAssign: r.bool('SEAT_AUTO_ASSIGN', true),
      entitlementCacheMs: r.int('ENTITLEMENT_CACHE_SECONDS', 10, 0, 3600) * 1000,
      reservationTimeoutMs: r.int('RESERVATION_TIMEOUT_SECONDS', 600, 30, 86_400) * 1000,
      maxInputChars: r.int('MAX_INPUT_CHARS', 8000, 100, 100_000),
    },
    storeMessageText: r.bool('STORE_MESSAGE_TEXT', false),
    conversation: loadConversationSettings(r),
    feedback: loadFeedbackSettings(r, problems),
    moderation: loadModerationSettings(r, problems),
    productName: r.str('APP_DISPLAY_NAME', 'AI Assistant')!,
    links: {
      offerListingUrl: r.url('OFFER_LISTING_URL', 'https://appsource.microsoft.com/')!,
      landingPageUrl: r.url('LANDING_PAGE_URL', `${publicUrl}/landing`)!,
      manageSubscriptionUrl: r.url('MANAGE_SUBSCRIPTION_URL', 'https://admin.microsoft.com/Adminportal/Home#/subscriptions')!,
    },
    // In development the Playground's user is an operator too, so /metering can be tried locally.
    operatorIds: Object.freeze(r.list('OPERATOR_IDS').length || production ? r.list('OPERATOR_IDS') : [PLAYGROUND_USER_ID]),
    devSeed,
    clockOffsetMs: r.int('CLOCK_OFFSET_SECONDS', 0, -30 * 86_400, 30 * 86_400) * 1000,
    authOverrides: loadAuthOverrides(r, problems),
    worker: {
      mode: r.oneOf('WORKER', ['in-process', 'off'], 'in-process'),
      graceMs: r.int('METERING_GRACE_MINUTES', 5, 0, 120) * 60_000,
      pollMs: r.int('METERING_POLL_SECONDS', 30, 1, 3600) * 1000,
      maxAttempts: r.int('METERING_MAX_ATTEMPTS', 8, 1, 100),
      maxBatchWaitMs: r.int('METERING_MAX_BATCH_WAIT_MINUTES', 60, 0, 12 * 60) * 60_000,
      holdRetryMs: r.int('METERING_HOLD_RETRY_MINUTES', 30, 1, 24 * 60) * 60_000,
      queueLockMs: r.int('USAGE_QUEUE_LOCK_SECONDS', 60, 1, 3600) * 1000,
    },
    billedVsSent: loadBilledVsSentSettings(r, problems, nodeEnv),
    alerts: loadAlertSettings(r, problems),
    statements: loadStatementSettings(r),
    retention: loadRetentionSettings(r, problems),
  };

  if (production) {
    // An empty app id silently disables Bot Framework JWT checks: anyone could claim any tenant.
    if (!appId) problems.add('BOT_ID', 'set in production (an empty bot app id turns off inbound authentication)');
    if (appType !== 'UserAssignedMSI' && !base.bot.appPassword) {
      problems.add('BOT_PASSWORD', `set for BOT_TYPE=${appType} in production (the bot cannot answer without it)`);
    }
    if (appType !== 'MultiTenant' && !base.bot.tenantId) problems.add('BOT_TENANT_ID', `set for BOT_TYPE=${appType}`);
    if (devSeed) problems.add('DEV_SEED', 'off in production (it seeds a demo subscription)', r.raw('DEV_SEED'));
    if (base.clockOffsetMs !== 0) problems.add('CLOCK_OFFSET_SECONDS', 'unset in production (it shifts the clock, for tests)');
  }
  // The sections below depend on the fields above; read in this order, so problems are listed in it.
  const delivery = loadDelivery(r, problems, base.enforcement.reservationTimeoutMs);
  const azure = loadAzure(r, problems);
  const emulator = loadEmulator(r, problems, dataDir, nodeEnv);
  const config: Config = {
    ...base,
    delivery,
    ...azure,
    emulator,
    marketplace: loadMarketplace(r, problems, publicUrl, emulator.enabled, nodeEnv),
    landing: loadLanding(r, problems, nodeEnv),
    console: loadConsoleSettings(r, problems, nodeEnv),
    licensing: loadLicensing(r, publicUrl, emulator.enabled, base.bot),
  };

  problems.throwIfAny();
  return deepFreeze(config);
}

/** Stands in for a missing PUBLIC_URL while the other problems are collected; never used (the load throws). */
const MISSING_PUBLIC_URL = 'https://public-url.invalid';

/**
 * Links, the sign-in redirect and the session cookie's `Secure` flag derive from it: production needs the real
 * https address (the localhost default would send buyers nowhere).
 */
function loadPublicUrl(r: Reader, problems: ConfigProblems, port: number): string {
  if (!r.production) return r.url('PUBLIC_URL', `http://localhost:${port}`)!;
  const url = r.url('PUBLIC_URL');
  if (r.raw('PUBLIC_URL') === undefined)
    problems.add('PUBLIC_URL', "set in production to this service's https base URL (links, sign-in, Secure cookies)");
  return url ?? MISSING_PUBLIC_URL;
}

/** See AUTH_OVERRIDE_VARIABLES: refused in production without the opt-in, and always https there. */
function loadAuthOverrides(r: Reader, problems: ConfigProblems): Config['authOverrides'] {
  const inUse: Partial<Record<(typeof AUTH_OVERRIDE_VARIABLES)[number], string>> = {};
  for (const name of AUTH_OVERRIDE_VARIABLES) {
    const value = r.raw(name);
    if (value !== undefined) inUse[name] = value;
  }
  if (!r.production || Object.keys(inUse).length === 0) return inUse;
  const optedIn = r.bool(AUTH_OVERRIDES_OPT_IN, false);
  for (const [name, value] of Object.entries(inUse)) {
    if (!optedIn)
      problems.add(
        name,
        `unset in production: it replaces what inbound tokens are checked against (tests only; a sovereign cloud sets ${AUTH_OVERRIDES_OPT_IN}=true)`,
      );
    r.requireHttps(name, value);
  }
  return inUse;
}

/** The project root (holds package.json), so default paths work from `src/config/` under tsx and from `dist/src/config/`. */
function projectRoot(): string {
  const src = path.dirname(__dirname);
  return path.basename(path.dirname(src)) === 'dist' ? path.resolve(src, '../..') : path.resolve(src, '..');
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
