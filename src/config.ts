import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import path from 'node:path';
import { loadAlertSettings, type AlertSettings } from './alerts/alert-settings';
import { ConfigProblems, reader, type Env, type Reader } from './config-reader';
import { definedOnly } from './domain/defined';
import { loadBilledVsSentSettings, type BilledVsSentSettings } from './worker/billed-vs-sent-settings';
import type { LogFormat } from './logger';
import { loadConversationSettings, type ConversationSettings } from './bot/conversation-settings';
import { loadStatementSettings, type StatementSettings } from './statements/statement-settings';
import { loadFeedbackSettings, type FeedbackSettings } from './bot/feedback/feedback-settings';
import { loadModerationSettings, type ModerationSettings } from './bot/moderation/moderation-settings';
import { loadConsoleSettings, type ConsoleSettings } from './web/console/console-settings';
import { loadRetentionSettings, type RetentionSettings } from './retention/retention-settings';

/**
 * The only reader of the environment. Typed, validated at start and frozen: a bad configuration stops the process
 * with one message listing every problem, each naming its variable and saying what is expected. Tests build
 * configs from plain objects.
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

/**
 * Settings that replace what inbound tokens are checked against (the Bot Framework's OpenID metadata and issuer,
 * the webhook's Entra keys and issuer). Tests point them at keys they generate. In production such a setting turns
 * authentication into "trust whoever signs for this URL", so it is refused unless `ALLOW_AUTH_OVERRIDES=true`
 * opts in, and then only over https, and start-up warns about it. The opt-in exists for sovereign clouds (US
 * Government, China), whose Bot Framework and Entra endpoints differ from the public cloud's defaults.
 */
export const AUTH_OVERRIDE_VARIABLES = [
  'BOT_OPENID_METADATA_URL',
  'BOT_TOKEN_ISSUER',
  // Outbound: where the bot sends its own client secret for a token. A test server here would receive the secret.
  'BOT_LOGIN_URL',
  'MARKETPLACE_WEBHOOK_JWKS_URL',
  'MARKETPLACE_WEBHOOK_ISSUER',
  // Where the bot sends its secret for a Graph token, and whose licence verdicts it trusts.
  'GRAPH_AUTHORITY_URL',
  'GRAPH_BASE_URL',
] as const;
export const AUTH_OVERRIDES_OPT_IN = 'ALLOW_AUTH_OVERRIDES';

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

/** Time limits of normal (connector) delivery. Turns in `expectReplies` mode answer in the HTTP response instead. */
export interface DeliveryConfig {
  /**
   * A turn still running this long after it started is acknowledged (HTTP 200) and goes on: its replies reach the
   * user through the connector. Teams treats a delivery not answered within about 15 s as failed and sends it again.
   * @defaultValue 5000 (`ACK_AFTER_MS`)
   */
  acknowledgeAfterMs: number;
  /**
   * A turn still running this long after its request arrived is abandoned: nothing more is sent, its claim and held
   * units go back (or it is billed when its answer was already handed to the connector), in-flight count released.
   * @defaultValue 120000 (`TURN_DEADLINE_MS`)
   */
  turnDeadlineMs: number;
  /** Each call to the Bot Connector (reply, typing). @defaultValue 10000 (`CONNECTOR_TIMEOUT_MS`) */
  connectorTimeoutMs: number;
  /** Each call for the bot's own outbound token (Entra or the managed identity endpoint). @defaultValue 10000 (`BOT_TOKEN_TIMEOUT_MS`) */
  tokenTimeoutMs: number;
}

