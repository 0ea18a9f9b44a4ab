import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { AppError } from './domain/errors';

/**
 * The only reader of the environment. Typed, validated at start and frozen: a bad value stops the process with a
 * message that names the variable and says what is expected. Tests build configs from plain objects.
 */

export type Environment = 'development' | 'test' | 'production';
export type BotAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export type ModelConfig =
  | { kind: 'offline' }
  | { kind: 'openai'; apiKey: string; model: string; baseUrl?: string }
  | { kind: 'azure-openai'; endpoint: string; deployment: string; apiVersion: string; apiKey?: string };

/** The Marketplace's own Entra app: its tokens call our webhook (`appid`/`azp`) and it is the API's resource. */
export const MARKETPLACE_APP_ID = '20e940b3-4c77-4b0b-9a53-9e16a1b010a7';
export const MARKETPLACE_API_BASE_URL = 'https://marketplaceapi.microsoft.com/api';
/** Where the local Marketplace emulator is mounted in the dev server (and standalone). */
export const EMULATOR_PREFIX = '/emulator';

export type MarketplaceAuth =
  /** The local emulator: a fixed bearer token. Development and tests only. */
  | { kind: 'emulator'; token: string }
  | { kind: 'client-secret'; tenantId: string; clientId: string; clientSecret: string }
  /** DefaultAzureCredential (managed identity in Azure); `clientId` picks a user-assigned identity. */
  | { kind: 'managed-identity'; clientId?: string };

export interface FaultConfig {
  /** Share of API calls answered 500/503 before doing anything. */
  errorRate: number;
  /** Share answered 429 with Retry-After. */
  throttleRate: number;
  /** Share that never answer (the client's timeout fires). */
  timeoutRate: number;
  /** Share processed, then answered 500: the work is done but the caller does not know. */
  lostResponseRate: number;
  /** Added to every API call. */
  latencyMs: number;
  /** Seed of the fault dice, for reproducible runs. */
  seed: number;
}

