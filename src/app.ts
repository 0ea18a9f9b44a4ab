import type { Server } from 'restify';
import type { PromptCompletionModel } from '@microsoft/teams-ai';
import type { AlertDispatcher } from './alerts/alert-dispatcher';
import type { OperatorAlerts } from './alerts/operator-alerts';
import { ticketNotices } from './bot/cards/support-cards';
import type { ContentReportListener } from './bot/feedback/feedback-recorder';
import type { ProactiveMessenger } from './bot/proactive/proactive-messenger';
import type { SubscriptionGate } from './bot/subscription-gate';
import { createTeamsAdapter } from './bot/teams-adapter';
import { azureIdentityOf, type Config } from './config';
import type { Emulator } from './dev/marketplace-emulator/emulator';
import { seedDevSubscription } from './dev-seed';
import { systemClock, type Clock } from './domain/clock';
import type { PlanCatalog } from './domain/plans';
import { createLogger, type Logger } from './logger';
import type { FulfillmentApi } from './marketplace/fulfillment-client';
import type { reconcileSubscriptions } from './marketplace/reconciler';
import type { TenantNotifier } from './notices/tenant-notifier';
import { loadPlanCatalog } from './plan-catalog-source';
import { openStore } from './store/open-store';
import type { Store } from './store/store';
import { SupportDesk } from './support/support-desk';
import { logTelemetry, type Telemetry } from './telemetry/telemetry';
import type { ConsoleDeps } from './web/console/console-routes';
import type { EntraSignIn } from './web/entra-sign-in/entra-sign-in';
import { createHttpServer, listen } from './web/http-server';
import type { MeteringWorker } from './worker/metering-worker';
import type { AppCore } from './wiring/app-core';
import { startBackgroundJobs } from './wiring/background-jobs';
import { createBotCommands } from './wiring/bot-commands';
import { mountDevEmulator } from './wiring/dev-emulator';
import { checkSignInAuthority, createLandingSignIn } from './wiring/landing-sign-in';
import { createMarketplace } from './wiring/marketplace';
import { createOutreach } from './wiring/outreach';
import { watchSecretExpiry } from './wiring/secret-expiry-watch';
import { shutdownOnce } from './wiring/shutdown';
import { createTeamsBot } from './wiring/teams-bot';
import { createSubscriptionGate, useTurnMiddleware } from './wiring/turn-path';
import { startUsageMetering } from './wiring/usage-metering';
import { createUsageStatements } from './wiring/usage-statements';
import { addWebRoutes } from './wiring/web-routes';

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** A store opened by the caller (tests share one between app instances); closed by the caller. */
  store?: Store;
  /** Replaces the configured model (tests). */
  model?: PromptCompletionModel;
  /** Replaces the Fulfillment API client (tests). */
  fulfillment?: FulfillmentApi;
  /** Replaces the landing page's Entra sign-in (tests). */
  signIn?: EntraSignIn;
  /** Starts the in-process metering worker's loop (default: when WORKER=in-process). */
  startWorker?: boolean;
  /** Application Insights when configured (src/bootstrap.ts); structured log lines otherwise. */
  telemetry?: Telemetry;
  /** Runs the hourly sweep of subscriptions and trials ending soon (default true; tests call `notifier.sweep()`). */
  startNotices?: boolean;
  /** Sends messages outside a turn (support answers). Default: none wired, answers are recorded as not delivered. */
  proactive?: ProactiveMessenger;
  /**
   * Called once for each new content report (a 👎 with a comment on an AI answer), after it is stored: the seam for
   * operator alerts. Runs after the invoke is answered; what it throws is logged.
   */
  onContentReport?: ContentReportListener;
  /** What other features plug into the publisher console (billed vs sent, subscription page sections). */
  console?: Pick<ConsoleDeps, 'billedVsSent' | 'subscriptionSections'>;
}

export interface RunningApp {
  url: string;
  config: Readonly<Config>;
  server: Server;
  store: Store;
  catalog: PlanCatalog;
  gate: SubscriptionGate;
  fulfillment: FulfillmentApi;
  /** The Marketplace emulator mounted in this server (development), if any. */
  emulator?: Emulator;
  /** One reconciliation pass against the Fulfillment API. */
  reconcile(): ReturnType<typeof reconcileSubscriptions>;
  /** The metering worker when it runs in this process. */
  worker?: MeteringWorker;
  /** Messages sent outside a turn (operator alerts, tenant notices, support answers). */
  messenger: ProactiveMessenger;
  /** Where triggers raise operator alerts (the seam for billing.mismatch and content reports). */
  alerts: OperatorAlerts;
  /** Delivers stored alerts (Teams, signed webhook); `kick()` sends what is due now. */
  alertDispatcher: AlertDispatcher;
  /** Tenant admin notices; `sweep()` checks subscriptions and trials ending soon. */
  notifier: TenantNotifier;
  /** Support tickets: what the operators' console uses. */
  support: SupportDesk;
  logger: Logger;
  /** Resolves once the turns in flight are answered and their usage is committed (which follows the reply). */
  settled(): Promise<void>;
  /** Stops taking turns, lets those in flight finish, stops timers, closes the store (if it opened it). */
  close(): Promise<void>;
}

