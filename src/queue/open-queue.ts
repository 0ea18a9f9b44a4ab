import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import { OutboxRelay } from './outbox-relay';
import { createServiceBusClient } from './service-bus-client';
import { ServiceBusUsageQueue, type UsageBusClient } from './service-bus-queue';
import type { UsageQueue } from './usage-queue';

export interface OpenedUsageQueue {
  /** What the metering worker consumes. */
  queue: UsageQueue;
  /**
   * With Service Bus: moves the store's outbox rows to the bus. The caller starts it, and on shutdown stops it
   * before closing the queue (the relay sends through it).
   */
  relay?: OutboxRelay;
}

export interface OpenUsageQueueDeps {
  clock: Clock;
  logger: Logger;
  /** The Service Bus client; by default the SDK adapter built from the configuration (tests pass a fake). */
  busClient?: UsageBusClient;
  relay?: { pollMs?: number; batchSize?: number };
}

/**
 * The usage queue the configuration asks for. `outbox` (the default) reads the store's outbox table directly. `servicebus` puts an Azure Service Bus queue between the bot and the worker, fed from the outbox by
 * a relay: the usage event and its outbox row are still written in one transaction, so a crash can never record a
 * turn without its message (sending to the bus inside the turn could).
 */
export async function openUsageQueue(
  config: Readonly<Config>,
  store: Store,
  deps: OpenUsageQueueDeps,
): Promise<OpenedUsageQueue> {
  if (config.queue.kind === 'outbox')
    return { queue: store.outboxQueue({ clock: deps.clock, lockMs: config.worker.queueLockMs }) };

  const { queueName, connectionString, namespace } = config.queue;
  const client: UsageBusClient =
    deps.busClient ??
    (await createServiceBusClient({
      queueName,
      ...(connectionString ? { connectionString } : {}),
      ...(namespace ? { namespace } : {}),
      ...(config.azureClientId ? { managedIdentityClientId: config.azureClientId } : {}),
      ...(config.identityEndpoint ? { identityEndpoint: config.identityEndpoint } : {}),
    }));
  const queue = new ServiceBusUsageQueue(client);
  const relay = new OutboxRelay({
    // A failed send is the bus's outage, not the row's fault: the relay's reads never dead-letter a row for its
    // number of deliveries (only a row whose usage event is missing), or an outage would lose billable usage.
    source: store.outboxQueue({ clock: deps.clock, maxDeliveries: Number.POSITIVE_INFINITY }),
    target: queue,
    logger: deps.logger.child({ component: 'outbox-relay' }),
    ...deps.relay,
  });
  deps.logger.debug(
    { queueName, namespace: namespace ?? '(connection string)' },
    'usage queue: Service Bus, fed by the outbox relay',
  );
  return { queue, relay };
}
