import { randomUUID } from 'node:crypto';
import { DAY, MINUTE, type Clock } from '../../src/domain/clock';
import type { BusMessageBatch, OutgoingBusMessage, ReceivedBusMessage, UsageBusClient } from '../../src/queue/service-bus-queue';

/**
 * An in-memory Service Bus queue behind the usage queue's narrow client interface, reproducing what the worker and
 * the relay depend on:
 * - peek-lock: a received message is invisible until completed, abandoned, dead-lettered or until its lock runs
 *   out (on the injected clock, so tests decide when);
 * - redelivery with the delivery count incremented (0 on the first delivery, as the JavaScript SDK reports it);
 * - `maxDeliveryCount`: the delivery that would exceed it moves the message to the dead-letter queue with reason
 *   `MaxDeliveryCountExceeded`;
 * - dead-lettering with a reason and a description;
 * - duplicate detection: a message whose `messageId` was sent within the window is dropped silently, even when the
 *   first one was consumed already;
 * - order of enqueue (sequence numbers), batches with a size limit, errors with Service Bus's codes.
 * The queue outlives its clients: `client()` opens a connection, closing it leaves the messages.
 */

export interface FakeServiceBusOptions {
  clock: Clock;
  /** The queue's lock duration. Default 1 minute (as the infrastructure creates it). */
  lockMs?: number;
  /** Default 10 (as the infrastructure creates it). */
  maxDeliveryCount?: number;
  /** Duplicate detection window. Default 1 day (as the infrastructure creates it). */
  duplicateWindowMs?: number;
  /** Largest batch. Default 256 KiB (Standard tier). */
  maxBatchBytes?: number;
}

export interface FakeReceivedMessage extends ReceivedBusMessage {
  readonly messageId: string;
  readonly deliveryCount: number;
  readonly contentType?: string;
  readonly subject?: string;
  readonly sequenceNumber: number;
  readonly lockToken: string;
  readonly lockedUntilUtc: Date;
}

export interface FakeActiveMessage {
  messageId: string;
  body: unknown;
  contentType?: string;
  subject?: string;
  deliveryCount: number;
  locked: boolean;
}

export interface FakeDeadLetter {
  messageId: string;
  body: unknown;
  reason: string;
  description: string;
  deliveryCount: number;
}

interface StoredMessage {
  sequenceNumber: number;
  messageId: string;
  body: unknown;
  contentType?: string;
  subject?: string;
  deliveryCount: number;
  lock?: { token: string; until: number };
}

/** An error shaped like the SDK's `ServiceBusError`. */
export class FakeServiceBusError extends Error {
  constructor(
    readonly code: 'MessageLockLost' | 'ServiceBusy' | 'ServiceTimeout' | 'MessageSizeExceeded' | 'GeneralError',
    message: string,
    readonly retryable = code === 'ServiceBusy' || code === 'ServiceTimeout',
  ) {
    super(message);
    this.name = 'ServiceBusError';
  }
}

/** Rough AMQP size of a message: body, id and the properties we set, plus a fixed envelope. */
const ENVELOPE_BYTES = 64;

export class FakeMessageBatch implements BusMessageBatch {
  readonly messages: OutgoingBusMessage[] = [];
  private bytes = 0;

  constructor(readonly maxSizeInBytes: number) {}

  get count(): number {
    return this.messages.length;
  }

  get sizeInBytes(): number {
    return this.bytes;
  }

  tryAddMessage(message: OutgoingBusMessage): boolean {
    const size =
      ENVELOPE_BYTES +
      Buffer.byteLength(JSON.stringify(message.body) ?? '') +
      Buffer.byteLength(message.messageId) +
      Buffer.byteLength(message.contentType) +
      Buffer.byteLength(message.subject);
    if (this.bytes + size > this.maxSizeInBytes) return false;
    this.messages.push(message);
    this.bytes += size;
    return true;
  }
}

export class FakeServiceBus {
  readonly lockMs: number;
  readonly maxDeliveryCount: number;
  readonly duplicateWindowMs: number;
  readonly maxBatchBytes: number;
  /** Messages per `sendMessages` call, in call order (failed calls excluded). */
  readonly sendCalls: number[] = [];
  private readonly clock: Clock;
  private active: StoredMessage[] = [];
  private readonly dead: FakeDeadLetter[] = [];
  /** messageId → when it was first accepted: the duplicate detection history. */
  private readonly seenIds = new Map<string, number>();
  private sequence = 0;
  private waiters = new Set<() => void>();
  private sendFaults: { kind: 'fail' | 'lose-ack'; error: Error }[] = [];

