import type Database from 'better-sqlite3';
import type { HistoryExchange } from '../../domain/conversation-history';

export interface CommittedHistory {
  exchanges: readonly HistoryExchange[];
  version: number;
  expiresAt: number;
}

interface Entry extends CommittedHistory {
  /** The connection's `PRAGMA data_version` when the entry was known to match its row. */
  dataVersion: number;
  chars: number;
}

export interface CommittedHistoriesLimits {
  /** Text kept in all (user and assistant texts, in characters). */
  maxChars: number;
  maxEntries: number;
}

/**
 * The conversation histories this process last read or wrote, as committed, so that the next turn of a conversation
 * does not read its row back and parse it again (most turns of a conversation reach the instance that answered the
 * one before). An entry is used only while it provably matches its row:
 * - a change by any other connection (another bot instance, the worker, `npm run tenant:erase`) moves the
 *   connection's `PRAGMA data_version`, which every entry was taken at: the next read goes to the file;
 * - a change through this connection to a row other than the save that put the entry (a reset, the retention sweep,
 *   a tenant's erasure, whatever code comes later) runs a temporary trigger that drops the entry. The trigger skips
 *   updates that move the version by exactly one: those are history writes, and a history write puts its entry
 *   (sqliteHistory's save, the only one).
 * Message text is personal data: the entries hold no more than the rows do, are bounded (least recently used
 * first out), read as empty once expired like the rows, and go with the process.
 */
export class CommittedHistories {
  private readonly entries = new Map<string, Entry>();
  private chars = 0;
  private readonly dataVersion: Database.Statement<[], number>;

  /**
   * @param recentVersion the connection's data version as read very recently (by the group commit, inside the
   * transaction of the turn's claim), if it was: reading the history then is reading it as of that moment.
   */
  constructor(
    db: Database.Database,
    private readonly recentVersion: () => number | undefined = () => undefined,
    private readonly limits: CommittedHistoriesLimits = { maxChars: 500_000, maxEntries: 1_000 },
  ) {
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    db.function('forget_committed_history', { deterministic: false }, (key: unknown) => {
      if (typeof key === 'string') this.forget(key);
      return null;
    });
    // Not for a history write (an update that moves the version by one): the save that runs it puts the entry it
    // wrote, and the call into JS would cost every turn. Any other update or delete drops the entry.
    for (const [change, when] of [
      ['UPDATE', 'WHEN new.version IS NOT old.version + 1'],
      ['DELETE', ''],
    ] as const)
      db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS committed_history_${change.toLowerCase()}
        AFTER ${change} ON main.conversation_history ${when}
        BEGIN SELECT forget_committed_history(old.conversation_key); END`);
  }

  /** The connection's data version now (or very recently): read it before reading a row that may be put here. */
  currentVersion(): number {
    return this.recentVersion() ?? this.dataVersion.get()!;
  }

  /** The committed history of `key`, if one is known and nothing has changed the file since (`dataVersion`: now). */
  get(key: string, dataVersion: number): CommittedHistory | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.remove(key, entry);
    if (entry.dataVersion !== dataVersion) return undefined;
    // Most recently used last.
    this.add(key, entry);
    return entry;
  }

  /**
   * Remembers a row as committed. `dataVersion`: read before the row was (a read), or in the transaction that wrote
   * it (a save, after its statement ran: its own trigger has already fired).
   */
  put(key: string, history: CommittedHistory, dataVersion: number): void {
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    let chars = 0;
    for (const e of history.exchanges) chars += e.user.length + e.assistant.length;
    if (chars > this.limits.maxChars) return;
    this.add(key, { ...history, dataVersion, chars });
    for (const [oldest, entry] of this.entries) {
      if (this.chars <= this.limits.maxChars && this.entries.size <= this.limits.maxEntries) break;
      this.remove(oldest, entry);
    }
  }

  forget(key: string): void {
    const entry = this.entries.get(key);
    if (entry) this.remove(key, entry);
  }

  get size(): number {
    return this.entries.size;
  }

  private add(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    this.chars += entry.chars;
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.chars -= entry.chars;
  }
}
