import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HistoryExchange } from '../../src/domain/conversation-history';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { tempDir } from '../helpers/temp-dir';
import { AT, EXPIRES, KEY, exchange, saveHistory, storesClosedAfterEach } from './sqlite-history-fixture';

/**
 * The embedded history's read-your-writes: a read of a conversation whose write still waits in the group commit
 * (background writes wait up to 50 ms) sees that write, and a write built on it is chained to it.
 */
describe('SQLite history: writes still waiting in the group commit', () => {
  const open = storesClosedAfterEach();
  const save = (store: SqliteStore, exchanges: HistoryExchange[], expectedVersion: number, background = true) =>
    saveHistory(store, exchanges, expectedVersion, background);

  it('a read sees the waiting write, and the next write built on it is saved after it: no conflict with itself', async () => {
    const store = open(path.join(tempDir(), 'waiting.sqlite'));
    const first = save(store, [exchange(1)], 0);
    const read = await store.history.load(KEY, AT);
    expect(read).toEqual({ exchanges: [exchange(1)], version: 1 });
    // Nothing is in the file yet: the read came from the waiting write.
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM conversation_history').get()).toEqual({ n: 0 });
    const second = save(store, [...read.exchanges, exchange(2)], read.version);
    expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [exchange(1), exchange(2)], version: 2 });
    expect([await first, await second]).toEqual(['saved', 'saved']);
    expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [exchange(1), exchange(2)], version: 2 });
  });

  it('a waiting write that loses to another instance takes the writes built on it down too: that exchange is kept', async () => {
    const file = path.join(tempDir(), 'two-instances.sqlite');
    const mine = open(file);
    const other = open(file);
    const first = save(mine, [exchange(1)], 0);
    const read = await mine.history.load(KEY, AT);
    // Another instance writes the conversation first; the row is now at version 1, the version `read` names.
    expect(await save(other, [exchange(7)], 0, false)).toBe('saved');
    const second = save(mine, [...read.exchanges, exchange(2)], read.version);
    expect([await first, await second]).toEqual(['conflict', 'conflict']);
    // The conflict reads the file again: the other instance's exchange is there, to be merged with.
    expect(await mine.history.load(KEY, AT)).toEqual({ exchanges: [exchange(7)], version: 1 });
  });

  it('a read after an expired waiting write is empty, with the version that write will have', async () => {
    const store = open(path.join(tempDir(), 'expired.sqlite'));
    const first = save(store, [exchange(1)], 0);
    expect(await store.history.load(KEY, new Date(EXPIRES.getTime() + 1))).toEqual({ exchanges: [], version: 1 });
    expect(await first).toBe('saved');
  });
});
