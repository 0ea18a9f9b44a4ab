import type { ConversationHistoryRepo } from '../history-repo';
import { historyFromJson, historyToJson } from '../history-json';
import { isUniqueViolation, param, type MssqlDatabase } from './mssql-database';

/** Conversation history in Azure SQL (migration 0006), as src/store/sqlite/sqlite-history.ts. */
export function mssqlHistory(db: MssqlDatabase): ConversationHistoryRepo {
  const s = db.s;
  return {
    async load(key, now) {
      const { rows } = await db.query<{ exchanges: string; version: number; expires_at: Date }>(
        `SELECT exchanges, version, expires_at FROM ${s}.conversation_history WHERE conversation_key = @key`,
        { key: param.text(key) },
      );
      const row = rows[0];
      if (!row) return { exchanges: [], version: 0 };
      return { exchanges: row.expires_at.getTime() > now.getTime() ? historyFromJson(row.exchanges) : [], version: row.version };
    },
    async save(input) {
      const values = {
        key: param.text(input.key),
        tenant: param.text(input.tenantId),
        exchanges: param.longText(historyToJson(input.exchanges)),
        at: param.time(input.at),
        expiresAt: param.time(input.expiresAt),
        expected: param.int(input.expectedVersion),
      };
      if (input.expectedVersion === 0) {
        try {
          await db.query(
            `INSERT INTO ${s}.conversation_history (conversation_key, tenant_id, exchanges, version, updated_at, expires_at)
            VALUES (@key, @tenant, @exchanges, 1, @at, @expiresAt)`,
            values,
          );
          return 'saved';
        } catch (error) {
          // Another turn of the conversation wrote the first history meanwhile.
          if (isUniqueViolation(error)) return 'conflict';
          throw error;
        }
      }
      const { rowsAffected } = await db.query(
        `UPDATE ${s}.conversation_history
        SET exchanges = @exchanges, version = version + 1, updated_at = @at, expires_at = @expiresAt
        WHERE conversation_key = @key AND version = @expected`,
        values,
      );
      return (rowsAffected[0] ?? 0) === 1 ? 'saved' : 'conflict';
    },
    async clear(key) {
      const { rowsAffected } = await db.query(`DELETE FROM ${s}.conversation_history WHERE conversation_key = @key`, {
        key: param.text(key),
      });
      return (rowsAffected[0] ?? 0) > 0;
    },
    async deleteExpired(now) {
      const { rowsAffected } = await db.query(`DELETE FROM ${s}.conversation_history WHERE expires_at <= @now`, {
        now: param.time(now),
      });
      return rowsAffected[0] ?? 0;
    },
  };
}
