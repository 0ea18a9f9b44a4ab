import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import type { WriteOptions } from '../write-options';

interface Pending {
  work: () => unknown;
  /** The unit writes with one statement at most, its last act that can fail (BatchWriteOptions.oneStatement). */
  oneStatement: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface BatchWriteOptions extends WriteOptions {
  /**
   * The unit changes the file with one statement at most, and nothing after that statement can throw: a statement
   * that fails has changed nothing (SQLite undoes it alone and the transaction goes on), so the unit needs no
   * savepoint of its own. Two statements fewer per unit (a turn's claim, a history write). Should a failure have
   * ended the whole transaction (an I/O error, a full disk), the batch fails as a whole, as with a savepoint.
   */
  oneStatement?: boolean;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface WriteBatcherOptions {
  /** How long a background write may wait for company. */
  backgroundMs?: number;
  /** This many background writes commit at once. */
  maxBatch?: number;
}

/**
 * Group commit for the embedded store. Write units run in one IMMEDIATE transaction per batch, each inside its own
 * savepoint (a unit alone needs none, nor one of a single statement): a unit that throws rolls back alone, the
 * others commit together. A commit costs far more than the statements of one turn: it writes every page its units
 * touched to the WAL, two system calls a page, and the pages a turn's usage, claim and history touch are mostly the
 * same few (the right-hand ends of the tables and indexes they append to). So writes wait for company, apart:
 * - one that a caller waits on (a turn's claim before the AI call) commits on the next tick, with the others queued
 *   in the same turn of the event loop; under load, the turns that arrived together share it;
 * - background ones (a turn's usage and history, once its reply has gone) wait up to `backgroundMs` (50 ms: under
 *   load dozens of turns share the commit, and the pages they share are written once; a crash can lose at most
 *   that much usage of answers already sent, never bill twice), or until `maxBatch` of them are queued. They are not
 *   taken along by the waited-on commits, which they would only make bigger, unless a waited-on write asks for them
 *   (`withBackground`: a quota claim, which must see the units their settlements freed).
 * Results are handed out only after the commit.
 */
export class WriteBatcher {
  /** Writes someone waits on, committed on the next tick. */
  private waited: Pending[] = [];
  /** Background writes, committed when their wait is over (or taken along, see withBackground). */
  private held: Pending[] = [];
  private withHeld = false;
  private cancelImmediate: (() => void) | undefined;
  private cancelTimer: (() => void) | undefined;
  private readonly backgroundMs: number;
  private readonly maxBatch: number;
  private readonly runBatch: { immediate(batch: Pending[]): Outcome[] };
  /** `PRAGMA data_version` read inside the last batch's transaction, and when (performance.now()). */
  private seen = { dataVersion: 0, at: -Infinity };

  constructor(db: Database.Database, options: WriteBatcherOptions = {}) {
    this.backgroundMs = options.backgroundMs ?? 50;
    this.maxBatch = options.maxBatch ?? 64;
    const savepoint = db.prepare('SAVEPOINT unit');
    const release = db.prepare('RELEASE unit');
    const rollback = db.prepare('ROLLBACK TO unit');
    const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.runBatch = db.transaction((batch: Pending[]): Outcome[] => {
      this.seen = { dataVersion: dataVersion.get()!, at: performance.now() };
      // A unit alone needs no savepoint: if it throws, the whole transaction rolls back, which is the same thing
      // (flush then rejects it with its error). Two statements fewer for most waited-on writes.
      if (batch.length === 1) return [{ ok: true, value: batch[0]!.work() }];
      return batch.map((item): Outcome => {
        if (item.oneStatement) {
          try {
            return { ok: true, value: item.work() };
          } catch (error) {
            if (!db.inTransaction) throw error;
            return { ok: false, error };
          }
        }
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

  run<T>(work: () => T, options: BatchWriteOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const item: Pending = {
        work,
        oneStatement: options.oneStatement === true,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      if (options.background) {
        this.held.push(item);
        if (this.held.length >= this.maxBatch) this.flushSoon();
        else if (!this.cancelTimer) {
          const timer = setTimeout(() => this.flush(true), this.backgroundMs);
          this.cancelTimer = () => clearTimeout(timer);
        }
        return;
      }
      this.waited.push(item);
      if (options.withBackground) this.withHeld = true;
      this.soon();
    });
  }

  /**
   * The connection's `PRAGMA data_version` as of the start of a batch's transaction at most `maxAgeMs` ago (it
   * changes when another connection commits), or undefined when no batch ran that recently. Read there, it costs no
   * statement of its own; every turn's claim runs one just before the turn reads anything else.
   */
  dataVersionWithin(maxAgeMs: number): number | undefined {
    return performance.now() - this.seen.at <= maxAgeMs ? this.seen.dataVersion : undefined;
  }

  /** For a unit of work: the data version read at the start of its batch's transaction (nobody else writes in it). */
  get batchDataVersion(): number {
    return this.seen.dataVersion;
  }

  /** Commits everything queued, background writes included, on the next tick (a unit that grew large). */
  flushSoon(): void {
    this.withHeld = true;
    this.soon();
  }

  /** Commits whatever is queued now (before a read that must see it, before the database closes). */
  flushNow(): void {
    if (this.waited.length > 0 || this.held.length > 0) this.flush(true);
  }

  private soon(): void {
    if (this.cancelImmediate) return;
    const immediate = setImmediate(() => this.flush(this.withHeld));
    this.cancelImmediate = () => clearImmediate(immediate);
  }

  private flush(all: boolean): void {
    this.cancelImmediate?.();
    this.cancelImmediate = undefined;
    let batch = this.waited;
    this.waited = [];
    this.withHeld = false;
    if (all) {
      this.cancelTimer?.();
      this.cancelTimer = undefined;
      // Background writes first: a waited-on write that asked for them reads what they change.
      batch = this.held.length > 0 ? [...this.held, ...batch] : batch;
      this.held = [];
    }
    if (batch.length === 0) return;
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
