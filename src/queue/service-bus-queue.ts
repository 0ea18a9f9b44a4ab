import { isUsageKind } from '../domain/billing-rules';
import { SECOND } from '../domain/clock';
import { AppError, coerceError } from '../domain/errors';
import type { UsageMessage } from '../domain/usage';
import type { QueuedUsage, UsageQueue } from './usage-queue';

/**
 * The usage queue over an Azure Service Bus queue (`usage-reporting-queue`), in peek-lock mode. The outbox relay
 * sends; the metering worker receives, completes after its own commit, abandons on a retryable failure and
 * dead-letters what can never be billed. Service Bus itself counts deliveries, moves a message to its dead-letter
 * queue after `maxDeliveryCount` deliveries and drops a second message with the same `messageId` within the
 * duplicate detection window: the message id is the usage event id, so a relay that resends after a crash adds
 * nothing.
 *
 * It talks to a narrow client interface rather than the SDK, so the SDK adapter (service-bus-client.ts) and the
 * in-memory fake of the tests both fit and no SDK type leaks out of the adapter.
 */

/** A message as sent: the subset of the SDK's `ServiceBusMessage` this queue uses. */
export interface OutgoingBusMessage {
  messageId: string;
  body: UsageMessage;
  contentType: string;
  subject: string;
}

/** A batch of messages sent in one call; `tryAddMessage` answers false once the batch is full. */
export interface BusMessageBatch {
  readonly count: number;
  tryAddMessage(message: OutgoingBusMessage): boolean;
}

/** A received message: the subset of the SDK's `ServiceBusReceivedMessage` this queue reads. */
export interface ReceivedBusMessage {
  readonly messageId?: string | number | Buffer;
  readonly body: unknown;
  /**
   * Deliveries before this one, as the JavaScript SDK reports it: the AMQP header, 0 on the first delivery, + 1 on
   * each abandon or lock expiry (the .NET SDK adds one; this one does not).
   */
  readonly deliveryCount?: number;
}

/**
 * What this queue needs from a Service Bus client bound to one queue (one sender, one peek-lock receiver).
 * Settling a message whose lock was lost rejects with an error whose `code` is `MessageLockLost`, as the SDK's
 * `ServiceBusError` does.
 */
export interface UsageBusClient<M extends ReceivedBusMessage = ReceivedBusMessage, B extends BusMessageBatch = BusMessageBatch> {
  createMessageBatch(): Promise<B>;
  sendMessages(batch: B): Promise<void>;
  /** Up to `max` messages, locked; waits up to `maxWaitTimeInMs` for the first one. */
  receiveMessages(max: number, options: { maxWaitTimeInMs: number }): Promise<M[]>;
  completeMessage(message: M): Promise<void>;
  abandonMessage(message: M): Promise<void>;
  deadLetterMessage(message: M, options: { deadLetterReason: string; deadLetterErrorDescription: string }): Promise<void>;
  /** Closes the receiver, the sender and the connection. */
  close(): Promise<void>;
}

export interface ServiceBusUsageQueueOptions {
  /**
   * How long `receive` waits for a first message when the caller gives no `waitMs`. Not 0: messages travel over
   * the network, and a zero wait can come back empty while messages are there.
   */
  defaultWaitMs?: number;
}

export const DEFAULT_RECEIVE_WAIT_MS = 1 * SECOND;
/** The dead-letter reason of a message whose body is not a usage message (someone else wrote to the queue). */
export const INVALID_MESSAGE_REASON = 'InvalidUsageMessage';
/** Service Bus keeps dead-letter reasons as application properties; long ones only cost room. */
const MAX_REASON_CHARS = 500;

export class ServiceBusUsageQueue<
  M extends ReceivedBusMessage = ReceivedBusMessage,
  B extends BusMessageBatch = BusMessageBatch,