/**
 * Composition root: config → store → services → HTTP server. Used by `src/index.ts`, scripts and tests. Each step is
 * wired in its own file under src/wiring/; the order here is the start order (shutdown: src/wiring/shutdown.ts).
 */
export async function startApp(config: Readonly<Config>, options: AppOptions = {}): Promise<RunningApp> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const telemetry = options.telemetry ?? logTelemetry(logger);
  const catalog = loadPlanCatalog(config.planCatalogFile);
  const ownStore = !options.store;
  const store = options.store ?? (await openStore(config, logger));
  await store.plans.sync(catalog.plans, clock.now());
  if (config.devSeed) await seedDevSubscription({ store, catalog, clock, logger });
  const base: AppCore = { store, catalog, clock, logger };

  // The turn path: the gate, the Teams adapter and its middleware.
  const gate = createSubscriptionGate(config, base);
  const adapter = createTeamsAdapter(config.bot, config.delivery, logger, azureIdentityOf(config));
  // Messages outside a turn (issue 13): operator alerts and tenant notices, through the same adapter and credentials.
  const outreach = createOutreach({ ...base, config, adapter, telemetry });
  const { messenger, alerts, alertDispatcher, notifier } = outreach;
  const { inFlight, history, recentAnswers } = useTurnMiddleware(adapter, { ...base, config, telemetry, gate, outreach });

  // The bot: its commands, support tickets, usage statements, the teams-ai application.
  const statements = createUsageStatements(config, clock);
  const support = new SupportDesk({
    store,
    clock,
    messenger: options.proactive ?? messenger,
    notices: ticketNotices,
    logger: logger.child({ component: 'support' }),
  });
  const { set: commands, isTenantAdmin } = createBotCommands(config, { ...base, gate, notifier, statements, support, history });
  const bot = await createTeamsBot(config, {
    ...base,
    adapter,
    alerts,
    commands,
    recentAnswers,
    model: options.model,
    onContentReport: options.onContentReport,
  });

  // Warned about at start, then daily; shown on /healthz.
  const secretExpiry = watchSecretExpiry({ config, clock, logger, checkSecrets: () => outreach.checkSecrets() });
  const marketplace = await createMarketplace(config, {
    ...base,
    gate,
    telemetry: outreach.telemetry,
    fulfillment: options.fulfillment,
  });
  const signIn = options.signIn ?? createLandingSignIn(config, clock, logger);

  const server = createHttpServer({ maxBodyBytes: config.maxBodyBytes, logger });
  const turns = addWebRoutes(server, {
    ...base,
    config,
    adapter,
    bot,
    inFlight,
    health: secretExpiry.health,
    marketplace,
    refusals: outreach.refusals,
    statements,
    isTenantAdmin,
    signIn,
    console: options.console,
  });
  const emulator = config.emulator.enabled ? await mountDevEmulator(server, config, base) : undefined;

  const jobs = await startBackgroundJobs(config, { ...base, reconcile: marketplace.reconcile });
  const { usageQueue, worker } = await startUsageMetering(config, {
    ...base,
    telemetry,
    alerts,
    startWorker: options.startWorker ?? true,
  });
  outreach.start({ sweepNotices: options.startNotices ?? true });

  const url = await listen(server, config.port, config.host);
  logger.info(
    { url, store: store.kind, model: config.model.kind, auth: config.bot.appId ? 'on' : 'OFF (development)' },
    'bot listening',
  );

  const close = shutdownOnce({
    inFlight,
    secretExpiry,
    jobs,
    emulator,
    server,
    turns,
    usageQueue,
    worker,
    outreach,
    telemetry,
    ownStore: ownStore ? store : undefined,
    logger,
  });
  const running: RunningApp = {
    url,
    config,
    server,
    store,
    catalog,
    gate,
    fulfillment: marketplace.fulfillment,
    ...(emulator ? { emulator } : {}),
    reconcile: marketplace.reconcile,
    ...(worker ? { worker } : {}),
    messenger,
    alerts,
    alertDispatcher,
    notifier,
    support,
    logger,
    settled: () => inFlight.idle(),
    close,
  };
  if (signIn) await checkSignInAuthority(signIn, close);
  return running;
}
