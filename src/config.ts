import type { AlertSettings } from './alerts/alert-settings';
import type { BilledVsSentSettings } from './worker/billed-vs-sent-settings';
import type { LogFormat } from './logger';
import type { ConversationSettings } from './bot/conversation-settings';
import type { StatementSettings } from './statements/statement-settings';
import type { FeedbackSettings } from './bot/feedback/feedback-settings';
import type { ModerationSettings } from './bot/moderation/moderation-settings';
import type { ConsoleSettings } from './web/console/console-settings';
import type { RetentionSettings } from './retention/retention-settings';
import type { AUTH_OVERRIDE_VARIABLES } from './config/constants';

/**
 * The only reader of the environment. Typed, validated at start and frozen: a bad configuration stops the process
 * with one message listing every problem, each naming its variable and saying what is expected. Tests build
 * configs from plain objects.
 *
 * This file holds what the configuration is (the `Config` type); src/config/ reads it: `load-config.ts` assembles
 * it, one `*-settings.ts` per section, `bootstrap-config.ts` what is read before Key Vault references are resolved,
 * `env-file.ts` the `.env` file, `constants.ts` the fixed values. Everything is exported from here.
 */

export type Environment = 'development' | 'test' | 'production';
export type BotAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export type ModelConfig =
  | { kind: 'offline' }
  | { kind: 'openai'; apiKey: string; model: string; baseUrl?: string }
  | { kind: 'azure-openai'; endpoint: string; deployment: string; apiVersion: string; apiKey?: string };

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

export {
  AUTH_OVERRIDE_VARIABLES,
  AUTH_OVERRIDES_OPT_IN,
  DEFAULT_PORT,
  EMULATOR_PREFIX,
  MARKETPLACE_API_BASE_URL,
  MARKETPLACE_APP_ID,
  PLAYGROUND_TENANT_ID,
  PLAYGROUND_USER_ID,
} from './config/constants';
export { loadBootstrapConfig, localBotUrl, type BootstrapConfig } from './config/bootstrap-config';
export { ENV_FILE_VARIABLE, processEnvironment } from './config/env-file';
export { loadConfig } from './config/load-config';