export interface Config {
  env: Environment;
  port: number;
  host: string;
  /** Public base URL of this service, used in links (landing page, manage view). No trailing slash. */
  publicUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** @defaultValue `auto`: readable lines in development on a terminal, JSON otherwise (see `logDestination`) */
  logFormat: LogFormat;
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
    /**
     * Entra's token endpoint base for the bot's outbound token (`<loginUrl>/<tenant>/oauth2/v2.0/token`).
     * @defaultValue `https://login.microsoftonline.com`
     */
    loginUrl: string;
  };
  /** How replies reach Teams and how long a turn may take (README "Delivery and time limits"). */
  delivery: DeliveryConfig;
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
  /** Streaming of answers and conversation history (src/bot/conversation-settings.ts). */
  conversation: ConversationSettings;
  /** Retention of 👍/👎 feedback and content reports (src/bot/feedback/feedback-settings.ts). */
  feedback: FeedbackSettings;
  /** Moderation of input and output, off unless configured (src/bot/moderation/moderation-settings.ts). */
  moderation: ModerationSettings;
  /** Rollups of usage, raw usage and message text retention, tenant erasure (src/retention/). */
  retention: RetentionSettings;
  /** Name the bot uses for itself in cards and pages. */
  productName: string;
  links: {
    offerListingUrl: string;
    landingPageUrl: string;
    manageSubscriptionUrl: string;
  };
  /** Operator alerts: the signed webhook, delivery and burst settings (src/alerts/alert-settings.ts). */
  alerts: AlertSettings;
  /** Entra object ids of the publisher's operators (operator commands). */
  operatorIds: readonly string[];
  /** Seeds a subscription for the Agents Playground's default tenant. Dev only. */
  devSeed: boolean;
  /** Microsoft-managed licences: where and how the bot checks a user's `usageRights`. */
  licensing: {
    /** Microsoft Graph, no trailing slash. @defaultValue https://graph.microsoft.com (the emulator's with EMULATOR on) */
    graphBaseUrl: string;
    /** Entra token endpoint base; the user's tenant id is appended. @defaultValue https://login.microsoftonline.com */
    authorityUrl: string;
    /** The bot's app id (BOT_ID) and secret (BOT_PASSWORD): the app that holds User.Read.All. */
    clientId: string;
    clientSecret?: string;
    /** How long an answer is kept per user and plan. @defaultValue 5 minutes (LICENCE_CACHE_SECONDS=300) */
    cacheMs: number;
    /** One Graph or token call may take this long before the check counts as unreachable. @defaultValue 5 s */
    timeoutMs: number;
  };
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
  /**
   * The managed identity endpoint App Service and Functions provide (`IDENTITY_ENDPOINT`): when set, Azure clients
   * use the managed identity credential directly instead of DefaultAzureCredential's chain.
   */
  identityEndpoint?: string;
  /** Secrets given as `keyvault:<name>` are read from this vault. */
  keyVaultUrl?: string;
  applicationInsightsConnectionString?: string;
  /** When the Marketplace client secret expires (warned about ahead, in logs and /healthz). */
  marketplaceSecretExpiresAt?: Date;
  /** The daily billed-vs-sent job (src/worker/billed-vs-sent-settings.ts). */
  billedVsSent: BilledVsSentSettings;
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
  /** The authentication overrides in effect (variable → value, no secrets): start-up warns about each. */
  authOverrides: Readonly<Partial<Record<(typeof AUTH_OVERRIDE_VARIABLES)[number], string>>>;
  /** The publisher console (src/web/console/console-settings.ts). */
  console: ConsoleSettings;
  landing: {
    /** The Teams app id, for the "Open in Teams" deep link. */
    teamsAppId: string;
    /**
     * Entra sign-in for buyers (OpenID Connect, code flow with PKCE); Marketplace requires it, so production refuses
     * to start without. The app registration's credential: a certificate (preferred: nothing to leak in a form
     * post, no secret to rotate every two years) or a client secret.
     */
    sso?: LandingSsoConfig;
    /** Key of the landing page's session cookie (HMAC). */
    sessionSecret: string;
    /** How long Activate waits for the subscription to read `Subscribed`. */
    activationWaitMs: number;
  };
  /** Usage statements (src/statements/statement-settings.ts). */
  statements: StatementSettings;
}

export interface LandingSsoConfig {
  clientId: string;
  /** LANDING_SSO_CLIENT_SECRET; absent when a certificate is configured. */
  clientSecret?: string;
  /** LANDING_SSO_CERTIFICATE: PEM holding the private key and the certificate registered on the app. */
  certificatePem?: string;
  /**
   * LANDING_SSO_AUTHORITY. @defaultValue https://login.microsoftonline.com/organizations (work and school accounts
   * of any tenant, as Marketplace asks)
   */
  authority: string;
  /** LANDING_SSO_CLIENT_SECRET_EXPIRES_AT: warned about daily and on /healthz for 30 days before. */
  secretExpiresAt?: Date;
}

/** The Azure identity settings (src/secrets/azure-credential.ts) of a loaded configuration. */
export function azureIdentityOf(config: Pick<Config, 'azureClientId' | 'identityEndpoint'>): {
  clientId?: string;
  identityEndpoint?: string;
} {
  return {
    ...(config.azureClientId ? { clientId: config.azureClientId } : {}),
    ...(config.identityEndpoint ? { identityEndpoint: config.identityEndpoint } : {}),
  };
}

/** The Agents Playground's default ids. They are not valid GUIDs: ids are never checked for shape. */
export const PLAYGROUND_TENANT_ID = '00000000-0000-0000-0000-0000000000001';
export const PLAYGROUND_USER_ID = '00000000-0000-0000-0000-0000000000020';

