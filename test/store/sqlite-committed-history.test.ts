import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommittedHistories } from '../../src/store/sqlite/committed-histories';
import { openDatabase } from '../../src/store/sqlite/sqlite-database';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { seedSubscription } from '../helpers/seed';
import { tempDir } from '../helpers/temp-dir';
import { AT, EXPIRES, KEY, exchange, saveHistory, storesClosedAfterEach } from './sqlite-history-fixture';

/**
 * The embedded history keeps the committed histories it read or wrote, so that the next turn reads no row; these
 * tests show it never serves one that something else has changed since: another process (its data version moves),
 * or this process through any statement (a temporary trigger forgets the entry). A turn reads its history right
 * after its claim commits, and the data version read in that commit is the one the read goes by: the tests claim
 * before reading, as a turn does.
 */
describe('SQLite history: committed histories kept in the process', () => {
  const open = storesClosedAfterEach();
  const save = saveHistory;
  let activity = 0;
  /** What a turn does before it reads its history: claim its activity (a commit of its own). */
  const claim = async (store: SqliteStore) =>
    expect(
      await store.usage.claim({
        tenantId: 'tenant-a',
        activityId: `activity-${++activity}`,
        subscriptionId: 'sub-a',
        periodStart: AT,
        holds: [],
        at: AT,
      }),
    ).toEqual({ ok: true });
  /** Changes the row behind the process's back: no trigger of this connection sees it. */
  const writeBehindItsBack = (store: SqliteStore) => {
    store.db.exec('DROP TRIGGER temp.committed_history_update');
    store.db
      .prepare('UPDATE conversation_history SET exchanges = ? WHERE conversation_key = ?')
      .run(JSON.stringify([{ user: 'changed', assistant: 'behind', tokens: 2, at: AT.toISOString() }]), KEY);
  };

  it('a saved history is read back without reading its row', async () => {
    const store = open(path.join(tempDir(), 'kept.sqlite'));
    expect(await save(store, [exchange(1)], 0)).toBe('saved');
    writeBehindItsBack(store);
    // What the process saved, not the row: it read none.
    expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [exchange(1)], version: 1 });
    // Expired, it reads as empty, like the row, and its text is no longer kept: the next read is the row's.
    expect(await store.history.load(KEY, EXPIRES)).toEqual({ exchanges: [], version: 1 });
    expect((await store.history.load(KEY, AT)).exchanges[0]?.user).toBe('changed');
    // Nor is an expired row read from the file.
    expect(await store.history.load(KEY, EXPIRES)).toEqual({ exchanges: [], version: 1 });
    expect(await store.history.load(KEY, EXPIRES)).toEqual({ exchanges: [], version: 1 });
    store.db.prepare("UPDATE conversation_history SET exchanges = '[]' WHERE conversation_key = ?").run(KEY);
    expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [], version: 1 });
  });

  it('an update in this process that is not a history write (any version move but one) forgets what it kept', async () => {
    const store = open(path.join(tempDir(), 'updated.sqlite'));
    expect(await save(store, [exchange(1)], 0)).toBe('saved');
    expect(await save(store, [exchange(1), exchange(2)], 1)).toBe('saved');
    const scrub = store.db.prepare(
      `UPDATE conversation_history SET exchanges = '[]', version = version + ? WHERE conversation_key = ?`,
    );
    scrub.run(2, KEY);
    expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [], version: 4 });
    expect(await save(store, [exchange(5)], 4)).toBe('saved');
    expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [exchange(5)], version: 5 });
    scrub.run(0, KEY);
    expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [], version: 5 });
  });

  it('a history another process wrote since is read from the file', async () => {
    const file = path.join(tempDir(), 'two-processes.sqlite');
    const mine = open(file);
    const other = open(file);
    expect(await save(mine, [exchange(1)], 0)).toBe('saved');
    expect(await mine.history.load(KEY, AT)).toEqual({ exchanges: [exchange(1)], version: 1 });
    const theirs = await other.history.load(KEY, AT);
    expect(await save(other, [...theirs.exchanges, exchange(2)], theirs.version)).toBe('saved');
    await claim(mine);
    expect(await mine.history.load(KEY, AT)).toEqual({ exchanges: [exchange(1), exchange(2)], version: 2 });
    // And the other way round, through a read this time.
    expect(await save(mine, [exchange(1), exchange(2), exchange(3)], 2)).toBe('saved');
    await claim(other);
    expect((await other.history.load(KEY, AT)).exchanges).toEqual([exchange(1), exchange(2), exchange(3)]);
  });

  it('a change of any other table by another process also sends the next read to the file (the safe side)', async () => {
    const file = path.join(tempDir(), 'other-table.sqlite');
    const mine = open(file);
    const other = open(file);
    expect(await save(mine, [exchange(1)], 0)).toBe('saved');
    await seedSubscription(other, { tenantId: 'tenant-b' });
    writeBehindItsBack(mine);
    await claim(mine);
    expect((await mine.history.load(KEY, AT)).exchanges).toEqual([{ user: 'changed', assistant: 'behind', tokens: 2, at: AT }]);
  });

  it('a reset, the expiry sweep and a tenant erasure in this process forget what it kept', async () => {
    const store = open(path.join(tempDir(), 'forgotten.sqlite'));
    await seedSubscription(store, { tenantId: 'tenant-a' });

    expect(await save(store, [exchange(1)], 0)).toBe('saved');
    expect(await store.history.clear(KEY)).toBe(true);
    expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [], version: 0 });

    expect(await save(store, [exchange(2)], 0)).toBe('saved');
    expect(await store.history.deleteExpired(EXPIRES)).toBe(1);
    expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [], version: 0 });

    expect(await save(store, [exchange(3)], 0)).toBe('saved');
    expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [exchange(3)], version: 1 });
    const erased = await store.tenantData.erase('tenant-a');
    expect(erased.conversation_history).toBe(1);
    // Erased means erased: nothing of the conversation comes back from the process's memory.
    expect(await store.history.load(KEY, AT)).toEqual({ exchanges: [], version: 0 });
  });

  it('a save that conflicts, or whose commit fails, is not kept', async () => {
    const file = path.join(tempDir(), 'conflict.sqlite');
    const mine = open(file);
    const other = open(file);
    expect(await save(other, [exchange(7)], 0)).toBe('saved');
    // Built on no history: a conflict, and the next read is the row's.
    expect(await save(mine, [exchange(1)], 0)).toBe('conflict');
    expect(await mine.history.load(KEY, AT)).toEqual({ exchanges: [exchange(7)], version: 1 });

    // The commit fails (the file is locked past the busy timeout): nothing of it is kept.
    mine.db.pragma('busy_timeout = 0');
    other.db.exec('BEGIN IMMEDIATE');
    await expect(save(mine, [exchange(7), exchange(8)], 1)).rejects.toThrow(/locked|busy/i);
    other.db.exec('ROLLBACK');
    expect(await mine.history.load(KEY, AT)).toEqual({ exchanges: [exchange(7)], version: 1 });
  });
});

