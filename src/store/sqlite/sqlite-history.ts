import type Database from 'better-sqlite3';
import type { ConversationHistoryRepo } from '../history-repo';
import { historyFromJson, historyToJson } from '../history-json';
import type { WriteBatcher } from './write-batcher';

interface HistoryRow {
  exchanges: string;
  version: number;
  expires_at: number;
}

/**
 * Conversation history in the embedded file (migration 0006). A turn's write goes through the group commit, in the
 * background like its usage (the two usually share one commit). A read does not wait for it: the next message of a
 * conversation comes long after the 50 ms a write may wait, and a read that was too early only makes the next
 * write meet a newer version, read again and add to it (the optimistic write of the port). A reset (`new chat`)
 * commits a write of its conversation still waiting first, so that the write cannot bring the history back.
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
  /** Conversations with a write waiting in the batch. */
  const pending = new Map<string, number>();
  return {
    async load(key, now) {
      const row = load.get(key) as HistoryRow | undefined;
      if (!row) return { exchanges: [], version: 0 };
      return { exchanges: row.expires_at > now.getTime() ? historyFromJson(row.exchanges) : [], version: row.version };
    },
    async save(input, options = {}) {
      const json = historyToJson(input.exchanges);
      const at = input.at.getTime();
      const expiresAt = input.expiresAt.getTime();
      pending.set(input.key, (pending.get(input.key) ?? 0) + 1);
      try {
        return await batcher.run(() => {
          const changes =
            input.expectedVersion === 0
              ? insert.run(input.key, input.tenantId, json, at, expiresAt).changes
              : update.run(json, at, expiresAt, input.key, input.expectedVersion).changes;
          return changes === 1 ? ('saved' as const) : ('conflict' as const);
        }, options);
      } finally {
        const left = (pending.get(input.key) ?? 1) - 1;
        if (left > 0) pending.set(input.key, left);
        else pending.delete(input.key);
      }
    },
    async clear(key) {
      if (pending.has(key)) batcher.flushNow();
      return clear.run(key).changes > 0;
    },
    async deleteExpired(now) {
      return deleteExpired.run(now.getTime()).changes;
    },
  };
}