> implements UsageQueue {
  readonly kind = 'servicebus' as const;
  private closed?: Promise<void>;
  /** The receive in progress: the SDK's receiver refuses a second `receiveMessages` while one is pending. */
  private receiving: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: UsageBusClient<M, B>,
    private readonly options: ServiceBusUsageQueueOptions = {},
  ) {}

  async send(messages: readonly UsageMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // A failure part way leaves earlier batches sent: the caller sends everything again and duplicate detection
    // drops what already arrived.
    let batch = await this.client.createMessageBatch();
    for (const message of messages) {
      const outgoing = toBusMessage(message);
      if (batch.tryAddMessage(outgoing)) continue;
      if (batch.count === 0) throw tooLarge(message);
      await this.client.sendMessages(batch);
      batch = await this.client.createMessageBatch();
      if (!batch.tryAddMessage(outgoing)) throw tooLarge(message);
    }
    if (batch.count > 0) await this.client.sendMessages(batch);
  }

  receive(max: number, options: { waitMs?: number } = {}): Promise<QueuedUsage[]> {
    const turn = this.receiving.then(() => this.receiveNow(max, options));
    this.receiving = turn.catch(() => undefined);
    return turn;
  }

  private async receiveNow(max: number, options: { waitMs?: number }): Promise<QueuedUsage[]> {
    const waitMs = options.waitMs ?? this.options.defaultWaitMs ?? DEFAULT_RECEIVE_WAIT_MS;
    const received = await this.client.receiveMessages(max, { maxWaitTimeInMs: waitMs });
    const out: QueuedUsage[] = [];
    const invalid: { raw: M; problem: string }[] = [];
    for (const raw of received) {
      const parsed = parseUsageMessage(raw.body);
      if (parsed.ok) out.push({ message: parsed.message, handle: raw, deliveryCount: (raw.deliveryCount ?? 0) + 1 });
      else invalid.push({ raw, problem: parsed.problem });
    }
    try {
      for (const { raw, problem } of invalid) {
        await this.settle(() =>
          this.client.deadLetterMessage(raw, {
            deadLetterReason: INVALID_MESSAGE_REASON,
            deadLetterErrorDescription: `message ${String(raw.messageId)}: ${problem}`.slice(0, MAX_REASON_CHARS),
          }),
        );
      }
    } catch (err) {
      // Hand nothing out half-way: what this call locked goes back now rather than when its locks run out.
      await this.abandon(out).catch(() => undefined);
      throw err;
    }
    return out;
  }

  async complete(deliveries: readonly QueuedUsage[]): Promise<void> {
    await this.settleAll(deliveries, (m) => this.client.completeMessage(m));
  }

  async abandon(deliveries: readonly QueuedUsage[]): Promise<void> {
    await this.settleAll(deliveries, (m) => this.client.abandonMessage(m));
  }

  async deadLetter(delivery: QueuedUsage, reason: string): Promise<void> {
    const message = delivery.handle as M;
    await this.settle(() =>
      this.client.deadLetterMessage(message, {
        deadLetterReason: reason.slice(0, MAX_REASON_CHARS),
        deadLetterErrorDescription: `usage event ${delivery.message.usageEventId}, refused by the metering worker`,
      }),
    );
  }

  async close(): Promise<void> {
    this.closed ??= this.client.close();
    await this.closed;
  }

  /** Settles every delivery, even when one fails; the first failure is thrown afterwards. */
  private async settleAll(deliveries: readonly QueuedUsage[], action: (message: M) => Promise<void>): Promise<void> {
    const results = await Promise.allSettled(deliveries.map((d) => this.settle(() => action(d.handle as M))));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw coerceError(failed.reason);
  }

  /**
   * A lost lock is not an error here: Service Bus delivers the message again, and the consumer ignores a usage
   * event it already counted (or decides again what to do with it). Anything else is thrown.
   */
  private async settle(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      if (isLockLost(err)) return;
      throw err;
    }
  }
}

function toBusMessage(message: UsageMessage): OutgoingBusMessage {
  return { messageId: message.usageEventId, body: message, contentType: 'application/json', subject: 'usage' };
}

function tooLarge(message: UsageMessage): AppError {
  return new AppError('Internal', `usage message ${message.usageEventId} does not fit in an empty Service Bus batch`);
}

function isLockLost(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'MessageLockLost';
}

export type ParsedUsageMessage = { ok: true; message: UsageMessage } | { ok: false; problem: string };

/**
 * Reads a received body as a usage message. Our relay sends the object itself (an AMQP value); JSON text or bytes
 * (a message sent from the portal's Service Bus Explorer, say) are accepted too. Only the known fields are kept.
 */
export function parseUsageMessage(body: unknown): ParsedUsageMessage {
  let value = body;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof value === 'string' ? value : Buffer.from(value).toString('utf8'));
    } catch {
      return { ok: false, problem: 'the body is not JSON' };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: 'the body is not an object' };
  const v = value as Record<string, unknown>;
  for (const field of ['usageEventId', 'subscriptionId', 'planId'] as const) {
    if (typeof v[field] !== 'string' || v[field] === '') return { ok: false, problem: `${field} is missing or not a string` };
  }
  if (!isUsageKind(v.dimension)) return { ok: false, problem: `dimension ${JSON.stringify(v.dimension)} is unknown` };
  if (!isCount(v.quantity)) return { ok: false, problem: 'quantity is not a non-negative integer' };
  if (!isCount(v.billable) || v.billable > v.quantity)
    return { ok: false, problem: 'billable is not an integer between 0 and quantity' };
  for (const field of ['occurredAt', 'periodStart'] as const) {
    if (typeof v[field] !== 'string' || Number.isNaN(Date.parse(v[field])))
      return { ok: false, problem: `${field} is not a date` };
  }
  return {
    ok: true,
    message: {
      usageEventId: v.usageEventId as string,
      subscriptionId: v.subscriptionId as string,
      planId: v.planId as string,
      dimension: v.dimension,
      quantity: v.quantity,
      billable: v.billable,
      occurredAt: v.occurredAt as string,
      periodStart: v.periodStart as string,
    },
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
