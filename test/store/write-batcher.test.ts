import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/sqlite-database';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import { usageRecordWriter } from '../../src/store/sqlite/usage-record-writer';
import { WriteBatcher } from '../../src/store/sqlite/write-batcher';
import { seedSubscription } from '../helpers/seed';
import { tempDir } from '../helpers/temp-dir';
import { turnClaim, usageEvent } from './store-contract';

/** Group commit on a real file, watched through a second connection (what another process would see). */
describe('SQLite write batcher', () => {
  let file: string;
  let db: Database.Database;
  let other: Database.Database;
  const visible = () => (other.prepare('SELECT COUNT(*) AS n FROM notes').get() as { n: number }).n;

  beforeEach(() => {
    file = path.join(tempDir(), 'batcher.sqlite');
    db = openDatabase(file);
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    other = new Database(file, { readonly: true });
  });
  afterEach(() => {
    other.close();
    db.close();
  });

  const note = (body: string) => () => db.prepare('INSERT INTO notes (body) VALUES (?)').run(body).lastInsertRowid;

  it('holds background writes for company; a write someone waits on commits at once without them', async () => {
    // A fake clock for the background wait (its timer), not for setImmediate: the waited-on write commits on the
    // next tick of the real event loop.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const batcher = new WriteBatcher(db, { backgroundMs: 60_000 });
      const background = [batcher.run(note('a'), { background: true }), batcher.run(note('b'), { background: true })];
      await vi.advanceTimersByTimeAsync(59_999);
      expect(visible()).toBe(0);
      // The waited-on write commits alone: the background ones would only make its commit bigger.
      expect(await batcher.run(note('c'))).toBe(1);
      expect(visible()).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(await Promise.all(background)).toEqual([2, 3]);
      expect(visible()).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a waited-on write withBackground commits after the background writes queued before it, in one commit', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const batcher = new WriteBatcher(db, { backgroundMs: 60_000 });
      const background = [batcher.run(note('a'), { background: true }), batcher.run(note('b'), { background: true })];
      // What a quota claim does: it reads what the settlements still waiting change, so they go first.
      const seen = await batcher.run(() => (db.prepare('SELECT COUNT(*) AS n FROM notes').get() as { n: number }).n, {
        withBackground: true,
      });
      expect(seen).toBe(2);
      expect(await Promise.all(background)).toEqual([1, 2]);
      expect(visible()).toBe(2);
      // Nothing is left for the timer.
      await vi.advanceTimersByTimeAsync(60_000);
      expect(visible()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('commits held background writes when their wait is over', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const batcher = new WriteBatcher(db, { backgroundMs: 60_000 });
      const background = batcher.run(note('a'), { background: true });
      await vi.advanceTimersByTimeAsync(59_999);
      expect(visible()).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(visible()).toBe(1);
      expect(await background).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('commits a full batch without waiting', async () => {
    const batcher = new WriteBatcher(db, { backgroundMs: 60_000, maxBatch: 3 });
    const ids = await Promise.all(['a', 'b', 'c'].map((b) => batcher.run(note(b), { background: true })));
    expect(ids).toEqual([1, 2, 3]);
    expect(visible()).toBe(3);
  });

  it('commits background writes on their own after the wait', async () => {
    const batcher = new WriteBatcher(db, { backgroundMs: 5 });
    expect(
      await Promise.all([batcher.run(note('a'), { background: true }), batcher.run(note('b'), { background: true })]),
    ).toEqual([1, 2]);
    expect(visible()).toBe(2);
  });

  it('rolls back a failing unit alone; the others in its batch commit', async () => {
    const batcher = new WriteBatcher(db, { backgroundMs: 60_000, maxBatch: 3 });
    const results = await Promise.allSettled([
      batcher.run(note('a'), { background: true }),
      batcher.run(
        () => {
          note('half-done')();
          throw new Error('bad unit');
        },
        { background: true },
      ),
      batcher.run(note('c'), { background: true }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(other.prepare('SELECT body FROM notes ORDER BY id').all()).toEqual([{ body: 'a' }, { body: 'c' }]);
  });

  it('a one-statement unit needs no savepoint: its failed statement changed nothing, the others commit', async () => {
    const prepare = vi.spyOn(db, 'prepare');
    const batcher = new WriteBatcher(db, { backgroundMs: 60_000, maxBatch: 3 });
    const savepoint = prepare.mock.results
      .map((r) => r.value as Database.Statement)
      .find((st) => st.source === 'SAVEPOINT unit')!;
    const savepoints = vi.spyOn(savepoint, 'run');
    prepare.mockRestore();
    const oneStatement = { background: true, oneStatement: true } as const;
    const results = await Promise.allSettled([
      batcher.run(note('a'), oneStatement),
      // NOT NULL fails: SQLite undoes that statement alone and the transaction goes on.
      batcher.run(() => db.prepare('INSERT INTO notes (body) VALUES (NULL)').run(), oneStatement),
      batcher.run(note('c'), oneStatement),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(other.prepare('SELECT body FROM notes ORDER BY id').all()).toEqual([{ body: 'a' }, { body: 'c' }]);
    expect(savepoints).not.toHaveBeenCalled();
    // Without the option, the same batch puts each unit under a savepoint.
    const both = [batcher.run(note('d'), { background: true }), batcher.run(note('e'), { background: true })];
    batcher.flushNow();
    await Promise.all(both);
    expect(savepoints).toHaveBeenCalledTimes(2);
  });

  it('a one-statement unit whose failure ended the transaction fails its whole batch: nothing is half-written', async () => {
    const batcher = new WriteBatcher(db, { backgroundMs: 60_000, maxBatch: 3 });
    const oneStatement = { background: true, oneStatement: true } as const;
    const results = await Promise.allSettled([
      batcher.run(note('a'), oneStatement),
      // What an I/O error or a full disk does to SQLite: the whole transaction is rolled back.
      batcher.run(() => {
        db.exec('ROLLBACK');
        throw new Error('disk full');
      }, oneStatement),
      batcher.run(note('c'), oneStatement),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(visible()).toBe(0);
    // The batcher goes on.
    expect(await batcher.run(note('d'))).toBe(1);
    expect(visible()).toBe(1);
  });

  it('flushNow commits what is queued', async () => {
    const batcher = new WriteBatcher(db, { backgroundMs: 60_000 });
    const pending = batcher.run(note('a'), { background: true });
    batcher.flushNow();
    expect(visible()).toBe(1);
    expect(await pending).toBe(1);
  });
});

describe('SQLite store and background usage writes', () => {
  it('commits a background usage write when the store closes, and reads of usage see it before then', async () => {
    const file = path.join(tempDir(), 'close.sqlite');
    const store = openSqliteStore(file);
    const s = await seedSubscription(store, { tenantId: 'tenant-a' });
    const period = new Date('2026-03-01T00:00:00.000Z');
    const first = store.usage.record(
      { event: usageEvent(s.id, { activityId: 'a1' }), included: 10, overage: false },
      { background: true },
    );
    // A read through the store sees the write this process holds (an admin's /usage right after a message).
    expect((await store.usage.counters(s.id, period))[0]).toMatchObject({ used: 1 });
    await first;
    const second = store.usage.record(
      { event: usageEvent(s.id, { activityId: 'a2' }), included: 10, overage: false },
      { background: true },
    );
    await store.close();
    await second;
    const reopened = openSqliteStore(file);
    expect((await reopened.usage.counters(s.id, period))[0]).toMatchObject({ used: 2 });
    await reopened.close();
  });

  it('writes background records in one group: billable units cross the allowance inside it, duplicates count once', async () => {
    const store = openSqliteStore(path.join(tempDir(), 'group.sqlite'));
    const s = await seedSubscription(store, { tenantId: 'tenant-a' });
    const period = new Date('2026-03-01T00:00:00.000Z');
    await store.usage.record({ event: usageEvent(s.id, { quantity: 8 }), included: 10, overage: true });
    const background = (activityId: string, quantity: number) =>
      store.usage.record(
        { event: usageEvent(s.id, { activityId, quantity }), included: 10, overage: true, userName: 'Ada' },
        { background: true },
      );
    const outcomes = await Promise.all([background('g1', 1), background('g2', 2), background('g1', 1), background('g3', 3)]);
    expect(outcomes).toEqual([
      { status: 'recorded', usedBefore: 8, billable: 0 },
      { status: 'recorded', usedBefore: 9, billable: 1 },
      { status: 'duplicate' },
      { status: 'recorded', usedBefore: 11, billable: 3 },
    ]);
    expect(await store.usage.counters(s.id, period)).toEqual([
      { subscriptionId: s.id, periodStart: period, dimension: 'messages', used: 14, reserved: 0 },
    ]);
    const rows = store.db.prepare('SELECT activity_id, billable FROM usage_events ORDER BY rowid').all();
    expect(rows.slice(1)).toEqual([
      { activity_id: 'g1', billable: 0 },
      { activity_id: 'g2', billable: 1 },
      { activity_id: 'g3', billable: 3 },
    ]);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM usage_outbox').get() as { n: number }).n).toBe(4);
    expect(await store.users.find('tenant-a', 'Ada')).toEqual([{ userId: 'user-1', userName: 'Ada' }]);
    await store.close();
  });

  it('settles reservations in a group, and a record that fails fails alone while the rest of its group is written', async () => {
    const store = openSqliteStore(path.join(tempDir(), 'group-failure.sqlite'));
    const s = await seedSubscription(store, { tenantId: 'tenant-a' });
    const period = new Date('2026-03-01T00:00:00.000Z');
    for (const activityId of ['ok-1', 'bad', 'ok-2']) {
      expect(await store.usage.claim(turnClaim(s.id, { activityId }))).toEqual({ ok: true });
    }
    store.db.exec(`CREATE TRIGGER fail_bad BEFORE INSERT ON usage_outbox
      WHEN (SELECT activity_id FROM usage_events WHERE id = NEW.usage_event_id) = 'bad'
      BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const results = await Promise.allSettled(
      ['ok-1', 'bad', 'ok-2'].map((activityId) =>
        store.usage.record(
          { event: usageEvent(s.id, { activityId }), included: 10, overage: false, reserved: true },
          { background: true },
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'disk full' });
    expect(store.db.prepare('SELECT activity_id FROM usage_events ORDER BY rowid').all()).toEqual([
      { activity_id: 'ok-1' },
      { activity_id: 'ok-2' },
    ]);
    // The failed turn keeps its reservation (the bot releases it); the others turned theirs into usage.
    expect(store.db.prepare('SELECT activity_id FROM quota_reservations').all()).toEqual([{ activity_id: 'bad' }]);
    expect(await store.usage.counters(s.id, period)).toEqual([
      { subscriptionId: s.id, periodStart: period, dimension: 'messages', used: 2, reserved: 1 },
    ]);
    await store.close();
  });

  it('rejects the records of a group whose commit cannot start, and later records still get written', async () => {
    const file = path.join(tempDir(), 'locked.sqlite');
    const seeded = openSqliteStore(file);
    const s = await seedSubscription(seeded, { tenantId: 'tenant-a' });
    await seeded.close();
    const db = openDatabase(file, { busyTimeoutMs: 20 });
    const writer = usageRecordWriter(db, new WriteBatcher(db, { backgroundMs: 5 }), () => false);
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const record = (activityId: string) =>
      writer.record({ event: usageEvent(s.id, { activityId }), included: 10, overage: false }, { background: true });
    const locked = await Promise.allSettled([record('l1'), record('l2')]);
    expect(locked.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    other.exec('ROLLBACK');
    other.close();
    expect(await record('l3')).toEqual({ status: 'recorded', usedBefore: 0, billable: 0 });
    expect(db.prepare('SELECT activity_id FROM usage_events').all()).toEqual([{ activity_id: 'l3' }]);
    db.close();
  });
});
