import { RetentionJob } from './retention/retention-job';
import type { Server } from 'restify';
import type { PromptCompletionModel } from '@microsoft/teams-ai';
import { createBotApplication } from './bot/bot-application';
import { modelProviderOf } from './bot/models/model-provider';
import { ConversationCommands } from './bot/commands/conversation-commands';
import { answerCapture } from './bot/feedback/answer-capture';
import { FeedbackRecorder, type ContentReportListener } from './bot/feedback/feedback-recorder';
import { RecentAnswers } from './bot/feedback/recent-answers';
import { createTurnModerator } from './bot/moderation/create-moderator';
import { OperatorCommands } from './bot/commands/operator-commands';
import { ConversationMemory } from './bot/history/conversation-memory';
import { StatementCommand } from './bot/commands/statement-command';
import { SupportCommands } from './bot/commands/support-commands';
import { ticketNotices } from './bot/cards/support-cards';
import { statementLinkKey, StatementLinks } from './statements/statement-links';
import { addStatementRoutes } from './statements/statement-routes';
import { SupportDesk } from './support/support-desk';
import { TenantCommands } from './bot/commands/tenant-commands';
import { maxTurnTokens } from './bot/models/completion-budget';
import { createModel } from './bot/models/create-model';
import { SubscriptionGate } from './bot/subscription-gate';
import { createTeamsAdapter } from './bot/teams-adapter';
import { TurnBookkeeping } from './bot/turn-bookkeeping';
import { subscriptionMiddleware } from './bot/turn-middleware';
import { UsageRecorder } from './bot/usage-recorder';
import { azureIdentityOf, EMULATOR_PREFIX, type Config } from './config';
import { mirrorDevSubscription, seedDevSubscription } from './dev-seed';
import { DAY, HOUR, MINUTE, systemClock, type Clock } from './domain/clock';
import { AppError } from './domain/errors';
import { contentReportAlert } from './domain/alert-triggers';
import type { PlanCatalog } from './domain/plans';
import { createLogger, type Logger } from './logger';
import { loadPlanCatalog } from './plan-catalog-source';
import { openStore } from './store/open-store';
import type { Store } from './store/store';
import type { Emulator } from './dev/marketplace-emulator/emulator';
import { FulfillmentClient, type FulfillmentApi } from './marketplace/fulfillment-client';
import { openMarketplaceHttp } from './marketplace/open-marketplace-http';
import { PurchaseActivation } from './marketplace/purchase-activation';
import { GraphUsageRights } from './marketplace/graph-usage-rights';
import { reconcileSubscriptions } from './marketplace/reconciler';
import { createWebhookVerifier } from './marketplace/webhook-auth';
import { WebhookProcessor } from './marketplace/webhook-processor';
import { LANDING_SSO_SECRET, DEFAULT_SECRET_WARN_DAYS, secretExpiryStatus } from './secrets/secret-expiry';
import { logTelemetry, type Telemetry } from './telemetry/telemetry';
import { addAdminApiRoutes } from './web/admin-api-routes';
import { addConsoleRoutes, type ConsoleDeps } from './web/console/console-routes';
import { addHealthRoute } from './web/health-route';
import { createHttpServer, listen } from './web/http-server';
import { addLandingRoutes } from './web/landing/landing-routes';
import { createEntraSignIn, describeProviderProblem, type EntraSignIn } from './web/entra-sign-in/entra-sign-in';
import { addMessagesRoute } from './web/messages-route';
import { InFlight } from './in-flight';
import { addWebhookRoutes } from './web/webhook-route';
import { openUsageQueue } from './queue/open-queue';
import { createMeteringWorker } from './worker/create-metering-worker';
import type { MeteringWorker } from './worker/metering-worker';
import type { AlertDispatcher } from './alerts/alert-dispatcher';
import type { OperatorAlerts } from './alerts/operator-alerts';
import { watchRefusals } from './alerts/refusal-burst';
import { conversationCapture } from './bot/proactive/conversation-capture';
import { ProactiveCommands } from './bot/proactive/proactive-commands';
import type { ProactiveMessenger } from './bot/proactive/proactive-messenger';
import { createOutreach } from './proactive-outreach';
import type { TenantNotifier } from './notices/tenant-notifier';

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
  /** Support tickets: what the operators' console uses, and `deleteTenantData` for the tenant deletion command. */
  support: SupportDesk;
  logger: Logger;
  /** Resolves once the turns in flight are answered and their usage is committed (which follows the reply). */
  settled(): Promise<void>;
  /** Stops taking turns, lets those in flight finish, stops timers, closes the store (if it opened it). */
  close(): Promise<void>;
}