export interface Config {
  env: Environment;
  port: number;
  host: string;
  /** Public base URL of this service, used in links (landing page, manage view). No trailing slash. */
  publicUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  maxBodyBytes: number;
  dataDir: string;
  sqliteFile: string;
  planCatalogFile?: string;
  promptsDir: string;
  bot: {
    /** Empty only outside production: an empty app id turns Bot Framework authentication off. */
    appId: string;
    appPassword?: string;
    appType: BotAppType;
    tenantId?: string;
    /** Overrides for the inbound token check (tests sign their own Bot Framework tokens). */
    openIdMetadataUrl?: string;
    tokenIssuer?: string;
  };
  model: ModelConfig & { timeoutMs: number; maxRetries: number };
  enforcement: {
    /** Give free seats to users first come, first served on per-seat plans. */
    seatAutoAssign: boolean;
    /** How long a tenant's subscription is cached by the gate (the webhook invalidates it at once). 0 = no cache. */
    entitlementCacheMs: number;
    /** A reservation older than this was left by a crash and is released. */
    reservationTimeoutMs: number;
    /** Longer messages are refused politely, unbilled. */
    maxInputChars: number;
  };
  /** Message and response text are personal data: stored only when the operator opts in. */
  storeMessageText: boolean;
  /** Name the bot uses for itself in cards and pages. */
  productName: string;
  links: {
    offerListingUrl: string;
    landingPageUrl: string;
    manageSubscriptionUrl: string;
  };
  /** Entra object ids of the publisher's operators (operator commands). */
  operatorIds: readonly string[];
  /** Seeds a subscription for the Agents Playground's default tenant. Dev only. */
  devSeed: boolean;
  marketplace: {
    /** Fulfillment and Metering APIs (they share the base). No trailing slash. */
    apiBaseUrl: string;
    apiVersion: string;
    auth: MarketplaceAuth;
    offerId: string;
    publisherId: string;
    requestTimeoutMs: number;
    maxRetries: number;
    webhook: {
      /** Our fulfillment app's client id: the `aud` of webhook tokens. */
      audience: string;
      /** Our (publisher) tenant: the `tid` of webhook tokens. */
      tenantId: string;
      /** Accepted `iss` values. */
      issuers: readonly string[];
      jwksUrl: string;
      /** `appid` (v1 tokens) / `azp` (v2 tokens) that may call us. */
      callerAppId: string;
      clockSkewSeconds: number;
    };
    /** 0 = no periodic reconciliation. */
    reconcileIntervalMs: number;
  };
  /** The local Marketplace emulator, mounted at /emulator. Never in production. */
  emulator: {
    enabled: boolean;
    /** Port of `npm run emulator` (standalone). */
    port: number;
    faults: FaultConfig;
    /** Delay before an activated subscription reads `Subscribed` (activation is asynchronous in the real API). */
    activationDelayMs: number;
    /** Where the emulator keeps its state between restarts; none = memory only. */
    stateFile?: string;
  };
  store:
    | { kind: 'sqlite' }
    /** Azure SQL: a connection string, or server + database with an Entra token (managed identity, no password). */
    | { kind: 'mssql'; connectionString?: string; server?: string; database?: string; poolMax: number };
  queue:
    | { kind: 'outbox' }
    /** Azure Service Bus: a connection string, or the namespace host with an Entra token. */
    | { kind: 'servicebus'; connectionString?: string; namespace?: string; queueName: string };
  /** User-assigned managed identity for DefaultAzureCredential (`AZURE_CLIENT_ID`). */
  azureClientId?: string;
  /** Secrets given as `keyvault:<name>` are read from this vault. */
  keyVaultUrl?: string;
  applicationInsightsConnectionString?: string;
  /** When the Marketplace client secret expires (warned about ahead, in logs and /healthz). */
  marketplaceSecretExpiresAt?: Date;
  worker: {
    /** `in-process`: the metering worker runs in this process; `off`: it runs as its own process (`npm run worker`). */
    mode: 'in-process' | 'off';
    /** An hour is submitted once it has closed plus this grace. */
    graceMs: number;
    pollMs: number;
    /** Attempts of a report before it is failed (429/5xx/timeouts). */
    maxAttempts: number;
    /** A partial batch (fewer than 25) waits at most this long for more due hours; full batches go at once. */
    maxBatchWaitMs: number;
    /** Held reports (subscription not active) are tried again after this. */
    holdRetryMs: number;
    /**
     * Peek-lock of the embedded usage queue: messages a crashed worker had received come back after this. A pass
     * takes well under a second; 60 s, like Service Bus's default, leaves a wide margin.
     */
    queueLockMs: number;
  };
  /** Bearer token of the operator's JSON endpoints (/admin/api/...); none = those endpoints are off. */
  adminApiToken?: string;
  /** Development and tests only: the process's clock runs this far ahead (or behind) of real time. */
  clockOffsetMs: number;
  landing: {
    /** The Teams app id, for the "Open in Teams" deep link. */
    teamsAppId: string;
    /** Entra sign-in for buyers (OpenID Connect); required for Marketplace certification. */
    sso?: { clientId: string; clientSecret: string; authority: string };
    /** Key of the landing page's session cookie (HMAC). */
    sessionSecret: string;
    /** How long Activate waits for the subscription to read `Subscribed`. */
    activationWaitMs: number;
  };
}

/** The Agents Playground's default ids. They are not valid GUIDs: ids are never checked for shape. */
export const PLAYGROUND_TENANT_ID = '00000000-0000-0000-0000-0000000000001';
export const PLAYGROUND_USER_ID = '00000000-0000-0000-0000-0000000000020';

type Env = Record<string, string | undefined>;

