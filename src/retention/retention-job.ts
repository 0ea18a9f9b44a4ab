import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToTurns } from 'node:timers/promises';
import { MINUTE } from '../domain/clock';
import type { Clock } from '../domain/clock';
import { coerceError } from '../domain/errors';
import { messageTextCutoff, usageCutoff, type RetentionPolicy } from '../domain/retention';
import type { Logger } from '../logger';
import type { RetentionRepo, RetentionStep } from '../store/store';

/** The lease every process competes for: one runs the job at a time. */
export const RETENTION_LEASE = 'retention';
/** Long enough for a step on a slow store; renewed after each step, so a dead holder frees it soon. */
const LEASE_MS = 2 * MINUTE;

export interface RetentionRun {
  /** False when another instance holds the lease (nothing done here). */
  ran: boolean;
  rolledUp: number;
  purged: number;
  scrubbed: number;
  ms: number;
}

export interface RetentionJobDeps {
  retention: RetentionRepo;
  clock: Clock;
  logger: Logger;
  policy: RetentionPolicy;
  /** Rows per step (one short transaction). @defaultValue 2000 */
  batchSize?: number;
  /** This process in the lease. @defaultValue a random id */
  holder?: string;
}

/**
 * The rollup and retention job (issue 14): rolls every usage event not rolled up yet into the daily aggregates,
 * deletes raw events past the usage retention once billed and settled, and clears message text past its own
 * retention. Each step is one short transaction of at most `batchSize` rows, and the job yields to the event loop
 * between steps, so turns go on meanwhile. Every process may run it: a lease in the store lets one at a time do so.
 * Running it again changes nothing that is done (each event is rolled up once; deleted rows stay deleted).
 */
export class RetentionJob {
  private readonly holder: string;
  private readonly batchSize: number;
  private running: Promise<RetentionRun> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RetentionJobDeps) {
    this.holder = deps.holder ?? `retention-${randomUUID()}`;
    this.batchSize = deps.batchSize ?? 2000;
  }

  /** One whole run (every step until there is nothing left to do); a run already in progress is joined. */
  runOnce(): Promise<RetentionRun> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Runs every `intervalMs` until `stop()`; errors are logged, never thrown. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.runOnce().catch((thrown) => this.deps.logger.error({ err: coerceError(thrown) }, 'retention job failed'));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<RetentionRun> {
    const { retention, clock } = this.deps;
    const started = Date.now();
    const result: RetentionRun = { ran: false, rolledUp: 0, purged: 0, scrubbed: 0, ms: 0 };
    const renew = () => {
      const now = clock.now();
      return retention.lease(RETENTION_LEASE, this.holder, now, new Date(now.getTime() + LEASE_MS));
    };
    if (!(await renew())) return result;
    result.ran = true;
    try {
      // Roll up first: only rolled-up events may be deleted.
      for (;;) {
        const n = await retention.rollUp(this.batchSize);
        result.rolledUp += n;
        if (n < this.batchSize) break;
        if (!(await this.between(renew))) return this.finish(result, started);
      }
      const now = clock.now();
      const usageBefore = usageCutoff(now, this.deps.policy);
      const textBefore = messageTextCutoff(now, this.deps.policy);
      result.purged = await this.pass(
        (after) => retention.purgeEvents({ before: usageBefore, limit: this.batchSize, ...after }),
        renew,
      );
      result.scrubbed = await this.pass(
        (after) => retention.scrubText({ before: textBefore, limit: this.batchSize, ...after }),
        renew,
      );
    } finally {
      await retention.releaseLease(RETENTION_LEASE, this.holder);
    }
    return this.finish(result, started);
  }

  /** Steps until the walk reaches its end (or the lease is lost); returns the rows it wrote. */
  private async pass(step: (after: { after?: string }) => Promise<RetentionStep>, renew: () => Promise<boolean>) {
    let rows = 0;
    let next: string | undefined;
    for (;;) {
      const done = await step(next === undefined ? {} : { after: next });
      rows += done.rows;
      if (done.next === undefined) return rows;
      next = done.next;
      if (!(await this.between(renew))) return rows;
    }
  }

  /** Lets the turns waiting on the event loop go first, and keeps the lease; false when it was lost. */
  private async between(renew: () => Promise<boolean>): Promise<boolean> {
    await yieldToTurns();
    return renew();
  }

  private finish(result: RetentionRun, started: number): RetentionRun {
    result.ms = Date.now() - started;
    if (result.rolledUp || result.purged || result.scrubbed) {
      this.deps.logger.info(
        { rolledUp: result.rolledUp, purged: result.purged, scrubbed: result.scrubbed, ms: result.ms },
        'retention job ran',
      );
    }
    return result;
  }
}
