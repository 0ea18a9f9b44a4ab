import type {
  ServiceBusClient,
  ServiceBusMessageBatch,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
  ServiceBusSender,
} from '@azure/service-bus';
import { AppError } from '../domain/errors';
import type { UsageBusClient } from './service-bus-queue';

/**
 * The adapter from `@azure/service-bus` to the usage queue's narrow client interface: one client, one sender and
 * one peek-lock receiver on the usage queue. The only module that sees SDK types. The SDKs are loaded only when a
 * client is created (the embedded default never needs them), and no connection is made until the first send or
 * receive.
 */

export interface ServiceBusConnectionOptions {
  /** Shared access key connection string (local tests); otherwise `namespace` with an Entra token. */
  connectionString?: string;
  /** `<name>.servicebus.windows.net`, or just `<name>`. */
  namespace?: string;
  queueName: string;
  /** User-assigned managed identity for DefaultAzureCredential (`AZURE_CLIENT_ID`). */
  managedIdentityClientId?: string;
  /** App Service's managed identity endpoint (`IDENTITY_ENDPOINT`): the managed identity credential is used directly. */
  identityEndpoint?: string;
  /**
   * How long the SDK keeps renewing the lock of a received message. 0 by default: a message is locked for the
   * queue's lock duration (1 minute), as the port promises and the contract tests check. A consumer slower than
   * that loses the lock, its late complete is ignored and the redelivery is recognised as already counted.
   */
  lockRenewalMs?: number;
}

/** A dead-lettered message as an operator sees it. */
export interface DeadLetteredBusMessage {
  messageId?: string;
  body: unknown;
  reason?: string;
  description?: string;
  enqueuedAt?: Date;
}

const DEFAULT_NAMESPACE_SUFFIX = '.servicebus.windows.net';

export class SdkUsageBusClient implements UsageBusClient<ServiceBusReceivedMessage, ServiceBusMessageBatch> {
  private readonly sender: ServiceBusSender;
  private readonly receiver: ServiceBusReceiver;

  constructor(
    private readonly client: ServiceBusClient,
    private readonly queueName: string,
    lockRenewalMs: number,
  ) {
    this.sender = client.createSender(queueName);
    this.receiver = client.createReceiver(queueName, { receiveMode: 'peekLock', maxAutoLockRenewalDurationInMs: lockRenewalMs });
  }

  createMessageBatch(): Promise<ServiceBusMessageBatch> {
    return this.sender.createMessageBatch();
  }

  sendMessages(batch: ServiceBusMessageBatch): Promise<void> {
    return this.sender.sendMessages(batch);
  }

  receiveMessages(max: number, options: { maxWaitTimeInMs: number }): Promise<ServiceBusReceivedMessage[]> {
    return this.receiver.receiveMessages(max, options);
  }

  completeMessage(message: ServiceBusReceivedMessage): Promise<void> {
    return this.receiver.completeMessage(message);
  }

  abandonMessage(message: ServiceBusReceivedMessage): Promise<void> {
    return this.receiver.abandonMessage(message);
  }

  deadLetterMessage(
    message: ServiceBusReceivedMessage,
    options: { deadLetterReason: string; deadLetterErrorDescription: string },
  ): Promise<void> {
    return this.receiver.deadLetterMessage(message, options);
  }

  /** Reads (without locking) up to `max` messages of the queue's dead-letter queue, oldest first. */
  async peekDeadLetters(max: number): Promise<DeadLetteredBusMessage[]> {
    const receiver = this.client.createReceiver(this.queueName, { subQueueType: 'deadLetter' });
    try {
      const out: DeadLetteredBusMessage[] = [];
      // A fresh receiver peeks from the start; each call continues where the previous one stopped.
      while (out.length < max) {
        const page = await receiver.peekMessages(Math.min(250, max - out.length));
        if (page.length === 0) break;
        for (const m of page) {
          out.push({
            ...(m.messageId !== undefined ? { messageId: String(m.messageId) } : {}),
            body: m.body,
            ...(m.deadLetterReason ? { reason: m.deadLetterReason } : {}),
            ...(m.deadLetterErrorDescription ? { description: m.deadLetterErrorDescription } : {}),
            ...(m.enqueuedTimeUtc ? { enqueuedAt: m.enqueuedTimeUtc } : {}),
          });
        }
      }
      return out;
    } finally {
      await receiver.close();
    }
  }

  /** Closes the receiver, the sender and the connection, each even when an earlier one fails. */
  async close(): Promise<void> {
    const results = await Promise.allSettled([this.receiver.close(), this.sender.close()]);
    await this.client.close();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

export async function createServiceBusClient(options: ServiceBusConnectionOptions): Promise<SdkUsageBusClient> {
  const lockRenewalMs = options.lockRenewalMs ?? 0;
  const { ServiceBusClient } = await import('@azure/service-bus');
  if (options.connectionString) {
    return new SdkUsageBusClient(new ServiceBusClient(options.connectionString), options.queueName, lockRenewalMs);
  }
  if (!options.namespace) {
    throw new AppError(
      'ConfigInvalid',
      'SERVICEBUS_NAMESPACE (or SERVICEBUS_CONNECTION_STRING) must be set for QUEUE=servicebus',
    );
  }
  const { createAzureCredential } = await import('../secrets/azure-credential.js');
  const credential = createAzureCredential({
    ...(options.managedIdentityClientId ? { clientId: options.managedIdentityClientId } : {}),
    ...(options.identityEndpoint ? { identityEndpoint: options.identityEndpoint } : {}),
  });
  return new SdkUsageBusClient(
    new ServiceBusClient(fullyQualifiedNamespace(options.namespace), credential),
    options.queueName,
    lockRenewalMs,
  );
}

/** Accepts the namespace as the portal names it (`contoso-bus`) or as its host, with or without a scheme. */
export function fullyQualifiedNamespace(namespace: string): string {
  const host = namespace.replace(/^[a-z]+:\/\//i, '').replace(/[:/].*$/, '');
  return host.includes('.') ? host : `${host}${DEFAULT_NAMESPACE_SUFFIX}`;
}
