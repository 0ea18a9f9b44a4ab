import type { Server } from 'restify';
import type { PromptCompletionModel } from '@microsoft/teams-ai';
import { createBotApplication } from './bot/bot-application';
import { BoundedMemoryStorage } from './bot/bounded-memory-storage';
import { TenantCommands } from './bot/commands/tenant-commands';
import { createModel } from './bot/models/create-model';
import { SubscriptionGate } from './bot/subscription-gate';
import { createTeamsAdapter } from './bot/teams-adapter';
import { subscriptionMiddleware } from './bot/turn-middleware';
import { UsageRecorder } from './bot/usage-recorder';
import type { Config } from './config';
import { seedDevSubscription } from './dev-seed';
import { MINUTE, systemClock, type Clock } from './domain/clock';
import { coerceError } from './domain/errors';
import type { PlanCatalog } from './domain/plans';
import { createLogger, type Logger } from './logger';
import { loadPlanCatalog } from './plan-catalog-source';
import { openSqliteStore } from './store/sqlite/sqlite-store';
import type { Store } from './store/store';
import { addHealthRoute } from './web/health-route';
import { createHttpServer, listen } from './web/http-server';
import { addMessagesRoute, InFlight } from './web/messages-route';

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** A store opened by the caller (tests share one between app instances); closed by the caller. */
  store?: Store;
  /** Replaces the configured model (tests). */
  model?: PromptCompletionModel;
}

export interface RunningApp {
  url: string;
  config: Readonly<Config>;
  server: Server;
  store: Store;
  catalog: PlanCatalog;
  gate: SubscriptionGate;
  logger: Logger;
  /** Stops taking turns, lets those in flight finish, stops timers, closes the store (if it opened it). */
  close(): Promise<void>;
}

/** Composition root: config → store → services → HTTP server. Used by `src/index.ts`, scripts and tests. */
export async function startApp(config: Readonly<Config>, options: AppOptions = {}): Promise<RunningApp> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const catalog = loadPlanCatalog(config.planCatalogFile);
  const ownStore = !options.store;
  const store = options.store ?? openSqliteStore(config.sqliteFile);
  await store.plans.sync(catalog.plans, clock.now());
  if (config.devSeed) await seedDevSubscription({ store, catalog, clock, logger });

  const gate = new SubscriptionGate({ store, catalog, clock, enforcement: config.enforcement, logger });
  const recorder = new UsageRecorder({ store, storeMessageText: config.storeMessageText, logger });
  const commands = new TenantCommands({ store, catalog, clock, gate, productName: config.productName, links: config.links });
  const adapter = createTeamsAdapter(config.bot, logger);
  adapter.use(subscriptionMiddleware({ gate, recorder, config, logger }));
  const bot = createBotApplication({
    adapter,
    model: options.model ?? (await createModel(config.model, logger)),
    promptsDir: config.promptsDir,
    storage: new BoundedMemoryStorage(),
    commands,
    productName: config.productName,
    logger,
  });

  const inFlight = new InFlight();
  const server = createHttpServer({ maxBodyBytes: config.maxBodyBytes, logger });
  addMessagesRoute(server, { adapter, logic: async (context) => void (await bot.run(context)), logger, inFlight });
  addHealthRoute(server, { store, logger });

  // Reservations left by a crash (the process died between reserve and settle) go back to the pool.
  const sweep = async () => {
    try {
      const released = await store.usage.releaseStale(new Date(clock.now().getTime() - config.enforcement.reservationTimeoutMs));
      if (released) logger.warn({ released }, 'released stale quota reservations');
    } catch (thrown) {
      logger.error({ err: coerceError(thrown).message }, 'stale reservation sweep failed');
    }
  };
  await sweep();
  const sweeper = setInterval(sweep, MINUTE);
  sweeper.unref();

  const url = await listen(server, config.port, config.host);
  logger.info(
    { url, store: store.kind, model: config.model.kind, auth: config.bot.appId ? 'on' : 'OFF (development)' },
    'bot listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    config,
    server,
    store,
    catalog,
    gate,
    logger,
    close() {
      closing ??= (async () => {
        inFlight.accepting = false;
        clearInterval(sweeper);
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await inFlight.idle();
        if (ownStore) await store.close();
      })();
      return closing;
    },
  };
}