  constructor(options: FakeServiceBusOptions) {
    this.clock = options.clock;
    this.lockMs = options.lockMs ?? 1 * MINUTE;
    this.maxDeliveryCount = options.maxDeliveryCount ?? 10;
    this.duplicateWindowMs = options.duplicateWindowMs ?? 1 * DAY;
    this.maxBatchBytes = options.maxBatchBytes ?? 256 * 1024;
  }

  /** A connection to this queue (one sender, one peek-lock receiver), as the SDK adapter is. */
  client(): FakeServiceBusClient {
    return new FakeServiceBusClient(this);
  }

  // ------------------------------------------------------------------ test controls and inspection

  /** The next `count` sends fail before anything is enqueued. */
  failNextSends(count = 1, error: Error = new FakeServiceBusError('ServiceBusy', 'the namespace is busy')): void {
    for (let i = 0; i < count; i += 1) this.sendFaults.push({ kind: 'fail', error });
  }

  /** The next `count` sends are enqueued but answered with an error (the acknowledgement is lost). */
  loseNextSendAcks(count = 1): void {
    for (let i = 0; i < count; i += 1) {
      this.sendFaults.push({ kind: 'lose-ack', error: new FakeServiceBusError('ServiceTimeout', 'the send timed out') });
    }
  }

  /** Puts a message on the queue as any other producer could (bodies that are not usage messages, say). */
  inject(message: { messageId: string; body: unknown; contentType?: string; subject?: string }): void {
    this.enqueue(message);
  }

  /** Messages in the queue (locked ones included), in order. */
  activeMessages(): FakeActiveMessage[] {
    this.expireLocks();
    const now = this.clock.now().getTime();
    return this.active.map((m) => ({
      messageId: m.messageId,
      body: structuredClone(m.body),
      ...(m.contentType !== undefined ? { contentType: m.contentType } : {}),
      ...(m.subject !== undefined ? { subject: m.subject } : {}),
      deliveryCount: m.deliveryCount,
      locked: m.lock !== undefined && m.lock.until > now,
    }));
  }

  /** The dead-letter queue, in the order messages arrived there. */
  deadLetters(): FakeDeadLetter[] {
    this.expireLocks();
    return this.dead.map((d) => ({ ...d, body: structuredClone(d.body) }));
  }

  // ------------------------------------------------------------------ the broker, used by clients

  /** @internal */
  acceptBatch(batch: FakeMessageBatch): void {
    const fault = this.sendFaults.shift();
    if (fault?.kind === 'fail') throw fault.error;
    for (const message of batch.messages) this.enqueue(message);
    this.sendCalls.push(batch.count);
    if (fault?.kind === 'lose-ack') throw fault.error;
  }

  /** @internal */
  take(max: number): FakeReceivedMessage[] {
    this.expireLocks();
    const now = this.clock.now().getTime();
    const out: FakeReceivedMessage[] = [];
    for (const m of this.active) {
      if (out.length >= max) break;
      if (m.lock) continue;
      m.lock = { token: randomUUID(), until: now + this.lockMs };
      out.push({
        messageId: m.messageId,
        // Bodies cross the wire: the receiver never shares an object with the sender or the queue.
        body: structuredClone(m.body),
        ...(m.contentType !== undefined ? { contentType: m.contentType } : {}),
        ...(m.subject !== undefined ? { subject: m.subject } : {}),
        deliveryCount: m.deliveryCount,
        sequenceNumber: m.sequenceNumber,
        lockToken: m.lock.token,
        lockedUntilUtc: new Date(m.lock.until),
      });
    }
    return out;
  }