function configError(name: string, expected: string, got?: string): never {
  const shown = got === undefined ? '' : ` (got "${got.length > 60 ? `${got.slice(0, 60)}…` : got}")`;
  throw new AppError('ConfigInvalid', `${name} must be ${expected}${shown}`);
}

/** Reader bound to one environment object; empty strings count as unset. */
function reader(env: Env) {
  const raw = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  return {
    raw,
    str: (name: string, fallback?: string) => raw(name) ?? fallback,
    int(name: string, fallback: number, min: number, max: number): number {
      const v = raw(name);
      if (v === undefined) return fallback;
      if (!/^-?\d+$/.test(v)) configError(name, `an integer between ${min} and ${max}`, v);
      const n = Number(v);
      if (n < min || n > max) configError(name, `an integer between ${min} and ${max}`, v);
      return n;
    },
    num(name: string, fallback: number, min: number, max: number): number {
      const v = raw(name);
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min || n > max) configError(name, `a number between ${min} and ${max}`, v);
      return n;
    },
    bool(name: string, fallback: boolean): boolean {
      const v = raw(name)?.toLowerCase();
      if (v === undefined) return fallback;
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      return configError(name, 'true or false', v);
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const v = raw(name);
      if (v === undefined) return fallback;
      const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
      return hit ?? configError(name, `one of ${allowed.join(', ')}`, v);
    },
    url(name: string, fallback?: string): string | undefined {
      const v = raw(name) ?? fallback;
      if (v === undefined) return undefined;
      let parsed: URL;
      try {
        parsed = new URL(v);
      } catch {
        return configError(name, 'an absolute http(s) URL', v);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') configError(name, 'an absolute http(s) URL', v);
      return v.replace(/\/+$/, '');
    },
    list: (name: string): string[] =>
      (raw(name) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
  };
}

/** The project root (holds package.json), so default paths work from `src/` under tsx and from `dist/src/`. */
function projectRoot(): string {
  const here = __dirname;
  return path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
}

function loadModel(r: ReturnType<typeof reader>, env: Environment): ModelConfig {
  const azureEndpoint = r.url('AZURE_OPENAI_ENDPOINT');
  if (azureEndpoint) {
    const deployment =
      r.str('AZURE_OPENAI_DEPLOYMENT') ?? configError('AZURE_OPENAI_DEPLOYMENT', 'set when AZURE_OPENAI_ENDPOINT is set');
    const apiKey = r.str('AZURE_OPENAI_API_KEY');
    return {
      kind: 'azure-openai',
      endpoint: azureEndpoint,
      deployment,
      apiVersion: r.str('AZURE_OPENAI_API_VERSION', '2024-10-21')!,
      ...(apiKey ? { apiKey } : {}),
    };
  }
  const apiKey = r.str('OPENAI_API_KEY');
  const baseUrl = r.url('OPENAI_BASE_URL');
  if (apiKey || baseUrl) {
    // OpenAI-compatible servers often need no key; the client still wants a non-empty one.
    return {
      kind: 'openai',
      apiKey: apiKey ?? 'not-needed',
      model: r.str('OPENAI_MODEL', 'gpt-4o-mini')!,
      ...(baseUrl ? { baseUrl } : {}),
    };
  }
  if (env === 'production') {
    configError(
      'OPENAI_API_KEY',
      'set (or OPENAI_BASE_URL, or AZURE_OPENAI_ENDPOINT) in production: the offline model is for development only',
    );
  }
  return { kind: 'offline' };
}

/**
 * What the entry points need before Key Vault references are resolved (so none of these may be a reference): the
 * log level, the vault, the identity that reads it, and Application Insights (telemetry starts first of all).
 */
export interface BootstrapConfig {
  logLevel: Config['logLevel'];
  keyVaultUrl?: string;
  azureClientId?: string;
  applicationInsightsConnectionString?: string;
}

export function loadBootstrapConfig(env: Env): BootstrapConfig {
  const r = reader(env);
  const clientId = r.str('AZURE_CLIENT_ID');
  // A `keyvault:` value already fails here as "not an http(s) URL".
  const vault = r.url('KEY_VAULT_URL');
  const insights = r.str('APPLICATIONINSIGHTS_CONNECTION_STRING');
  if (insights?.toLowerCase().startsWith('keyvault:')) {
    configError('APPLICATIONINSIGHTS_CONNECTION_STRING', 'a plain value (telemetry starts before Key Vault is read)');
  }
  if (clientId?.toLowerCase().startsWith('keyvault:'))
    configError('AZURE_CLIENT_ID', 'a plain value (it is the identity that reads Key Vault)');
  return {
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    ...(vault ? { keyVaultUrl: vault } : {}),
    ...(clientId ? { azureClientId: clientId } : {}),
    ...(insights ? { applicationInsightsConnectionString: insights } : {}),
  };
}

/** The process environment: entry points hand it to the loaders above (this module is its only reader). */
export function processEnvironment(): Env {
  return process.env;
}

export function loadConfig(env: Env): Readonly<Config> {
  const r = reader(env);
  const nodeEnv = r.oneOf<Environment>('NODE_ENV', ['development', 'test', 'production'], 'development');
  const production = nodeEnv === 'production';
  const port = r.int('PORT', 3978, 0, 65535);
  const publicUrl = r.url('PUBLIC_URL', `http://localhost:${port}`)!;
  const dataDir = path.resolve(r.str('DATA_DIR', './data')!);
  const appId = r.str('BOT_ID', '')!;
  const appType = r.oneOf<BotAppType>('BOT_TYPE', ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], 'SingleTenant');
  const devSeed = r.bool('DEV_SEED', !production);

  const config: Config = {
    env: nodeEnv,
    port,
    host: r.str('HOST', production ? '0.0.0.0' : '127.0.0.1')!,
    publicUrl,
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    maxBodyBytes: r.int('MAX_BODY_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
    dataDir,
    sqliteFile: path.resolve(dataDir, r.str('SQLITE_FILE', 'bot.sqlite')!),
    ...(r.str('PLAN_CATALOG_FILE') ? { planCatalogFile: path.resolve(r.str('PLAN_CATALOG_FILE')!) } : {}),
    promptsDir: path.resolve(r.str('PROMPTS_DIR') ?? path.join(projectRoot(), 'prompts')),
    bot: {
      appId,
      ...(r.str('BOT_PASSWORD') ? { appPassword: r.str('BOT_PASSWORD') } : {}),
      appType,
      ...(r.str('BOT_TENANT_ID') ? { tenantId: r.str('BOT_TENANT_ID') } : {}),
      ...(r.url('BOT_OPENID_METADATA_URL') ? { openIdMetadataUrl: r.url('BOT_OPENID_METADATA_URL') } : {}),
      ...(r.str('BOT_TOKEN_ISSUER') ? { tokenIssuer: r.str('BOT_TOKEN_ISSUER') } : {}),
    },
    model: {
      ...loadModel(r, nodeEnv),
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
    // Filled below: they depend on the fields above.
    marketplace: undefined as unknown as Config['marketplace'],
    store: { kind: 'sqlite' },
    queue: { kind: 'outbox' },
    worker: {
      mode: r.oneOf('WORKER', ['in-process', 'off'], 'in-process'),
      graceMs: r.int('METERING_GRACE_MINUTES', 5, 0, 120) * 60_000,
      pollMs: r.int('METERING_POLL_SECONDS', 30, 1, 3600) * 1000,
      maxAttempts: r.int('METERING_MAX_ATTEMPTS', 8, 1, 100),
      maxBatchWaitMs: r.int('METERING_MAX_BATCH_WAIT_MINUTES', 60, 0, 12 * 60) * 60_000,
      holdRetryMs: r.int('METERING_HOLD_RETRY_MINUTES', 30, 1, 24 * 60) * 60_000,
      queueLockMs: r.int('USAGE_QUEUE_LOCK_SECONDS', 60, 1, 3600) * 1000,
    },
    emulator: undefined as unknown as Config['emulator'],
    landing: undefined as unknown as Config['landing'],
  };

  if (production) {
    // An empty app id silently disables Bot Framework JWT checks: anyone could claim any tenant.
    if (!appId) configError('BOT_ID', 'set in production (an empty bot app id turns off inbound authentication)');
    if (appType !== 'UserAssignedMSI' && !config.bot.appPassword) {
      configError('BOT_PASSWORD', `set for BOT_TYPE=${appType} in production (the bot cannot answer without it)`);
    }
    if (appType !== 'MultiTenant' && !config.bot.tenantId) configError('BOT_TENANT_ID', `set for BOT_TYPE=${appType}`);
    if (devSeed) configError('DEV_SEED', 'off in production (it seeds a demo subscription)', env.DEV_SEED);
    if (config.clockOffsetMs !== 0) configError('CLOCK_OFFSET_SECONDS', 'unset in production (it shifts the clock, for tests)');
  }
  loadAzure(r, config, nodeEnv);
  config.emulator = loadEmulator(r, config, nodeEnv);
  config.marketplace = loadMarketplace(r, config, nodeEnv);
  config.landing = loadLanding(r, nodeEnv);

  return deepFreeze(config);
}

type Reader = ReturnType<typeof reader>;

function loadAzure(r: Reader, config: Config, env: Environment): void {
  const storeKind = r.oneOf('STORE', ['sqlite', 'mssql'], 'sqlite');
  if (storeKind === 'mssql') {
    const connectionString = r.str('MSSQL_CONNECTION_STRING');
    const server = r.str('MSSQL_SERVER');
    const database = r.str('MSSQL_DATABASE');
    if (!connectionString && !(server && database))
      configError('MSSQL_SERVER', 'set with MSSQL_DATABASE (or MSSQL_CONNECTION_STRING) when STORE=mssql');
    config.store = {
      kind: 'mssql',
      ...(connectionString ? { connectionString } : {}),
      ...(server ? { server } : {}),
      ...(database ? { database } : {}),
      poolMax: r.int('MSSQL_POOL_MAX', 10, 1, 200),
    };
  }
  const queueKind = r.oneOf('QUEUE', ['outbox', 'servicebus'], 'outbox');
  if (queueKind === 'servicebus') {
    const connectionString = r.str('SERVICEBUS_CONNECTION_STRING');
    const namespace = r.str('SERVICEBUS_NAMESPACE');
    if (!connectionString && !namespace)
      configError('SERVICEBUS_NAMESPACE', 'set (or SERVICEBUS_CONNECTION_STRING) when QUEUE=servicebus');
    config.queue = {
      kind: 'servicebus',
      ...(connectionString ? { connectionString } : {}),
      ...(namespace ? { namespace } : {}),
      queueName: r.str('SERVICEBUS_QUEUE', 'usage-reporting-queue')!,
    };
  }
  const clientId = r.str('AZURE_CLIENT_ID');
  if (clientId) config.azureClientId = clientId;
  const vault = r.url('KEY_VAULT_URL');
  if (vault) config.keyVaultUrl = vault;
  const insights = r.str('APPLICATIONINSIGHTS_CONNECTION_STRING');
  if (insights) config.applicationInsightsConnectionString = insights;
  const expires = r.str('MARKETPLACE_CLIENT_SECRET_EXPIRES_AT');
  if (expires) {
    const date = new Date(expires);
    if (Number.isNaN(date.getTime()))
      configError('MARKETPLACE_CLIENT_SECRET_EXPIRES_AT', 'an ISO date (e.g. 2027-03-31)', expires);
    config.marketplaceSecretExpiresAt = date;
  }
  const adminToken = r.str('ADMIN_API_TOKEN');
  if (adminToken) {
    if (adminToken.length < 32) configError('ADMIN_API_TOKEN', 'at least 32 characters');
    config.adminApiToken = adminToken;
  }
  void env;
}

function loadEmulator(r: Reader, config: Config, env: Environment): Config['emulator'] {
  const enabled = r.bool('EMULATOR', env !== 'production' && !r.raw('MARKETPLACE_API_BASE_URL'));
  if (enabled && env === 'production')
    configError('EMULATOR', 'off in production (the Marketplace emulator is for development and tests)');
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
        ? { stateFile: path.join(config.dataDir, 'emulator.json') }
        : {}),
  };
}

