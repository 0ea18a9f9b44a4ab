import type { UsageMessage } from '../domain/usage';

/** One delivery of a usage message. `handle` is the queue's own (outbox row, Service Bus lock). */
export interface QueuedUsage {
  message: UsageMessage;
  handle: unknown;
  /** 1 on the first delivery; more after abandons, lock expiries or crashes. */
  deliveryCount: number;
}

/**
 * The usage queue between the bot (producer) and the metering worker (consumer): at-least-once, in enqueue order
 * as far as the queue can tell, with peek-lock semantics. The consumer makes delivery idempotent (it ignores a
 * usage event it already counted). Implemented by the embedded outbox and by Azure Service Bus.
 */
export interface UsageQueue {
  readonly kind: 'outbox' | 'servicebus';
  /** Enqueues messages (the relay to Service Bus; the embedded outbox is written with the usage event itself). */
  send(messages: readonly UsageMessage[]): Promise<void>;
  /** Up to `max` messages, each locked until completed, abandoned, dead-lettered or until its lock expires. */
  receive(max: number, options?: { waitMs?: number }): Promise<QueuedUsage[]>;
  /** Done: after the consumer committed what it did with them. */
  complete(deliveries: readonly QueuedUsage[]): Promise<void>;
  /** Not done (a retryable failure): deliver again later. */
  abandon(deliveries: readonly QueuedUsage[]): Promise<void>;
  /** Never deliverable (malformed, unknown event): kept aside with the reason, for the operator. */
  deadLetter(delivery: QueuedUsage, reason: string): Promise<void>;
  close(): Promise<void>;
}