  /** @internal Resolves when a message may have become available, or after `ms` (real time). */
  waitForMessage(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /** @internal */
  settle(
    received: FakeReceivedMessage,
    outcome: { kind: 'complete' } | { kind: 'abandon' } | { kind: 'dead-letter'; reason: string; description: string },
  ): void {
    this.expireLocks();
    const now = this.clock.now().getTime();
    const stored = this.active.find((m) => m.sequenceNumber === received.sequenceNumber);
    if (!stored?.lock || stored.lock.token !== received.lockToken || stored.lock.until <= now) {
      throw new FakeServiceBusError(
        'MessageLockLost',
        'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.',
      );
    }
    if (outcome.kind === 'complete') this.remove(stored);
    else if (outcome.kind === 'abandon') this.release(stored);
    else this.deadLetter(stored, outcome.reason, outcome.description);
  }

  private enqueue(message: { messageId: string; body: unknown; contentType?: string; subject?: string }): void {
    const now = this.clock.now().getTime();
    for (const [id, at] of this.seenIds) if (at <= now - this.duplicateWindowMs) this.seenIds.delete(id);
    if (this.seenIds.has(message.messageId)) return;
    this.seenIds.set(message.messageId, now);
    this.sequence += 1;
    this.active.push({
      sequenceNumber: this.sequence,
      messageId: message.messageId,
      body: structuredClone(message.body),
      ...(message.contentType !== undefined ? { contentType: message.contentType } : {}),
      ...(message.subject !== undefined ? { subject: message.subject } : {}),
      deliveryCount: 0,
    });
    this.wake();
  }

  /** Locks that ran out count as a failed delivery, like an abandon. */
  private expireLocks(): void {
    const now = this.clock.now().getTime();
    for (const m of [...this.active]) if (m.lock && m.lock.until <= now) this.release(m);
  }

  private release(m: StoredMessage): void {
    delete m.lock;
    m.deliveryCount += 1;
    if (m.deliveryCount >= this.maxDeliveryCount) {
      this.deadLetter(
        m,
        'MaxDeliveryCountExceeded',
        `Message could not be consumed after ${this.maxDeliveryCount} delivery attempts.`,
      );
      return;
    }
    this.wake();
  }

  private deadLetter(m: StoredMessage, reason: string, description: string): void {
    this.remove(m);
    this.dead.push({ messageId: m.messageId, body: m.body, reason, description, deliveryCount: m.deliveryCount });
  }

  private remove(m: StoredMessage): void {
    this.active = this.active.filter((x) => x !== m);
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

export class FakeServiceBusClient implements UsageBusClient<FakeReceivedMessage, FakeMessageBatch> {
  closed = false;
  private receiving = false;

  constructor(private readonly bus: FakeServiceBus) {}

  async createMessageBatch(): Promise<FakeMessageBatch> {
    this.assertOpen();
    return new FakeMessageBatch(this.bus.maxBatchBytes);
  }

  async sendMessages(batch: FakeMessageBatch): Promise<void> {
    this.assertOpen();
    if (!(batch instanceof FakeMessageBatch)) throw new TypeError('sendMessages expects a batch made by createMessageBatch');
    this.bus.acceptBatch(batch);
  }

  async receiveMessages(max: number, options: { maxWaitTimeInMs: number }): Promise<FakeReceivedMessage[]> {
    this.assertOpen();
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxMessageCount must be a positive integer (got ${max})`);
    // Like the SDK's receiver: one receiveMessages at a time.
    if (this.receiving) throw new Error('The receiver is already receiving messages.');
    this.receiving = true;
    try {
      // The network round trip: a second call made meanwhile finds this one pending.
      await Promise.resolve();
      const first = this.bus.take(max);
      if (first.length > 0 || options.maxWaitTimeInMs <= 0) return first;
      await this.bus.waitForMessage(options.maxWaitTimeInMs);
      return this.closed ? [] : this.bus.take(max);
    } finally {
      this.receiving = false;
    }
  }

  async completeMessage(message: FakeReceivedMessage): Promise<void> {
    this.assertOpen();
    this.bus.settle(message, { kind: 'complete' });
  }

  async abandonMessage(message: FakeReceivedMessage): Promise<void> {
    this.assertOpen();
    this.bus.settle(message, { kind: 'abandon' });
  }

  async deadLetterMessage(
    message: FakeReceivedMessage,
    options: { deadLetterReason: string; deadLetterErrorDescription: string },
  ): Promise<void> {
    this.assertOpen();
    this.bus.settle(message, {
      kind: 'dead-letter',
      reason: options.deadLetterReason,
      description: options.deadLetterErrorDescription,
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed)
      throw new FakeServiceBusError('GeneralError', 'The client has been closed and can no longer be used.', false);
  }
}