/** The project root (holds package.json), so default paths work from `src/` under tsx and from `dist/src/`. */
function projectRoot(): string {
  const here = __dirname;
  return path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
}

function loadModel(r: Reader, problems: ConfigProblems, env: Environment): ModelConfig {
  const azureEndpoint = r.url('AZURE_OPENAI_ENDPOINT');
  if (azureEndpoint) {
    const deployment = r.str('AZURE_OPENAI_DEPLOYMENT');
    if (!deployment) problems.add('AZURE_OPENAI_DEPLOYMENT', 'set when AZURE_OPENAI_ENDPOINT is set');
    const apiKey = r.str('AZURE_OPENAI_API_KEY');
    return {
      kind: 'azure-openai',
      endpoint: azureEndpoint,
      deployment: deployment ?? '',
      apiVersion: r.str('AZURE_OPENAI_API_VERSION', '2024-10-21')!,
      ...(apiKey ? { apiKey } : {}),
    };
  }
  const apiKey = r.str('OPENAI_API_KEY');
  // A model server beside the app (same host or container group) may be plain http on loopback, even in production.
  const baseUrl = r.url('OPENAI_BASE_URL', undefined, { loopbackHttpOk: true });
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
    problems.add(
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

/** Where the bot listens. @defaultValue 3978, the Teams Toolkit's and the Agents Playground's port */
export const DEFAULT_PORT = 3978;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
const ENVIRONMENTS = ['development', 'test', 'production'] as const;

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
 * Names the settings file read at start. @defaultValue `.env` in the working directory, optional; a file named
 * here must exist; `none` reads no file (tests that start entry points from the repository use it).
 */
export const ENV_FILE_VARIABLE = 'ENV_FILE';

let envFileRead = false;

/**
 * The process environment: entry points hand it to the loaders above (this module is its only reader). The first
 * call adds the settings of the `.env` file (see `ENV_FILE_VARIABLE`) with Node's own `process.loadEnvFile`, which
 * never replaces a variable already set, even to an empty value: the shell and App Service settings win.
 */
export function processEnvironment(): Env {
  if (!envFileRead) {
    envFileRead = true;
    readEnvFile(process.env);
  }
  return process.env;
}

function readEnvFile(env: Env): void {
  const named = env[ENV_FILE_VARIABLE]?.trim();
  if (named?.toLowerCase() === 'none') return;
  // Node 20.12+ and 21.7+; on an older Node the file is not read (the engines range allows 20.19+ only).
  const loadEnvFile = (process as { loadEnvFile?: (file: string) => void }).loadEnvFile;
  if (!loadEnvFile) return;
  const file = path.resolve(named || '.env');
  try {
    loadEnvFile(file);
  } catch (thrown) {
    const code = (thrown as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !named) return;
    const problems = new ConfigProblems();
    problems.add(ENV_FILE_VARIABLE, code === 'ENOENT' ? 'an existing file, or none' : 'a readable settings file', file);
    problems.throwIfAny();
  }
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

  const config: Config = {
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
    delivery: undefined as unknown as DeliveryConfig,
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
    billedVsSent: loadBilledVsSentSettings(r, problems, nodeEnv),
    emulator: undefined as unknown as Config['emulator'],
    landing: undefined as unknown as Config['landing'],
    console: undefined as unknown as Config['console'],
    licensing: undefined as unknown as Config['licensing'],
    alerts: loadAlertSettings(r, problems),
    statements: loadStatementSettings(r),
    retention: loadRetentionSettings(r, problems),
  };

  if (production) {
    // An empty app id silently disables Bot Framework JWT checks: anyone could claim any tenant.
    if (!appId) problems.add('BOT_ID', 'set in production (an empty bot app id turns off inbound authentication)');
    if (appType !== 'UserAssignedMSI' && !config.bot.appPassword) {
      problems.add('BOT_PASSWORD', `set for BOT_TYPE=${appType} in production (the bot cannot answer without it)`);
    }
    if (appType !== 'MultiTenant' && !config.bot.tenantId) problems.add('BOT_TENANT_ID', `set for BOT_TYPE=${appType}`);
    if (devSeed) problems.add('DEV_SEED', 'off in production (it seeds a demo subscription)', r.raw('DEV_SEED'));
    if (config.clockOffsetMs !== 0) problems.add('CLOCK_OFFSET_SECONDS', 'unset in production (it shifts the clock, for tests)');
  }
  config.delivery = loadDelivery(r, problems, config.enforcement.reservationTimeoutMs);
  loadAzure(r, problems, config);
  config.emulator = loadEmulator(r, problems, config, nodeEnv);
  config.marketplace = loadMarketplace(r, problems, config, nodeEnv);
  config.landing = loadLanding(r, problems, nodeEnv);
  config.console = loadConsoleSettings(r, problems, nodeEnv);
  config.licensing = loadLicensing(r, config);

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

function loadAzure(r: Reader, problems: ConfigProblems, config: Config): void {
  const storeKind = r.oneOf('STORE', ['sqlite', 'mssql'], 'sqlite');
  if (storeKind === 'mssql') {
    const connectionString = r.str('MSSQL_CONNECTION_STRING');
    const server = r.str('MSSQL_SERVER');
    const database = r.str('MSSQL_DATABASE');
    if (!connectionString && !(server && database))
      problems.add('MSSQL_SERVER', 'set with MSSQL_DATABASE (or MSSQL_CONNECTION_STRING) when STORE=mssql');
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
      problems.add('SERVICEBUS_NAMESPACE', 'set (or SERVICEBUS_CONNECTION_STRING) when QUEUE=servicebus');
    config.queue = {
      kind: 'servicebus',
      ...(connectionString ? { connectionString } : {}),
      ...(namespace ? { namespace } : {}),
      queueName: r.str('SERVICEBUS_QUEUE', 'usage-reporting-queue')!,
    };
  }
  const clientId = r.str('AZURE_CLIENT_ID');
  if (clientId) config.azureClientId = clientId;
  const identityEndpoint = r.str('IDENTITY_ENDPOINT');
  if (identityEndpoint) config.identityEndpoint = identityEndpoint;
  const vault = r.url('KEY_VAULT_URL');
  if (vault) config.keyVaultUrl = vault;
  const insights = r.str('APPLICATIONINSIGHTS_CONNECTION_STRING');
  if (insights) config.applicationInsightsConnectionString = insights;
  const expires = r.str('MARKETPLACE_CLIENT_SECRET_EXPIRES_AT');
  if (expires) {
    const date = new Date(expires);
    if (Number.isNaN(date.getTime()))
      problems.add('MARKETPLACE_CLIENT_SECRET_EXPIRES_AT', 'an ISO date (e.g. 2027-03-31)', expires);
    else config.marketplaceSecretExpiresAt = date;
  }
  const adminToken = r.str('ADMIN_API_TOKEN');
  if (adminToken) {
    if (adminToken.length < 32) problems.add('ADMIN_API_TOKEN', 'at least 32 characters');
    config.adminApiToken = adminToken;
  }
}

/** Teams treats a delivery not answered within about 15 s as failed: the acknowledgement must come well before. */
const TEAMS_DELIVERY_LIMIT_MS = 15_000;

function loadDelivery(r: Reader, problems: ConfigProblems, reservationTimeoutMs: number): DeliveryConfig {
  const delivery: DeliveryConfig = {
    acknowledgeAfterMs: r.int('ACK_AFTER_MS', 5000, 0, TEAMS_DELIVERY_LIMIT_MS - 1000),
    turnDeadlineMs: r.int('TURN_DEADLINE_MS', 120_000, 100, 3_600_000),
    connectorTimeoutMs: r.int('CONNECTOR_TIMEOUT_MS', 10_000, 50, 120_000),
    tokenTimeoutMs: r.int('BOT_TOKEN_TIMEOUT_MS', 10_000, 50, 120_000),
  };
  if (delivery.turnDeadlineMs <= delivery.acknowledgeAfterMs)
    problems.add('TURN_DEADLINE_MS', `greater than ACK_AFTER_MS (${delivery.acknowledgeAfterMs})`, r.raw('TURN_DEADLINE_MS'));
  // The stale sweep frees claims older than the reservation timeout: a live turn's claim must never look stale, or
  // a redelivery could be answered a second time.
  if (delivery.turnDeadlineMs >= reservationTimeoutMs)
    problems.add(
      'TURN_DEADLINE_MS',
      `less than RESERVATION_TIMEOUT_SECONDS (${reservationTimeoutMs / 1000} s)`,
      r.raw('TURN_DEADLINE_MS'),
    );
  return delivery;
}

/**
 * Microsoft-managed licences (README "Catalog"): the bot asks Microsoft Graph for a user's `usageRights` with an app
 * token of the bot's own Entra app (client credentials in the user's tenant; application permission User.Read.All,
 * consented by the customer's admin). With the emulator on, Graph and the token endpoint are the emulator's.
 */
function loadLicensing(r: Reader, config: Config): Config['licensing'] {
  const emulatorBase = `${config.publicUrl}${EMULATOR_PREFIX}`;
  const emulatorOn = config.emulator.enabled;
  return {
    graphBaseUrl: r.url('GRAPH_BASE_URL', emulatorOn ? `${emulatorBase}/graph` : 'https://graph.microsoft.com')!,
    authorityUrl: r.url('GRAPH_AUTHORITY_URL', emulatorOn ? `${emulatorBase}/graph-login` : 'https://login.microsoftonline.com')!,
    clientId: config.bot.appId,
    ...(config.bot.appPassword ? { clientSecret: config.bot.appPassword } : {}),
    cacheMs: r.int('LICENCE_CACHE_SECONDS', 300, 0, 86_400) * 1000,
    timeoutMs: r.int('LICENCE_TIMEOUT_SECONDS', 5, 1, 60) * 1000,
  };
}

function loadEmulator(r: Reader, problems: ConfigProblems, config: Config, env: Environment): Config['emulator'] {
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
        ? { stateFile: path.join(config.dataDir, 'emulator.json') }
        : {}),
  };
}

function loadMarketplace(r: Reader, problems: ConfigProblems, config: Config, env: Environment): Config['marketplace'] {
  // With the emulator (the development default), everything points at it, mounted in this server.
  const emulatorOn = r.bool('EMULATOR', env !== 'production' && !r.raw('MARKETPLACE_API_BASE_URL'));
  const emulatorBase = `${config.publicUrl}${EMULATOR_PREFIX}`;
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

function loadLanding(r: Reader, problems: ConfigProblems, env: Environment): Config['landing'] {
  const ssoClientId = r.str('LANDING_SSO_CLIENT_ID');
  const ssoSecret = r.str('LANDING_SSO_CLIENT_SECRET');
  const certificatePem = r.str('LANDING_SSO_CERTIFICATE');
  if (env === 'production') {
    // Marketplace certification: the landing page of a transactable SaaS offer signs the buyer in with Entra ID.
    const why = 'set in production (Marketplace requires Entra sign-in on the landing page of a transactable offer)';
    if (!ssoClientId) problems.add('LANDING_SSO_CLIENT_ID', why);
    if (!ssoSecret && !certificatePem) problems.add('LANDING_SSO_CLIENT_SECRET', `${why}; or LANDING_SSO_CERTIFICATE instead`);
  } else if (ssoClientId && !ssoSecret && !certificatePem)
    problems.add('LANDING_SSO_CLIENT_SECRET', 'set with LANDING_SSO_CLIENT_ID (or LANDING_SSO_CERTIFICATE)');
  if (certificatePem && !validCertificatePem(certificatePem))
    problems.add('LANDING_SSO_CERTIFICATE', 'a PEM holding the private key and the certificate of the landing app registration');
  const expires = r.str('LANDING_SSO_CLIENT_SECRET_EXPIRES_AT');
  let secretExpiresAt: Date | undefined;
  if (expires) {
    secretExpiresAt = new Date(expires);
    if (Number.isNaN(secretExpiresAt.getTime())) {
      problems.add('LANDING_SSO_CLIENT_SECRET_EXPIRES_AT', 'an ISO date (e.g. 2027-03-31)', expires);
      secretExpiresAt = undefined;
    }
  }
  const sessionSecret = r.str('SESSION_SECRET');
  if (env === 'production' && (!sessionSecret || sessionSecret.length < 32)) {
    problems.add('SESSION_SECRET', 'at least 32 characters in production (it signs the landing page session)');
  }
  return {
    teamsAppId: r.str('TEAMS_APP_ID', '00000000-0000-0000-0000-000000000000')!,
    ...(ssoClientId && (ssoSecret || certificatePem)
      ? {
          sso: {
            clientId: ssoClientId,
            // The certificate wins when both are set: the secret can then be deleted from the registration.
            ...(certificatePem ? { certificatePem } : { clientSecret: ssoSecret! }),
            authority: r.url('LANDING_SSO_AUTHORITY', 'https://login.microsoftonline.com/organizations')!,
            ...(secretExpiresAt && !certificatePem ? { secretExpiresAt } : {}),
          },
        }
      : {}),
    // Outside production a per-process random key: sessions do not survive a restart, which is fine locally.
    sessionSecret: sessionSecret ?? randomBytes(32).toString('hex'),
    activationWaitMs: r.int('ACTIVATION_WAIT_MS', 10_000, 0, 120_000),
  };
}

/** Both halves present and readable (the value itself is never echoed: it holds a private key). */
function validCertificatePem(pem: string): boolean {
  try {
    createPrivateKey(pem);
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