/** How long shutdown lets background turns run before ending them (the process is forced out after 15 s). */
const SHUTDOWN_TURN_GRACE_MS = 10_000;

/** Composition root: config → store → services → HTTP server. Used by `src/index.ts`, scripts and tests. */
export async function startApp(config: Readonly<Config>, options: AppOptions = {}): Promise<RunningApp> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const telemetry = options.telemetry ?? logTelemetry(logger);
  const catalog = loadPlanCatalog(config.planCatalogFile);
  const ownStore = !options.store;
  const store = options.store ?? (await openStore(config, logger));
  await store.plans.sync(catalog.plans, clock.now());
  if (config.devSeed) await seedDevSubscription({ store, catalog, clock, logger });

  // Quota holds are sized on the most tokens a turn of the chat prompt can use; the models are held to it.
  const gate = new SubscriptionGate({
    store,
    catalog,
    clock,
    enforcement: config.enforcement,
    logger,
    maxTurnTokens: maxTurnTokens(config.promptsDir),
    licences: new GraphUsageRights({ config: config.licensing, clock, logger: logger.child({ component: 'licences' }) }),
  });
  const adapter = createTeamsAdapter(config.bot, config.delivery, logger, azureIdentityOf(config));
  // Messages outside a turn (issue 13): operator alerts and tenant notices, through the same adapter and credentials.
  const outreach = createOutreach({ config, store, adapter, clock, logger, telemetry });
  const { messenger, alerts, alertDispatcher, notifier } = outreach;
  const observed = outreach.telemetry;
  const recorder = new UsageRecorder({
    store,
    storeMessageText: config.storeMessageText,
    logger,
    telemetry,
    onRecorded: (turn) => void notifier.usageRecorded(turn),
  });
  const bookkeeping = new TurnBookkeeping({
    gate,
    recorder,
    logger,
    onRefused: (identity, refusal) => outreach.onRefused(identity, refusal),
  });
  // Usage statements: signed short-lived links (the usage card, the operators' `statement`) and their pages.
  const statementKey = statementLinkKey(config.landing.sessionSecret);
  const statementLinks = new StatementLinks({
    publicUrl: config.publicUrl,
    key: statementKey,
    lifetimeMs: config.statements.linkLifetimeMs,
    now: () => clock.now(),
  });
  const support = new SupportDesk({
    store,
    clock,
    messenger: options.proactive ?? messenger,
    notices: ticketNotices,
    logger: logger.child({ component: 'support' }),
  });
  const commands = new TenantCommands({
    store,
    catalog,
    clock,
    gate,
    productName: config.productName,
    links: config.links,
    modelProvider: modelProviderOf(config.model),
    operatorIds: config.operatorIds,
    onSeatChanged: (change) => void notifier.seatChanged(change),
    statementLinks,
  });
  // Who administers a tenant, one rule for Teams and the landing page: purchasers and beneficiaries, and those added.
  const isTenantAdmin = async (tenantId: string, userId: string) =>
    commands.isAdmin(tenantId, userId, await gate.tenantSubscriptions(tenantId));
  const inFlight = new InFlight();
  // Conversation history in the store, shared by every instance; none at all when the operator turned it off.
  const historyLimits = config.conversation.history;
  const history = historyLimits ? new ConversationMemory({ store, limits: historyLimits, clock, logger }) : undefined;
  // Outermost: the conversation reference is kept after every message turn, refused ones included.
  adapter.use(conversationCapture({ store, logger, now: () => clock.now() }));
  adapter.use(subscriptionMiddleware({ bookkeeping, config, logger, inFlight, ...(history ? { history } : {}) }));
  // The text of answers, for the feedback on them, only when the operator stores message text.
  const recentAnswers = config.storeMessageText ? new RecentAnswers() : undefined;
  if (recentAnswers) adapter.use(answerCapture(recentAnswers));
  const feedback = new FeedbackRecorder({
    store,
    clock,
    logger: logger.child({ component: 'feedback' }),
    storeMessageText: config.storeMessageText,
    ...(recentAnswers ? { recentAnswers } : {}),
    // Each new content report is an operator alert (never with the user's comment or the answer's text).
    onContentReport: (report) => {
      alerts.raiseLater(
        contentReportAlert({
          reportId: report.reportId,
          tenantId: report.tenantId,
          ...(report.subscriptionId ? { subscriptionId: report.subscriptionId } : {}),
        }),
      );
      return options.onContentReport?.(report);
    },
  });
  const moderator = createTurnModerator(config.moderation, logger.child({ component: 'moderation' }));
  const bot = createBotApplication({
    adapter,
    model:
      options.model ??
      (await createModel(config.model, logger, azureIdentityOf(config), {
        // Output moderation reviews the finished answer: a streamed one would be on screen before it.
        streaming: config.conversation.streaming && !moderator?.checksOutput,
      })),
    promptsDir: config.promptsDir,
    commands,
    conversationCommands: new ConversationCommands({ history }),
    operatorCommands: new OperatorCommands({
      store,
      catalog,
      clock,
      operatorIds: config.operatorIds,
      attentionAttempts: config.worker.maxAttempts,
      billedVsSentHourUtc: config.billedVsSent.hourUtc,
      feedbackRetention: config.feedback,
    }),
    proactiveCommands: new ProactiveCommands({
      store,
      clock,
      operatorIds: config.operatorIds,
      isAdmin: isTenantAdmin,
      webhookConfigured: !!config.alerts.webhook,
    }),
    support: new SupportCommands({
      desk: support,
      clock,
      operatorIds: config.operatorIds,
      isTenantAdmin,
      tenantSubscriptions: (tenantId) => gate.tenantSubscriptions(tenantId),
    }),
    statement: new StatementCommand({
      store,
      clock,
      links: statementLinks,
      linkLifetimeMs: config.statements.linkLifetimeMs,
      operatorIds: config.operatorIds,
    }),
    logger,
    feedback,
    ...(moderator ? { moderator } : {}),
  });

  const server = createHttpServer({ maxBodyBytes: config.maxBodyBytes, logger });
  // Turns acknowledged before their end run on in the background, each with its deadline.
  const turns = new Set<AbortController>();
  addMessagesRoute(server, {
    adapter,
    logic: async (context) => void (await bot.run(context)),
    logger,
    inFlight,
    delivery: config.delivery,
    turns,
  });
  // The Marketplace client secret's expiry, when configured: warned about in the logs daily and on /healthz (which
  // stays 200: a new instance would not fix it). Only meaningful when a client secret is what we authenticate with.
  const secretExpiry = () =>
    secretExpiryStatus(
      config.marketplace.auth.kind === 'client-secret' ? config.marketplaceSecretExpiresAt : undefined,
      clock.now(),
    );
  // The landing sign-in secret lapses the same way (a certificate credential has no date here: nothing to warn).
  const landingSecretExpiry = () =>
    secretExpiryStatus(config.landing.sso?.secretExpiresAt, clock.now(), DEFAULT_SECRET_WARN_DAYS, LANDING_SSO_SECRET);
  const needsAction = (status: ReturnType<typeof secretExpiry>) => status.state === 'expiring' || status.state === 'expired';
  addHealthRoute(server, {
    store,
    logger,
    extra: () => {
      const status = secretExpiry();
      const landing = landingSecretExpiry();
      return {
        ...(needsAction(status) ? { marketplaceSecret: status } : {}),
        ...(needsAction(landing) ? { landingSignInSecret: landing } : {}),
      };
    },
  });
  const warnSecretExpiry = () => {
    for (const status of [secretExpiry(), landingSecretExpiry()]) {
      if (status.state === 'expired') logger.error({ daysLeft: status.daysLeft }, status.message);
      else if (status.state === 'expiring') logger.warn({ daysLeft: status.daysLeft }, status.message);
    }
    outreach.checkSecrets();
  };
  warnSecretExpiry();
  const expiryWarner = setInterval(warnSecretExpiry, DAY);
  expiryWarner.unref();
  addAdminApiRoutes(server, { token: config.adminApiToken, store, catalog, clock, logger });
  addStatementRoutes(server, { store, catalog, clock, key: statementKey, productName: config.productName, logger });

  // Marketplace: fulfillment client, webhook, landing page, reconciliation.
  const fulfillment =
    options.fulfillment ?? new FulfillmentClient(await openMarketplaceHttp(config.marketplace, logger, azureIdentityOf(config)));
  const onTenantChanged = (tenantId: string) => gate.invalidate(tenantId);
  const processor = new WebhookProcessor({ store, fulfillment, catalog, clock, logger, onTenantChanged, telemetry: observed });
  addWebhookRoutes(server, {
    verify: watchRefusals(createWebhookVerifier(config.marketplace.webhook, clock), outreach.refusals),
    processor,
    logger,
    onDelivery: (kind) =>
      void store.console
        .recordActivity(kind, clock.now())
        .catch((thrown) => logger.warn({ err: thrown }, 'could not count a webhook delivery')),
  });
  const activation = new PurchaseActivation({
    store,
    fulfillment,
    catalog,
    clock,
    logger,
    onTenantChanged,
    waitMs: config.landing.activationWaitMs,
    telemetry: observed,
  });
  const sso = config.landing.sso;
  const signIn =
    options.signIn ??
    (sso
      ? createEntraSignIn({
          clientId: sso.clientId,
          credential: sso.certificatePem
            ? { kind: 'certificate', privateKeyPem: sso.certificatePem, certificatePem: sso.certificatePem }
            : { kind: 'secret', secret: sso.clientSecret ?? '' },
          authority: sso.authority,
          requireHttps: config.env === 'production',
          clock,
          logger: logger.child({ component: 'landing-sign-in' }),
        })
      : undefined);
  addLandingRoutes(server, {
    config,
    activation,
    store,
    catalog,
    clock,
    logger,
    ...(signIn ? { signIn } : {}),
    isTenantAdmin,
    statements: { links: statementLinks, lifetimeMs: config.statements.linkLifetimeMs },
  });
  addConsoleRoutes(server, {
    config,
    store,
    catalog,
    clock,
    logger: logger.child({ component: 'console' }),
    ...(signIn ? { signIn } : {}),
    ...(options.console ?? {}),
    ...(config.emulator.enabled ? { emulatorUrl: EMULATOR_PREFIX } : {}),
  });
  const reconcile = () =>
    reconcileSubscriptions({ store, fulfillment, clock, logger, onTenantChanged, telemetry: observed, catalog });

  let emulator: Emulator | undefined;
  if (config.emulator.enabled) {
    // A development tool: loaded only when enabled, so a production process never loads its code.
    const { createEmulator, mountEmulator } = await import('./dev/marketplace-emulator/emulator.js');
    const auth = config.marketplace.auth;
    emulator = createEmulator({
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
  }

  // Claims left by a crash (the process died between claim and settle) go back, with the quota they held: the
  // activity can then be answered again (by any instance) and the units are free. The same minute's sweep deletes
  // the conversation histories that have expired (already unread since their expiry: this frees the rows).
  const sweep = async () => {
    try {
      const released = await store.usage.releaseStale(new Date(clock.now().getTime() - config.enforcement.reservationTimeoutMs));
      if (released) logger.warn({ released }, 'released stale turn claims');
    } catch (thrown) {
      logger.error({ err: thrown }, 'stale reservation sweep failed');
    }
    try {
      // With history off, the rows a previous setting left are deleted as they expire too.
      const deleted = await store.history.deleteExpired(clock.now());
      if (deleted) logger.info({ deleted }, 'expired conversation histories deleted');
    } catch (thrown) {
      logger.error({ err: thrown }, 'conversation history sweep failed');
    }
  };
  await sweep();
  const sweeper = setInterval(() => void sweep(), MINUTE);
  sweeper.unref();

  // Feedback retention: the rated answers' text, then the feedback itself, go when their time is up.
  const purgeFeedback = async () => {
    const now = clock.now().getTime();
    try {
      const purged = await store.feedback.purge({
        textBefore: new Date(now - config.feedback.textRetentionMs),
        rowsBefore: new Date(now - config.feedback.retentionMs),
      });
      if (purged.deleted || purged.textCleared) logger.info(purged, 'feedback past its retention purged');
    } catch (thrown) {
      logger.error({ err: thrown }, 'feedback purge failed');
    }
  };
  await purgeFeedback();
  const feedbackPurger = setInterval(() => void purgeFeedback(), HOUR);
  feedbackPurger.unref();
  // Usage rolled up into daily aggregates, old raw usage and message text deleted (one instance at a time).
  const retentionJob = new RetentionJob({
    retention: store.retention,
    clock,
    logger: logger.child({ component: 'retention' }),
    policy: config.retention,
    batchSize: config.retention.batchSize,
  });
  retentionJob.start(config.retention.intervalMs);

  // Webhooks can be missed: repair drift from the Fulfillment API now and then.
  const reconcileQuietly = () => reconcile().catch((thrown) => logger.error({ err: thrown }, 'reconciliation failed'));
  const reconciler =
    config.marketplace.reconcileIntervalMs > 0
      ? setInterval(() => void reconcileQuietly(), config.marketplace.reconcileIntervalMs)
      : undefined;
  reconciler?.unref();

  // The usage queue: the outbox read directly, or Service Bus fed by the relay. This process writes the outbox, so
  // it runs the relay.
  const usageQueue = await openUsageQueue(config, store, { clock, logger });
  usageQueue.relay?.start();
  let worker: MeteringWorker | undefined;
  if (config.worker.mode === 'in-process') {
    ({ worker } = await createMeteringWorker(config, {
      clock,
      logger: logger.child({ component: 'metering-worker' }),
      store,
      queue: usageQueue.queue,
      telemetry,
      catalog,
      alerts,
    }));
    if (options.startWorker ?? true) worker.start();
  }

  outreach.start({ sweepNotices: options.startNotices ?? true });

  const url = await listen(server, config.port, config.host);
  logger.info(
    { url, store: store.kind, model: config.model.kind, auth: config.bot.appId ? 'on' : 'OFF (development)' },
    'bot listening',
  );

  let closing: Promise<void> | undefined;
  const running: RunningApp = {
    url,
    config,
    server,
    store,
    catalog,
    gate,
    fulfillment,
    ...(emulator ? { emulator } : {}),
    reconcile,
    ...(worker ? { worker } : {}),
    messenger,
    alerts,
    alertDispatcher,
    notifier,
    support,
    logger,
    settled: () => inFlight.idle(),
    close() {
      closing ??= (async () => {
        inFlight.accepting = false;
        clearInterval(expiryWarner);

        clearInterval(sweeper);
        clearInterval(feedbackPurger);
        await retentionJob.stop();
        if (reconciler) clearInterval(reconciler);
        await emulator?.close();
        // Stop accepting connections, let the turns in flight finish and their usage be written, then drop idle
        // keep-alive sockets (closing waits for them otherwise, seconds for nothing).
        const closed = new Promise<void>((resolve) => {
          server.close(() => resolve());
        });
        // Turns still running in the background get a moment, then are ended like at their deadline (claims
        // released, nothing more sent), before the process's forced exit (src/index.ts) could cut them anywhere.
        const cutOff = setTimeout(() => {
          if (turns.size) logger.warn({ turns: turns.size }, 'shutting down: ending the turns still running');
          for (const turn of turns) turn.abort();
        }, SHUTDOWN_TURN_GRACE_MS);
        await inFlight.idle();
        clearTimeout(cutOff);
        server.server.closeIdleConnections();
        await closed;
        // The relay and the worker finish what they are doing (a batch in flight is settled) before anything closes.
        await usageQueue.relay?.stop();
        await worker?.stop();
        await outreach.stop();
        await usageQueue.queue.close();
        await telemetry.flush();
        if (ownStore) await store.close();
      })();
      return closing;
    },
  };
  // The sign-in's authority is checked once listening (the emulator's IdP may be this very server): a wrong one
  // stops the start with the variable to fix, rather than failing every buyer later.
  if (signIn) {
    try {
      await signIn.ready();
    } catch (thrown) {
      await running.close();
      throw new AppError('ConfigInvalid', `LANDING_SSO_AUTHORITY must be ${describeProviderProblem(thrown)}`, { cause: thrown });
    }
  }
  return running;
}
