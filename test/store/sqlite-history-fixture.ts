import { afterEach } from 'vitest';
import { historyKeyOf, type HistoryExchange } from '../../src/domain/conversation-history';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store';

/** One conversation's history on the embedded store, as the SQLite history tests write it. */
export const AT = new Date('2026-03-10T10:00:00.000Z');
export const EXPIRES = new Date('2026-03-11T10:00:00.000Z');
export const KEY = historyKeyOf({ tenantId: 'tenant-a', conversationId: 'conv-1' });
export const exchange = (n: number): HistoryExchange => ({ user: `question ${n}`, assistant: `answer ${n}`, tokens: 4, at: AT });

/** Opens stores (several on one file: several processes) that are closed after each test. Call inside `describe`. */
export function storesClosedAfterEach(): (file: string) => SqliteStore {
  const opened: SqliteStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  return (file) => {
    const store = openSqliteStore(file);
    opened.push(store);
    return store;
  };
}

export const saveHistory = (store: SqliteStore, exchanges: HistoryExchange[], expectedVersion: number, background = false) =>
  store.history.save({ key: KEY, tenantId: 'tenant-a', exchanges, expiresAt: EXPIRES, at: AT, expectedVersion }, { background });
