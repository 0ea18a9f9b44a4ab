import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit for the embedded store. Write units run in one IMMEDIATE transaction per batch, each inside its own
 * savepoint: a unit that throws rolls back alone, the others commit together. A commit costs far more than the
 * statements of one turn (measured on a 2-core VM: ~90 µs per turn alone, ~45 µs in batches of 8), so under load
 * commits are spaced at least `windowMs` apart and everything that arrived meanwhile shares one (2 ms: longer
 * windows batched more but left closed-loop clients waiting). When idle, a write commits on the next tick. Results
 * are handed out only after the commit: milliseconds no user sees (the reply has left before usage is recorded; a
 * reservation precedes a model call of seconds).
 */
export class WriteBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  private lastFlush = 0;
  private readonly runBatch: { immediate(batch: Pending[]): Outcome[] };

  constructor(
    db: Database.Database,
    private readonly windowMs = 2,
  ) {
    const savepoint = db.prepare('SAVEPOINT unit');
    const release = db.prepare('RELEASE unit');
    const rollback = db.prepare('ROLLBACK TO unit');
    this.runBatch = db.transaction((batch: Pending[]): Outcome[] =>
      batch.map((item) => {
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
      }),
    );
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        const wait = this.lastFlush + this.windowMs - performance.now();
        if (wait > 0) setTimeout(() => this.flush(), wait);
        else setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
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
