import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { MINUTE } from '../../src/domain/clock';
import { isAppError } from '../../src/domain/errors';
import type { UsageMessage } from '../../src/domain/usage';
import { silentLogger } from '../../src/logger';
import { openUsageQueue } from '../../src/queue/open-queue';
import { SqliteOutboxQueue } from '../../src/store/sqlite/sqlite-outbox-queue';
import { OutboxRelay } from '../../src/queue/outbox-relay';
import { createServiceBusClient, fullyQualifiedNamespace, SdkUsageBusClient } from '../../src/queue/service-bus-client';
import { INVALID_MESSAGE_REASON, parseUsageMessage, ServiceBusUsageQueue } from '../../src/queue/service-bus-queue';
import type { UsageQueue } from '../../src/queue/usage-queue';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import type { Store } from '../../src/store/store';
import { FakeClock } from '../helpers/fake-clock';
import { FakeServiceBus } from '../helpers/fake-service-bus';
import { seedSubscription } from '../helpers/seed';
import { tempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait-for';
import { describeUsageQueueContract, recordUsage, usageMessage } from './usage-queue-contract';

const LOCK_MS = 1 * MINUTE;
const OUTBOX_LOCK_MS = 5 * MINUTE;

function fakeBus(options: { maxDeliveryCount?: number; maxBatchBytes?: number; duplicateWindowMs?: number } = {}) {
  const clock = new FakeClock();
  const bus = new FakeServiceBus({ clock, lockMs: LOCK_MS, ...options });
  return { clock, bus };
}

describeUsageQueueContract(
  'Service Bus over the fake client',
  async () => {
    const { clock, bus } = fakeBus({ maxDeliveryCount: 3 });
    const open = () => new ServiceBusUsageQueue(bus.client(), { defaultWaitMs: 50 });
    const queue = open();
    return {
      queue,
      openConsumer: async () => open(),
      enqueue: async (count) => {
        const messages = Array.from({ length: count }, () => usageMessage());
        await open().send(messages);
        return messages;
      },
      expireLocks: async () => clock.advance(LOCK_MS + 1),
      deadLetters: async () => bus.deadLetters().map((d) => ({ usageEventId: d.messageId, reason: d.reason })),
      cleanup: () => queue.close(),
    };
  },
  {
    sendOfUnknownEvent: 'enqueued',
    resendAfterComplete: 'dropped',
    maxDeliveries: 3,
    maxDeliveriesReason: /^MaxDeliveryCountExceeded$/,
    receiveWaits: true,
    closeRefusesCalls: true,
    emptyWaitMs: 20,
    slackMs: 500,
  },
);

describe('Service Bus usage queue', () => {
  it('sends each message with the usage event id as message id, as JSON, subject "usage"', async () => {
    const { bus } = fakeBus();
    const queue = new ServiceBusUsageQueue(bus.client());
    const message = usageMessage({ dimension: 'premium_messages', quantity: 4, billable: 3 });
    await queue.send([message]);
    expect(bus.activeMessages()).toEqual([
      {
        messageId: message.usageEventId,
        body: message,
        contentType: 'application/json',
        subject: 'usage',
        deliveryCount: 0,
        locked: false,
      },
    ]);
  });

  it('splits a send into batches when one is full, keeping the order', async () => {
    const { bus } = fakeBus({ maxBatchBytes: 1_200 });
    const queue = new ServiceBusUsageQueue(bus.client());
    const messages = Array.from({ length: 10 }, () => usageMessage());
    await queue.send(messages);
    expect(bus.sendCalls.length).toBeGreaterThan(2);
    expect(bus.sendCalls.reduce((a, b) => a + b, 0)).toBe(10);
    expect(bus.activeMessages().map((m) => m.messageId)).toEqual(messages.map((m) => m.usageEventId));
    await queue.send([]);
    expect(bus.sendCalls.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('refuses a message that fits in no batch, sending nothing', async () => {
    const { bus } = fakeBus({ maxBatchBytes: 100 });
    const queue = new ServiceBusUsageQueue(bus.client());
    await expect(queue.send([usageMessage()])).rejects.toThrow('does not fit in an empty Service Bus batch');
    expect(bus.activeMessages()).toEqual([]);
  });

  it('dead-letters a received message that is not a usage message, and hands out the others', async () => {
    const { bus } = fakeBus();
    const queue = new ServiceBusUsageQueue(bus.client());
    const good = usageMessage();
    const asText = usageMessage();
    const asBytes = usageMessage();
    bus.inject({ messageId: 'junk', body: { hello: 'world' } });
    await queue.send([good]);
    bus.inject({ messageId: 'bad-dimension', body: { ...usageMessage(), dimension: 'tokens' } });
    bus.inject({ messageId: asText.usageEventId, body: JSON.stringify(asText) });
    bus.inject({ messageId: asBytes.usageEventId, body: Buffer.from(JSON.stringify(asBytes)) });
    bus.inject({ messageId: 'not-json', body: Buffer.from('{"usageEventId":') });
    const got = await queue.receive(10, { waitMs: 0 });
    expect(got.map((d) => d.message)).toEqual([good, asText, asBytes]);
    expect(bus.deadLetters().map((d) => [d.messageId, d.reason, d.description])).toEqual([
      ['junk', INVALID_MESSAGE_REASON, 'message junk: usageEventId is missing or not a string'],
      ['bad-dimension', INVALID_MESSAGE_REASON, 'message bad-dimension: dimension "tokens" is unknown'],
      ['not-json', INVALID_MESSAGE_REASON, 'message not-json: the body is not JSON'],
    ]);
    expect(bus.activeMessages().map((m) => m.messageId)).toEqual([good.usageEventId, asText.usageEventId, asBytes.usageEventId]);
  });

  it('records the reason the worker gives when it dead-letters', async () => {
    const { bus } = fakeBus();
    const queue = new ServiceBusUsageQueue(bus.client());
    const message = usageMessage();
    await queue.send([message]);
    const [delivery] = await queue.receive(1, { waitMs: 0 });
    await queue.deadLetter(delivery!, 'x'.repeat(2_000));
    const [dead] = bus.deadLetters();
    expect(dead?.reason).toBe('x'.repeat(500));
    expect(dead?.description).toContain(message.usageEventId);
  });

  it('throws settlement errors other than a lost lock, after settling the rest', async () => {
    const { bus } = fakeBus();
    const client = bus.client();
    const queue = new ServiceBusUsageQueue(client);
    await queue.send([usageMessage(), usageMessage()]);
    const got = await queue.receive(2, { waitMs: 0 });
    const complete = client.completeMessage.bind(client);
    let calls = 0;
    client.completeMessage = async (m) => {
      calls += 1;
      if (calls === 1) throw new Error('link detached');
      return complete(m);
    };
    await expect(queue.complete(got)).rejects.toThrow('link detached');
    expect(bus.activeMessages().map((m) => m.messageId)).toEqual([got[0]!.message.usageEventId]);
  });

  it('closes its client once, even when closed twice', async () => {
    const { bus } = fakeBus();
    const client = bus.client();
    let closes = 0;
    const close = client.close.bind(client);
    client.close = async () => {
      closes += 1;
      return close();
    };
    const queue = new ServiceBusUsageQueue(client);
    await Promise.all([queue.close(), queue.close()]);
    expect(client.closed).toBe(true);
    expect(closes).toBe(1);
  });

  it('forgets message ids once the duplicate detection window has passed', async () => {
    const { clock, bus } = fakeBus({ duplicateWindowMs: 10 * MINUTE });
    const queue = new ServiceBusUsageQueue(bus.client());
    const message = usageMessage();
    await queue.send([message]);
    await queue.send([message]);
    expect(bus.activeMessages()).toHaveLength(1);
    clock.advance(10 * MINUTE);
    await queue.send([message]);
    expect(bus.activeMessages()).toHaveLength(2);
  });

  it.each([
    ['null', null, 'the body is not an object'],
    ['an array', [], 'the body is not an object'],
    ['an empty id', { ...usageMessage(), usageEventId: '' }, 'usageEventId is missing or not a string'],
    ['a fractional quantity', { ...usageMessage(), quantity: 1.5 }, 'quantity is not a non-negative integer'],
    [
      'billable above quantity',
      { ...usageMessage(), quantity: 1, billable: 2 },
      'billable is not an integer between 0 and quantity',
    ],
    ['a bad date', { ...usageMessage(), occurredAt: 'yesterday' }, 'occurredAt is not a date'],
  ])('does not read %s as a usage message', (_, body, problem) => {
    expect(parseUsageMessage(body)).toEqual({ ok: false, problem });
  });

  it('keeps only the known fields of a usage message', () => {
    const message = usageMessage();
    expect(parseUsageMessage({ ...message, extra: 'ignored' })).toEqual({ ok: true, message });
  });
});

describe('outbox relay to Service Bus', () => {
  async function setUp() {
    const store = openSqliteStore(path.join(tempDir(), 'relay.sqlite'));
    const subscription = await seedSubscription(store, { tenantId: 'tenant-a' });
    const { clock, bus } = fakeBus();
    const outbox = () => new SqliteOutboxQueue(store.db, { clock, lockMs: OUTBOX_LOCK_MS, maxDeliveries: Number.POSITIVE_INFINITY });
    const busQueue = new ServiceBusUsageQueue(bus.client(), { defaultWaitMs: 0 });
    const outboxRows = () => (store.db.prepare('SELECT COUNT(*) AS n FROM usage_outbox').get() as { n: number }).n;
    const record = (count: number) => recordUsage(store, subscription.id, count);
    const onBus = () => bus.activeMessages().map((m) => m.body as UsageMessage);
    return { store, clock, bus, outbox, busQueue, outboxRows, record, onBus };
  }

  it('moves committed rows to the bus in order, and deletes them only after the send succeeded', async () => {
    const { store, outbox, busQueue, outboxRows, record, onBus } = await setUp();
    const sent = await record(3);
    const rowsAtSend: number[] = [];
    const relay = new OutboxRelay({
      source: outbox(),
      target: {
        send: async (messages) => {
          rowsAtSend.push(outboxRows());
          await busQueue.send(messages);
        },
      },
    });
    expect(await relay.runOnce()).toBe(3);
    expect(rowsAtSend).toEqual([3]);
    expect(outboxRows()).toBe(0);
    expect(onBus()).toEqual(sent);
    expect(await relay.runOnce()).toBe(0);
    await store.close();
  });

  it('drains a backlog larger than a batch', async () => {
    const { store, outbox, busQueue, outboxRows, record, onBus } = await setUp();
    const sent = await record(7);
    const relay = new OutboxRelay({ source: outbox(), target: busQueue, batchSize: 3 });
    expect(await relay.runOnce()).toBe(7);
    expect(outboxRows()).toBe(0);
    expect(onBus()).toEqual(sent);
    await store.close();
  });

  it('leaves the rows in the outbox when the send fails, however often, and relays them later', async () => {
    const { store, bus, outbox, busQueue, outboxRows, record, onBus } = await setUp();
    const sent = await record(2);
    const relay = new OutboxRelay({ source: outbox(), target: busQueue });
    bus.failNextSends(12);
    for (let i = 0; i < 12; i += 1) {
      const failure = await relay.runOnce().catch((err: unknown) => err);
      expect(isAppError(failure, 'UpstreamFailed') && failure.retryable).toBe(true);
    }
    expect(outboxRows()).toBe(2);
    expect(onBus()).toEqual([]);
    expect(await relay.runOnce()).toBe(2);
    expect(onBus()).toEqual(sent);
    expect(outboxRows()).toBe(0);
    await store.close();
  });

  it('keeps one message when a crash between the send and the complete makes it send again', async () => {
    const { store, clock, bus, outbox, busQueue, outboxRows, record, onBus } = await setUp();
    const sent = await record(3);
    const source = outbox();
    const crashing = new OutboxRelay({
      source: {
        receive: (max) => source.receive(max),
        abandon: (deliveries) => source.abandon(deliveries),
        complete: async () => {
          throw new Error('killed before the outbox commit');
        },
      },
      target: busQueue,
    });
    await expect(crashing.runOnce()).rejects.toThrow('killed');
    expect(onBus()).toEqual(sent);
    expect(outboxRows()).toBe(3);

    // The worker consumes the first copies before the restarted relay sends again.
    const consumer = new ServiceBusUsageQueue(bus.client(), { defaultWaitMs: 0 });
    await consumer.complete(await consumer.receive(10));
    const restarted = new OutboxRelay({ source: outbox(), target: busQueue });
    expect(await restarted.runOnce()).toBe(0);
    clock.advance(OUTBOX_LOCK_MS + 1);
    expect(await restarted.runOnce()).toBe(3);
    expect(outboxRows()).toBe(0);
    expect(onBus()).toEqual([]);
    expect(bus.sendCalls).toEqual([3, 3]);
    await store.close();
  });

  it('keeps one message when the bus accepted a send but its answer was lost', async () => {
    const { store, bus, outbox, busQueue, outboxRows, record, onBus } = await setUp();
    const sent = await record(2);
    const relay = new OutboxRelay({ source: outbox(), target: busQueue });
    bus.loseNextSendAcks(1);
    await expect(relay.runOnce()).rejects.toThrow('sending 2 usage messages to Service Bus failed');
    expect(outboxRows()).toBe(2);
    expect(await relay.runOnce()).toBe(2);
    expect(onBus()).toEqual(sent);
    expect(outboxRows()).toBe(0);
    await store.close();
  });

  it('relays in the background and stops after finishing the batch in progress', async () => {
    const { store, outbox, busQueue, outboxRows, record, onBus } = await setUp();
    let releaseSend: () => void = () => undefined;
    let sending: () => void = () => undefined;
    const sendStarted = new Promise<void>((resolve) => (sending = resolve));
    const relay = new OutboxRelay({
      source: outbox(),
      target: {
        send: async (messages) => {
          sending();
          await new Promise<void>((resolve) => (releaseSend = resolve));
          await busQueue.send(messages);
        },
      },
      pollMs: 5,
    });
    const sent = await record(2);
    relay.start();
    await sendStarted;
    let stopped = false;
    const stopping = relay.stop().then(() => (stopped = true));
    // Something that must not happen has no condition to wait for: a short window in which stop() could wrongly end.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    releaseSend();
    await stopping;
    expect(onBus()).toEqual(sent);
    expect(outboxRows()).toBe(0);

    await record(1);
    // Likewise: six of the relay's 5 ms polls in which a stopped relay could wrongly send the new row.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(outboxRows()).toBe(1);
    await store.close();
  });

  it('picks up new rows on its own while running', async () => {
    const { store, outbox, busQueue, outboxRows, record, onBus } = await setUp();
    const relay = new OutboxRelay({ source: outbox(), target: busQueue, pollMs: 5 });
    relay.start();
    const sent = await record(2);
    await waitFor(() => outboxRows() === 0, 2_000, 'the relay to empty the outbox');
    await relay.stop();
    expect(onBus()).toEqual(sent);
    await store.close();
  });
});

describe('opening the usage queue', () => {
  const config = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });

  it('is the embedded outbox by default', async () => {
    const store = openSqliteStore(path.join(tempDir(), 'open.sqlite'));
    const opened = await openUsageQueue(config({}), store, { clock: new FakeClock(), logger: silentLogger });
    expect(opened.queue.kind).toBe('outbox');
    expect(opened.relay).toBeUndefined();
    await store.close();
  });

  it('with QUEUE=servicebus, is Service Bus fed by a relay that never dead-letters rows for a long outage', async () => {
    const store = openSqliteStore(path.join(tempDir(), 'open.sqlite'));
    const subscription = await seedSubscription(store, { tenantId: 'tenant-a' });
    const { bus } = fakeBus();
    const opened = await openUsageQueue(config({ QUEUE: 'servicebus', SERVICEBUS_NAMESPACE: 'contoso-bus' }), store, {
      clock: new FakeClock(),
      logger: silentLogger,
      busClient: bus.client(),
    });
    expect(opened.queue.kind).toBe('servicebus');
    const sent = await recordUsage(store, subscription.id, 1);
    bus.failNextSends(20);
    for (let i = 0; i < 20; i += 1) await expect(opened.relay!.runOnce()).rejects.toThrow();
    expect(await opened.relay!.runOnce()).toBe(1);
    const got = await opened.queue.receive(10, { waitMs: 0 });
    expect(got.map((d) => d.message)).toEqual(sent);
    await opened.queue.close();
    await store.close();
  });

  it('reads the outbox through the store (any store kind): directly with QUEUE=outbox, as the relay source with Service Bus', async () => {
    const asked: { maxDeliveries?: number }[] = [];
    const sqlite = openSqliteStore(path.join(tempDir(), 'any.sqlite'));
    const store = {
      ...sqlite,
      kind: 'mssql',
      outboxQueue: (options: { clock: FakeClock; maxDeliveries?: number }) => (asked.push(options), sqlite.outboxQueue(options)),
    } as unknown as Store;
    const direct = await openUsageQueue(config({}), store, { clock: new FakeClock(), logger: silentLogger });
    expect(direct.queue.kind).toBe('outbox');
    expect(direct.relay).toBeUndefined();
    const { bus } = fakeBus();
    const relayed = await openUsageQueue(config({ QUEUE: 'servicebus', SERVICEBUS_NAMESPACE: 'contoso-bus' }), store, {
      clock: new FakeClock(),
      logger: silentLogger,
      busClient: bus.client(),
    });
    expect(relayed.relay).toBeDefined();
    expect(asked.map((o) => o.maxDeliveries)).toEqual([undefined, Number.POSITIVE_INFINITY]);
    await relayed.queue.close();
    await sqlite.close();
  });
});

describe('Service Bus client adapter', () => {
  it('builds a client from a namespace without connecting', async () => {
    const client = await createServiceBusClient({
      namespace: 'contoso-bus',
      queueName: 'usage-reporting-queue',
      managedIdentityClientId: '1111',
    });
    // An SDK client for the namespace's host (the portal's short name completed), made without a network call.
    expect(client).toBeInstanceOf(SdkUsageBusClient);
    const sdk = (client as unknown as { client: { fullyQualifiedNamespace: string } }).client;
    expect(sdk.fullyQualifiedNamespace).toBe('contoso-bus.servicebus.windows.net');
    await client.close();
  });

  it.each([
    ['contoso-bus', 'contoso-bus.servicebus.windows.net'],
    ['contoso-bus.servicebus.windows.net', 'contoso-bus.servicebus.windows.net'],
    ['https://contoso-bus.servicebus.windows.net:443/', 'contoso-bus.servicebus.windows.net'],
    ['sb://contoso-bus.servicebus.chinacloudapi.cn/', 'contoso-bus.servicebus.chinacloudapi.cn'],
  ])('reads the namespace %s as %s', (given, host) => {
    expect(fullyQualifiedNamespace(given)).toBe(host);
  });

  it('refuses a configuration with neither a connection string nor a namespace', async () => {
    await expect(createServiceBusClient({ queueName: 'usage-reporting-queue' })).rejects.toThrow('SERVICEBUS_NAMESPACE');
  });
});

const connectionString = process.env.SERVICEBUS_CONNECTION_STRING;
/** A queue of its own: the contract drains it first, so never point it at a live usage queue. */
const realQueueName = process.env.SERVICEBUS_QUEUE ?? 'usage-reporting-queue-test';
/** As the queue was created (the infrastructure's defaults). */
const realLockMs = Number(process.env.SERVICEBUS_LOCK_MS ?? LOCK_MS);
const realMaxDeliveries = Number(process.env.SERVICEBUS_MAX_DELIVERY_COUNT ?? 10);

if (!connectionString) {
  it.skip('real Service Bus contract skipped: set SERVICEBUS_CONNECTION_STRING (and SERVICEBUS_QUEUE) to run it', () =>
    undefined);
} else {
  describeUsageQueueContract(
    `real Service Bus namespace (queue ${realQueueName})`,
    async () => {
      const admin = await createServiceBusClient({ connectionString, queueName: realQueueName });
      const consumers: UsageQueue[] = [];
      const open = async () => {
        const consumer = new ServiceBusUsageQueue(await createServiceBusClient({ connectionString, queueName: realQueueName }), {
          defaultWaitMs: 2_000,
        });
        consumers.push(consumer);
        return consumer;
      };
      const drain = await open();
      for (;;) {
        const leftovers = await drain.receive(100, { waitMs: 2_000 });
        if (leftovers.length === 0) break;
        await drain.complete(leftovers);
      }
      const producer = await open();
      const queue = await open();
      return {
        queue,
        openConsumer: open,
        enqueue: async (count) => {
          const messages = Array.from({ length: count }, () => usageMessage());
          await producer.send(messages);
          return messages;
        },
        expireLocks: () => new Promise((resolve) => setTimeout(resolve, realLockMs + 5_000)),
        deadLetters: async () =>
          (await admin.peekDeadLetters(5_000)).map((d) => ({ usageEventId: d.messageId ?? '', reason: d.reason ?? '' })),
        cleanup: async () => {
          await Promise.allSettled([...consumers.map((c) => c.close()), admin.close()]);
        },
      };
    },
    {
      sendOfUnknownEvent: 'enqueued',
      resendAfterComplete: 'dropped',
      maxDeliveries: realMaxDeliveries,
      maxDeliveriesReason: /^MaxDeliveryCountExceeded$/,
      receiveWaits: true,
      closeRefusesCalls: true,
      emptyWaitMs: 2_000,
      slackMs: 5_000,
      timeoutMs: 3 * realLockMs + 120_000,
    },
  );
}
