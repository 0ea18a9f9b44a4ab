import type { Server } from 'restify';
import type { Application } from '@microsoft/teams-ai';
import { EMULATOR_PREFIX, type Config } from '../config';
import { watchRefusals, type RefusalBurstDetector } from '../alerts/refusal-burst';
import type { BotAdapter } from '../bot/teams-adapter';
import type { InFlight } from '../in-flight';
import { createWebhookVerifier } from '../marketplace/webhook-auth';
import { addStatementRoutes } from '../statements/statement-routes';
import { addAdminApiRoutes } from '../web/admin-api-routes';
import { addConsoleRoutes, type ConsoleDeps } from '../web/console/console-routes';
import type { EntraSignIn } from '../web/entra-sign-in/entra-sign-in';
import { addHealthRoute } from '../web/health-route';
import { addLandingRoutes } from '../web/landing/landing-routes';
import { addMessagesRoute } from '../web/messages-route';
import { addWebhookRoutes } from '../web/webhook-route';
import type { AppCore } from './app-core';
import type { Marketplace } from './marketplace';
import type { UsageStatements } from './usage-statements';

export interface WebRoutesDeps extends AppCore {
  config: Readonly<Config>;
  adapter: BotAdapter;
  bot: Application;
  inFlight: InFlight;
  /** What `/healthz` adds (the secrets that need action). */
  health: () => Record<string, unknown>;
  marketplace: Pick<Marketplace, 'processor' | 'activation'>;
  /** Counts the webhook's refused tokens (operator alert on a burst). */
  refusals: RefusalBurstDetector;
  statements: UsageStatements;
  isTenantAdmin: (tenantId: string, userId: string) => Promise<boolean>;
  signIn: EntraSignIn | undefined;
  /** What other features plug into the publisher console (AppOptions.console). */
  console: Pick<ConsoleDeps, 'billedVsSent' | 'subscriptionSections'> | undefined;
}

/**
 * Every route of the app's HTTP server: `/api/messages`, `/healthz`, `/admin/api`, the statement pages, `/api/webhook`,
 * `/landing` and the publisher console. Returns the turns acknowledged before their end, which run on in the
 * background, each with its deadline (shutdown ends those still running).
 */
export function addWebRoutes(server: Server, deps: WebRoutesDeps): Set<AbortController> {
  const { config, store, catalog, clock, logger, signIn, isTenantAdmin, statements } = deps;
  const turns = new Set<AbortController>();
  addMessagesRoute(server, {
    adapter: deps.adapter,
    logic: async (context) => void (await deps.bot.run(context)),
    logger,
    inFlight: deps.inFlight,
    delivery: config.delivery,
    turns,
  });
  addHealthRoute(server, { store, logger, extra: deps.health });
  addAdminApiRoutes(server, { token: config.adminApiToken, store, catalog, clock, logger });
  addStatementRoutes(server, { store, catalog, clock, key: statements.key, productName: config.productName, logger });
  addWebhookRoutes(server, {
    verify: watchRefusals(createWebhookVerifier(config.marketplace.webhook, clock), deps.refusals),
    processor: deps.marketplace.processor,
    logger,
    onDelivery: (kind) =>
      void store.console
        .recordActivity(kind, clock.now())
        .catch((thrown) => logger.warn({ err: thrown }, 'could not count a webhook delivery')),
  });
  addLandingRoutes(server, {
    config,
    activation: deps.marketplace.activation,
    store,
    catalog,
    clock,
    logger,
    ...(signIn ? { signIn } : {}),
    isTenantAdmin,
    statements: { links: statements.links, lifetimeMs: config.statements.linkLifetimeMs },
  });
  addConsoleRoutes(server, {
    config,
    store,
    catalog,
    clock,
    logger: logger.child({ component: 'console' }),
    ...(signIn ? { signIn } : {}),
    ...(deps.console ?? {}),
    ...(config.emulator.enabled ? { emulatorUrl: EMULATOR_PREFIX } : {}),
  });
  return turns;
}
