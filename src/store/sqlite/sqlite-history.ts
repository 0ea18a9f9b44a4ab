import type Database from 'better-sqlite3';
import type { ConversationHistoryRepo } from '../history-repo';
import { historyFromJson, historyToJson } from '../history-json';
import { CommittedHistories, type CommittedHistory } from './committed-histories';
import type { WriteBatcher } from './write-batcher';

interface HistoryRow {
  exchanges: string;
  version: number;
  expires_at: number;
}

/** A write of a conversation still waiting in the group commit, and the version it gives the row if it is saved. */
interface WaitingWrite extends CommittedHistory {
  /** Set when its unit has run inside the batch's transaction (and back to `conflict` should the commit fail). */
  outcome?: 'saved' | 'conflict';
}

/**
 * Conversation history in the embedded file (migration 0006). A turn's write goes through the group commit, in the
 * background like its usage (the two usually share one commit).
 *
 * Read-your-writes within the process: a read of a conversation whose last write is still waiting in the group
 * commit (up to 50 ms; a conversation answered faster than that, or a second message sent at once) gets that write's
 * history and the version it will have, without touching the file. The write built on it runs after it in the same
 * transaction order, and is a conflict whenever the one it built on was not saved (another instance wrote first, or
 * a reset): it then reads the row again and merges, as every other conflict does. So one instance never conflicts
 * with itself, and two instances still never lose each other's exchange.
 *
 * A reset (`new chat`) commits a write of its conversation still waiting first, so that the write cannot bring the
 * history back.
 *
 * Committed histories this process read or wrote are kept (CommittedHistories) while nothing else has changed them:
 * the next turn of the conversation then reads no row.
 */
export function sqliteHistory(db: Database.Database, batcher: WriteBatcher): ConversationHistoryRepo {
  const load = db.prepare('SELECT exchanges, version, expires_at FROM conversation_history WHERE conversation_key = ?');
  const insert = db.prepare(`INSERT INTO conversation_history
    (conversation_key, tenant_id, exchanges, version, updated_at, expires_at) VALUES (?, ?, ?, 1, ?, ?)
    ON CONFLICT (conversation_key) DO NOTHING`);
  const update = db.prepare(`UPDATE conversation_history
    SET exchanges = ?, version = version + 1, updated_at = ?, expires_at = ?
    WHERE conversation_key = ? AND version = ?`);
  const clear = db.prepare('DELETE FROM conversation_history WHERE conversation_key = ?');
  const deleteExpired = db.prepare('DELETE FROM conversation_history WHERE expires_at <= ?');
  /** Per conversation with writes waiting in the batch: how many, and the last one queued. */
  const waiting = new Map<string, { count: number; last: WaitingWrite }>();
  // A version read at most 100 ms ago: the history is then read as of then, as a read 100 ms earlier would have.
  const committed = new CommittedHistories(db, () => batcher.dataVersionWithin(100));
  const view = (h: CommittedHistory, now: Date) => ({
    exchanges: h.expiresAt > now.getTime() ? [...h.exchanges] : [],
    version: h.version,
  });
  return {
    async load(key, now) {
      const last = waiting.get(key)?.last;
      if (last && last.outcome !== 'conflict') return view(last, now);
      // Before the row: a change made after this version was read is one the entry put below will not pass for.
      const dataVersion = committed.currentVersion();
      const known = committed.get(key, dataVersion);
      if (known) {
        // Expired: read as empty, and its text is not kept any longer (the sweep deletes the row within a minute).
        if (known.expiresAt <= now.getTime()) committed.forget(key);
        return view(known, now);
      }
      const row = load.get(key) as HistoryRow | undefined;
      if (!row) return { exchanges: [], version: 0 };
      if (row.expires_at <= now.getTime()) return { exchanges: [], version: row.version };
      const history = { exchanges: historyFromJson(row.exchanges), version: row.version, expiresAt: row.expires_at };
      committed.put(key, history, dataVersion);
      return view(history, now);
    },
    async save(input, options = {}) {
      const json = historyToJson(input.exchanges);
      const at = input.at.getTime();
      const expiresAt = input.expiresAt.getTime();
      const entry = waiting.get(input.key);
      // The write this one was read from, when that read came from a write still waiting (see load).
      const basis =
        entry && entry.last.outcome !== 'conflict' && entry.last.version === input.expectedVersion ? entry.last : undefined;
      const mine: WaitingWrite = { exchanges: input.exchanges, expiresAt, version: input.expectedVersion + 1 };
      if (entry) {
        entry.count++;
        entry.last = mine;
      } else waiting.set(input.key, { count: 1, last: mine });
      try {
        return await batcher.run(
          () => {
            const changes =
              basis && basis.outcome !== 'saved'
                ? 0
                : input.expectedVersion === 0
                  ? insert.run(input.key, input.tenantId, json, at, expiresAt).changes
                  : update.run(json, at, expiresAt, input.key, input.expectedVersion).changes;
            mine.outcome = changes === 1 ? 'saved' : 'conflict';
            if (changes === 1)
              committed.put(input.key, { exchanges: mine.exchanges, version: mine.version, expiresAt }, batcher.batchDataVersion);
            else committed.forget(input.key);
            return mine.outcome;
          },
          { ...options, oneStatement: true },
        );
      } catch (thrown) {
        // The commit failed: nothing of this write is in the file, whatever its unit said.
        mine.outcome = 'conflict';
        committed.forget(input.key);
        throw thrown;
      } finally {
        const current = waiting.get(input.key);
        if (current && --current.count === 0) waiting.delete(input.key);
      }
    },
    async clear(key) {
      if (waiting.has(key)) batcher.flushNow();
      return clear.run(key).changes > 0;
    },
    async deleteExpired(now) {
      return deleteExpired.run(now.getTime()).changes;
    },
  };
}
