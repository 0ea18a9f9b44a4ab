import type { Config } from '../config';
import type { Telemetry } from '../telemetry/telemetry';
import type { OperatorAlerts } from '../alerts/operator-alerts';
import { openUsageQueue, type OpenedUsageQueue } from '../queue/open-queue';
import { createMeteringWorker } from '../worker/create-metering-worker';
import type { MeteringWorker } from '../worker/metering-worker';
import type { AppCore } from './app-core';

/**
 * The usage queue: the outbox read directly, or Service Bus fed by the relay. This process writes the outbox, so it
 * runs the relay. With WORKER=in-process the metering worker (and its daily billed-vs-sent run) consumes it here.
 */
export async function startUsageMetering(
  config: Readonly<Config>,
  deps: AppCore & {
    telemetry: Telemetry;
    alerts: OperatorAlerts;
    /** Starts the in-process worker's loop (AppOptions.startWorker). */
    startWorker: boolean;
  },
): Promise<{ usageQueue: OpenedUsageQueue; worker?: MeteringWorker }> {
  const { store, catalog, clock, logger, telemetry, alerts } = deps;
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
    if (deps.startWorker) worker.start();
  }
  return { usageQueue, ...(worker ? { worker } : {}) };
}