function loadMarketplace(r: Reader, config: Config, env: Environment): Config['marketplace'] {
  // With the emulator (the development default), everything points at it, mounted in this server.
  const emulatorOn = r.bool('EMULATOR', env !== 'production' && !r.raw('MARKETPLACE_API_BASE_URL'));
  const emulatorBase = `${config.publicUrl}${EMULATOR_PREFIX}`;
  const apiBaseUrl = r.url('MARKETPLACE_API_BASE_URL', emulatorOn ? `${emulatorBase}/api` : MARKETPLACE_API_BASE_URL)!;
  const clientId = r.str('MARKETPLACE_CLIENT_ID');
  const clientSecret = r.str('MARKETPLACE_CLIENT_SECRET');
  const tenantId = r.str('PUBLISHER_TENANT_ID', emulatorOn ? 'emulator-publisher-tenant' : undefined);
  let auth: MarketplaceAuth;
  if (clientId && clientSecret) {
    if (!tenantId) configError('PUBLISHER_TENANT_ID', 'set with MARKETPLACE_CLIENT_ID and MARKETPLACE_CLIENT_SECRET');
    auth = { kind: 'client-secret', tenantId, clientId, clientSecret };
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
    configError('MARKETPLACE_AUTH', 'managed-identity or a client secret in production');
  const audience = r.str('MARKETPLACE_WEBHOOK_AUDIENCE', clientId ?? (emulatorOn ? 'emulator-fulfillment-app' : undefined));
  if (env === 'production' && !audience)
    configError(
      'MARKETPLACE_WEBHOOK_AUDIENCE',
      'set in production (the client id of the fulfillment app the webhook tokens are issued for)',
    );
  if (env === 'production' && !tenantId)
    configError('PUBLISHER_TENANT_ID', 'set in production (the tenant the webhook tokens come from)');
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

function loadLanding(r: Reader, env: Environment): Config['landing'] {
  const ssoClientId = r.str('LANDING_SSO_CLIENT_ID');
  const ssoSecret = r.str('LANDING_SSO_CLIENT_SECRET');
  if (ssoClientId && !ssoSecret) configError('LANDING_SSO_CLIENT_SECRET', 'set with LANDING_SSO_CLIENT_ID');
  const sessionSecret = r.str('SESSION_SECRET');
  if (env === 'production' && (!sessionSecret || sessionSecret.length < 32)) {
    configError('SESSION_SECRET', 'at least 32 characters in production (it signs the landing page session)');
  }
  return {
    teamsAppId: r.str('TEAMS_APP_ID', '00000000-0000-0000-0000-000000000000')!,
    ...(ssoClientId && ssoSecret
      ? {
          sso: {
            clientId: ssoClientId,
            clientSecret: ssoSecret,
            authority: r.url('LANDING_SSO_AUTHORITY', 'https://login.microsoftonline.com/organizations')!,
          },
        }
      : {}),
    // Outside production a per-process random key: sessions do not survive a restart, which is fine locally.
    sessionSecret: sessionSecret ?? randomBytes(32).toString('hex'),
    activationWaitMs: r.int('ACTIVATION_WAIT_MS', 10_000, 0, 120_000),
  };
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
