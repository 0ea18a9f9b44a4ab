import { azureIdentityOf, type Config } from '../config';
import { MINUTE, SECOND, type Clock } from '../domain/clock';
import type { PlanCatalog } from '../domain/plans';
import type { Logger } from '../logger';
import { loadPlanCatalog } from '../plan-catalog-source';
import { FulfillmentClient } from '../marketplace/fulfillment-client';
import { openMarketplaceHttp } from '../marketplace/open-marketplace-http';
import { MeteringClient } from '../marketplace/metering-client';
import { BilledUsageClient } from '../marketplace/billed-usage-client';
import { toDomainSubscription } from '../marketplace/subscription-mapping';
import { openUsageQueue } from '../queue/open-queue';
import type { OutboxRelay } from '../queue/outbox-relay';
import type { UsageQueue } from '../queue/usage-queue';
import { openStore } from '../store/open-store';
import type { Store } from '../store/store';
import type { Telemetry } from '../telemetry/telemetry';
import { BilledVsSentJob, type BilledVsSentJobDeps } from './billed-vs-sent-job';
import { billedVsSentAlert } from '../domain/alert-triggers';
import { MeteringWorker } from './metering-worker';
import { OperatorAlerts } from '../alerts/operator-alerts';
import { meteringAlertHooks } from '../alerts/metering-alert-hooks';

const CALL_BUDGET_MS = MINUTE;

/**
 * The metering worker with its dependencies from configuration. Given a store and a queue (the bot's, when the
 * worker runs in the bot's process), it uses them; otherwise it opens its own and closes them in `close()`. A worker
 * process on its own also gets the outbox relay when usage goes through Service Bus (for `--once` runs).
 */
export async function createMeteringWorker(
  config: Readonly<Config>,
  deps: {
    clock: Clock;
    logger: Logger;
    store?: Store;
    queue?: UsageQueue;
    telemetry?: Telemetry;
    catalog?: PlanCatalog;
    /** The bot's operator alerts; a worker process records its own in the shared store (the bot delivers them). */
    alerts?: OperatorAlerts;
    /** More seams of the billed-vs-sent job (tests), after its own alerts. */
    billedVsSent?: Pick<BilledVsSentJobDeps, 'onMismatch' | 'onMatched'>;
  },
): Promise<{ worker: MeteringWorker; billedVsSent: BilledVsSentJob; relay?: OutboxRelay; close: () => Promise<void> }> {
  const store = deps.store ?? (await openStore(config, deps.logger));
  const opened = deps.queue
    ? { queue: deps.queue }
    : await openUsageQueue(config, store, { clock: deps.clock, logger: deps.logger });
  const queue = opened.queue;
  const http = await openMarketplaceHttp(config.marketplace, deps.logger, azureIdentityOf(config));
  const fulfillment = new FulfillmentClient(http);
  const catalog = deps.catalog ?? loadPlanCatalog(config.planCatalogFile);
  const operatorAlerts =
    deps.alerts ?? new OperatorAlerts({ store, clock: deps.clock, logger: deps.logger, webhook: !!config.alerts.webhook });
  const alerting = meteringAlertHooks(operatorAlerts);
  // Daily, on the worker's passes, one run at a time across instances (src/worker/billed-vs-sent-job.ts); each key
  // that disagrees is a `billing.mismatch` alert (one per key and figures).
  const billedVsSent = new BilledVsSentJob({
    store,
    api: new BilledUsageClient(http),
    catalog,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'billed-vs-sent' }),
    settings: config.billedVsSent,
    ...(deps.telemetry ? { telemetry: deps.telemetry } : {}),
    onMismatch: async (summary) => {
      for (const row of summary.mismatches) await operatorAlerts.raise(billedVsSentAlert(row));
      await deps.billedVsSent?.onMismatch?.(summary);
    },
    ...(deps.billedVsSent?.onMatched ? { onMatched: deps.billedVsSent.onMatched } : {}),
  });
  const worker = new MeteringWorker({
    queue,
    store,
    metering: new MeteringClient(http),
    catalog,
    clock: deps.clock,
    logger: deps.logger,
    config: config.worker,
    // A claim outlives its call: the HTTP layer starts no retry after the budget, and one attempt lasts at most the
    // timeout, so another worker never takes an hour whose call may still be under way.
    callBudgetMs: CALL_BUDGET_MS,
    leaseMs: Math.max(2 * MINUTE, CALL_BUDGET_MS + config.marketplace.requestTimeoutMs + 30 * SECOND),
    onSettled: (report, settlement) => {
      const result = {
        subscriptionId: report.subscriptionId,
        dimension: report.dimension,
        hourStart: report.hourStart,
        status: settlement.status,
        quantity: report.quantity,
        // The claimed report's attempts are those before this call.
        attempts: report.attempts + (settlement.attempted === false ? 0 : 1),
      };
      deps.telemetry?.meteringResult(result);
      alerting.settled(result);
    },
    onAlert: alerting.onAlert,
    dailyJobs: [billedVsSent],
    refreshSubscription: async (subscriptionId) => {
      const existing = await store.subscriptions.get(subscriptionId);
      await store.subscriptions.upsert(
        toDomainSubscription(await fulfillment.getSubscription(subscriptionId), existing, deps.clock.now()),
      );
    },
  });
  return {
    worker,
    billedVsSent,
    ...('relay' in opened && opened.relay ? { relay: opened.relay } : {}),
    async close() {
      if (!deps.queue) await queue.close();
      if (!deps.store) await store.close();
    },
  };
}
