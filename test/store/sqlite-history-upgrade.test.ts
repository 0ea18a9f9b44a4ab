import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { loadMigrations, migrate } from '../../src/store/sqlite/migrate';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import { tempDir } from '../helpers/temp-dir';

const AT = new Date('2026-03-10T10:00:00.000Z');
const EXPIRES = new Date('2026-03-11T10:00:00.000Z');
const exchange = { user: 'Bonjour', assistant: 'Bonjour !', tokens: 6, at: AT.toISOString() };

/** Migration 0015 on a store built before it: conversation_history becomes a rowid table, its rows unchanged. */
describe('SQLite conversation history migration (0015)', () => {
  it('keeps every history with its version, and saves and conflicts go on as before', async () => {
    const file = path.join(tempDir(), 'before-0015.sqlite');
    const db = new Database(file);
    migrate(db, loadMigrations().filter((m) => m.version < 15));
    const insert = db.prepare(`INSERT INTO conversation_history
      (conversation_key, tenant_id, exchanges, version, updated_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`);
    insert.run('a'.repeat(64), 'tenant-a', JSON.stringify([exchange]), 3, AT.getTime(), EXPIRES.getTime());
    insert.run('b'.repeat(64), 'tenant-b', JSON.stringify([exchange, exchange]), 1, AT.getTime(), EXPIRES.getTime());
    db.close();

    const store = openSqliteStore(file);
    try {
      const schema = store.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'conversation_history'").pluck().get();
      expect(schema).not.toMatch(/WITHOUT ROWID/i);
      const a = await store.history.load('a'.repeat(64), AT);
      expect(a.version).toBe(3);
      expect(a.exchanges.map((e) => e.user)).toEqual(['Bonjour']);
      expect((await store.history.load('b'.repeat(64), AT)).exchanges).toHaveLength(2);
      const save = (key: string, expectedVersion: number) =>
        store.history.save({
          key,
          tenantId: 'tenant-a',
          exchanges: [...a.exchanges, { ...exchange, user: 'Encore', at: AT }],
          expiresAt: EXPIRES,
          at: AT,
          expectedVersion,
        });
      expect(await save('a'.repeat(64), 3)).toBe('saved');
      expect(await save('a'.repeat(64), 3)).toBe('conflict');
      // A new conversation's first save, then a second first save of it: the key is still unique.
      expect(await save('c'.repeat(64), 0)).toBe('saved');
      expect(await save('c'.repeat(64), 0)).toBe('conflict');
      expect((await store.history.load('a'.repeat(64), AT)).version).toBe(4);
      expect(await store.tenantData.erase('tenant-b')).toMatchObject({ conversation_history: 1 });
      expect(store.db.prepare('SELECT COUNT(*) FROM conversation_history').pluck().get()).toBe(2);
    } finally {
      await store.close();
    }
  });
});
