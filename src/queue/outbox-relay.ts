import { MINUTE, SECOND } from '../domain/clock';
import { AppError, coerceError } from '../domain/errors';
import { silentLogger, type Logger } from '../logger';
import type { UsageQueue } from './usage-queue';

export interface OutboxRelayOptions {
  /** The store's outbox, read with peek-lock: rows written in the same transaction as their usage events. */
  source: Pick<UsageQueue, 'receive' | 'complete' | 'abandon'>;
  /** Service Bus. */
  target: Pick<UsageQueue, 'send'>;
  /** Rows moved per round trip. Default 100. */
  batchSize?: number;
  /** Pause between drains once the outbox is empty. Default 1 s. */
  pollMs?: number;
  /** Longest pause after failed drains (the pause doubles from `pollMs` on each failure). Default 1 min. */
  maxBackoffMs?: number;
  logger?: Logger;
}

export const DEFAULT_RELAY_BATCH_SIZE = 100;
export const DEFAULT_RELAY_POLL_MS = 1 * SECOND;
export const DEFAULT_RELAY_MAX_BACKOFF_MS = 1 * MINUTE;

/**
 * Moves committed outbox rows to Service Bus: receive a batch from the outbox, send it, and only then complete
 * the rows. A failed send abandons the rows (they are relayed on a later drain); a crash after the send and before
 * the complete leaves the rows locked until their lock runs out, and the resend is dropped by Service Bus's
 * duplicate detection (the message id is the usage event id). So every usage event reaches the bus at least once
 * and the bus keeps it once.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly maxBackoffMs: number;
  private readonly logger: Logger;
  /** Drains run one at a time (the loop and `runOnce` callers), so rows go out in outbox order. */
  private tail: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopping = false;
  private failures = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? DEFAULT_RELAY_BATCH_SIZE;
    this.pollMs = options.pollMs ?? DEFAULT_RELAY_POLL_MS;
    this.maxBackoffMs = options.maxBackoffMs ?? DEFAULT_RELAY_MAX_BACKOFF_MS;
    this.logger = options.logger ?? silentLogger;
  }

  /** Relays until the outbox is empty (or `stop()` is called); returns how many messages went out. */
  runOnce(): Promise<number> {
    const run = this.tail.then(() => this.drain());
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Relays in the background: drain, wait `pollMs`, drain again; after a failure wait longer. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.schedule(0);
  }

  /** Stops the loop after the batch in progress (sent and completed, or abandoned); resolves once it is done. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.tail;
    this.stopping = false;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.tick(), delayMs);
    // The HTTP server or the worker keeps the process alive; the relay alone should not.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    let delay = this.pollMs;
    try {
      const relayed = await this.runOnce();
      if (relayed > 0) this.logger.debug({ relayed }, 'usage messages relayed to Service Bus');
      this.failures = 0;
    } catch (err) {
      this.failures += 1;
      delay = Math.min(this.maxBackoffMs, this.pollMs * 2 ** this.failures);
      this.logger.warn({ err: coerceError(err), failures: this.failures, retryInMs: delay }, 'usage relay to Service Bus failed');
    }
    if (this.running) this.schedule(delay);
  }

  private async drain(): Promise<number> {
    const { source, target } = this.options;
    let relayed = 0;
    while (!this.stopping) {
      const batch = await source.receive(this.batchSize);
      if (batch.length === 0) break;
      try {
        await target.send(batch.map((d) => d.message));
      } catch (err) {
        await source.abandon(batch).catch((abandonErr: unknown) => {
          // The rows come back anyway once their locks run out.
          this.logger.warn({ err: coerceError(abandonErr) }, 'could not release outbox rows after a failed relay');
        });
        throw new AppError('UpstreamFailed', `sending ${batch.length} usage messages to Service Bus failed`, {
          cause: err,
          retryable: true,
        });
      }
      // Sent: from here a failure must not abandon the rows (they would be sent at once again, for nothing). They
      // stay locked, come back when their locks run out, and the resend is dropped as a duplicate.
      await source.complete(batch);
      relayed += batch.length;
    }
    return relayed;
  }
}