describe('committed histories: bounds', () => {
  const history = (text: string) => ({
    exchanges: [{ user: text, assistant: '', tokens: 1, at: AT }],
    version: 1,
    expiresAt: EXPIRES.getTime(),
  });

  it('keeps at most maxEntries conversations and maxChars of text, least recently used out first', () => {
    const db = openDatabase(':memory:');
    const kept = new CommittedHistories(db, () => 1, { maxChars: 10, maxEntries: 2 });
    kept.put('a', history('aaa'), 1);
    kept.put('b', history('bbb'), 1);
    expect(kept.get('a', 1)).toBeDefined(); // `a` is now the most recently used
    kept.put('c', history('ccc'), 1);
    expect([kept.get('b', 1), kept.size]).toEqual([undefined, 2]);
    expect(kept.get('a', 1)).toBeDefined();
    // Text: 3 + 3 + 6 > 10, so the least recently used goes (`c`, `a` having been read since).
    kept.put('d', history('dddddd'), 1);
    expect([kept.get('c', 1), kept.get('a', 1)?.version, kept.get('d', 1)?.version]).toEqual([undefined, 1, 1]);
    // A history longer than the whole bound is not kept at all.
    kept.put('e', history('e'.repeat(11)), 1);
    expect(kept.get('e', 1)).toBeUndefined();
    // An entry taken at another data version is not served, and is dropped.
    expect(kept.get('a', 2)).toBeUndefined();
    expect(kept.get('a', 1)).toBeUndefined();
    db.close();
  });
});
