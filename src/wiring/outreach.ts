import type { Config } from '../config';
import { DAY, HOUR, type Clock } from '../domain/clock';
import type { Refusal } from '../domain/entitlement';
import type { TurnIdentity } from '../domain/identity';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { Telemetry } from '../telemetry/telemetry';
import { AlertDispatcher } from '../alerts/alert-dispatcher';
import { alertingTelemetry } from '../alerts/alerting-telemetry';
import { OperatorAlerts } from '../alerts/operator-alerts';
import { pruneOutreach } from '../alerts/outreach-retention';
import { RefusalBurstDetector } from '../alerts/refusal-burst';
import { secretExpiryAlert } from '../alerts/secret-expiry-alerts';
import { BotProactiveMessenger, type ContinuingAdapter } from '../bot/proactive/bot-proactive-messenger';
import { LANDING_SSO_SECRET, MARKETPLACE_SECRET } from '../secrets/secret-expiry';
import { TenantNotifier } from '../notices/tenant-notifier';

/**
 * Everything that speaks outside a turn (issue 13), built once for the app: the proactive messenger, operator alerts
 * with their dispatcher and triggers, and tenant admin notices, with the hooks the turn path, the webhook and the
 * telemetry call. `start()` begins delivery, the hourly notice sweep and the daily retention; `stop()` ends them.
 */
export function createOutreach(deps: {
  config: Readonly<Config>;
  store: Store;
  adapter: ContinuingAdapter;
  clock: Clock;
  logger: Logger;
  telemetry: Telemetry;
}) {
  const { config, store, clock, logger } = deps;
  const messenger = new BotProactiveMessenger({
    adapter: deps.adapter,
    botAppId: config.bot.appId,
    store,
    logger: logger.child({ component: 'proactive' }),
  });
  const alertDispatcher = new AlertDispatcher({
    store,
    messenger,
    settings: config.alerts,
    clock,
    logger: logger.child({ component: 'alerts' }),
  });
  const alerts = new OperatorAlerts({
    store,
    clock,
    logger: logger.child({ component: 'alerts' }),
    webhook: !!config.alerts.webhook,
    onRecorded: () => void alertDispatcher.kick(),
  });
  const notifier = new TenantNotifier({
    store,
    messenger,
    clock,
    logger: logger.child({ component: 'notices' }),
    productName: config.productName,
    links: config.links,
  });
  const refusals = new RefusalBurstDetector({
    alerts,
    clock,
    threshold: config.alerts.refusalBurst,
    windowMs: config.alerts.refusalWindowMs,
  });
  let pruner: NodeJS.Timeout | undefined;
  return {
    messenger,
    alerts,
    alertDispatcher,
    notifier,
    refusals,
    /** Lifecycle changes (webhook, activation, reconciliation) raise operator alerts and, for a suspension, notices. */
    telemetry: alertingTelemetry(deps.telemetry, alerts, notifier),
    /** A refused turn: when every seat is taken (not a revoked seat), the tenant's admins are told. */
    onRefused(identity: TurnIdentity, refusal: Refusal): void {
      if (refusal.kind === 'no-seat' && !refusal.revoked && identity.tenantId)
        void notifier.seatsFull({
          tenantId: identity.tenantId,
          subscriptionId: refusal.subscription.id,
          seats: refusal.seats,
          ...(identity.userName ? { userName: identity.userName } : {}),
        });
    },
    /** The configured secrets' expiry, checked at start and daily with the log warnings. */
    checkSecrets(): void {
      const now = clock.now();
      if (config.marketplace.auth.kind === 'client-secret')
        void alerts.raise(secretExpiryAlert(MARKETPLACE_SECRET, config.marketplaceSecretExpiresAt, now));
      void alerts.raise(secretExpiryAlert(LANDING_SSO_SECRET, config.landing.sso?.secretExpiresAt, now));
    },
    /**
     * Alerts recorded by any process sharing the store (a worker process too) are delivered from here; notices of
     * subscriptions and trials ending soon are checked hourly; old records are pruned daily.
     */
    start(options: { sweepNotices: boolean }): void {
      alertDispatcher.start();
      void alertDispatcher.kick();
      if (options.sweepNotices) notifier.startSweeping(HOUR);
      pruner = setInterval(
        () =>
          void pruneOutreach(store, clock.now()).catch((thrown) =>
            logger.warn({ err: thrown }, 'could not prune old alerts and notices'),
          ),
        DAY,
      );
      pruner.unref();
    },
    async stop(): Promise<void> {
      notifier.stop();
      if (pruner) clearInterval(pruner);
      await alertDispatcher.stop();
    },
  };
}

export type Outreach = ReturnType<typeof createOutreach>;
