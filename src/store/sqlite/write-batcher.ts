import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import type { WriteOptions } from '../write-options';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface WriteBatcherOptions {
  /** Least spacing of commits under load, for writes someone waits on. */
  windowMs?: number;
  /** How long a background write may wait for company. */
  backgroundMs?: number;
  /** A batch this large commits at once. */
  maxBatch?: number;
}

/**
 * Group commit for the embedded store. Write units run in one IMMEDIATE transaction per batch, each inside its own
 * savepoint (a unit alone needs none): a unit that throws rolls back alone, the others commit together. A commit costs far more than the
 * statements of one turn (measured on a 2-core VM, a turn's usage write: ~70 µs alone, ~40 µs in batches of 4,
 * ~20 µs in batches of 32), so writes wait for company:
 * - one that a caller waits on (a quota reservation before the AI call) commits on the next tick when the store
 *   is idle, and under load at most `windowMs` after the previous commit;
 * - a background one (a turn's usage, once its reply has gone) waits up to `backgroundMs` (50 ms: under load a few
 *   dozen turns share the commit; a crash can lose at most that much usage of answers already sent, never bill
 *   twice), unless a waited-on write or a full batch (`maxBatch`) commits first and takes it along.
 * Results are handed out only after the commit.
 */
export class WriteBatcher {
  private queue: Pending[] = [];
  /** When the scheduled flush runs (performance.now() time), and how to cancel it; Infinity when none is. */
  private flushAt = Infinity;
  private cancel: () => void = () => undefined;
  private lastFlush = -Infinity;
  private readonly windowMs: number;
  private readonly backgroundMs: number;
  private readonly maxBatch: number;
  private readonly runBatch: { immediate(batch: Pending[]): Outcome[] };

  constructor(db: Database.Database, options: WriteBatcherOptions = {}) {
    this.windowMs = options.windowMs ?? 2;
    this.backgroundMs = options.backgroundMs ?? 50;
    this.maxBatch = options.maxBatch ?? 64;
    const savepoint = db.prepare('SAVEPOINT unit');
    const release = db.prepare('RELEASE unit');
    const rollback = db.prepare('ROLLBACK TO unit');
    this.runBatch = db.transaction((batch: Pending[]): Outcome[] => {
      // A unit alone needs no savepoint: if it throws, the whole transaction rolls back, which is the same thing
      // (flush then rejects it with its error). Two statements fewer for most waited-on writes.
      if (batch.length === 1) return [{ ok: true, value: batch[0]!.work() }];
      return batch.map((item) => {
        savepoint.run();
        try {
          const value = item.work();
          release.run();
          return { ok: true, value };
        } catch (error) {
          rollback.run();
          release.run();
          return { ok: false, error };
        }
      });
    });
  }

  run<T>(work: () => T, options: WriteOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      const now = performance.now();
      if (this.queue.length >= this.maxBatch) this.schedule(now, now);
      else if (options.background) this.schedule(now + this.backgroundMs, now);
      else this.schedule(Math.max(now, this.lastFlush + this.windowMs), now);
    });
  }

  /** Commits on the next tick (a unit that grew large). */
  flushSoon(): void {
    const now = performance.now();
    this.schedule(now, now);
  }

  /** Commits whatever is queued now (before the database closes). */
  flushNow(): void {
    if (this.queue.length > 0) this.flush();
  }

  private schedule(at: number, now: number): void {
    if (at >= this.flushAt) return;
    this.cancel();
    this.flushAt = at;
    if (at > now) {
      const timer = setTimeout(() => this.flush(), at - now);
      this.cancel = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(() => this.flush());
      this.cancel = () => clearImmediate(immediate);
    }
  }

  private flush(): void {
    this.cancel();
    this.flushAt = Infinity;
    this.lastFlush = performance.now();
    const batch = this.queue;
    this.queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.runBatch.immediate(batch);
    } catch (error) {
      // The commit itself failed (e.g. the file stayed locked past busy_timeout): nothing was written.
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
