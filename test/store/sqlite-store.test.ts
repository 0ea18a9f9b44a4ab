import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/store/sqlite/migrate';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import { seedSubscription } from '../helpers/seed';
import { tempDir } from '../helpers/temp-dir';
import { describeRetentionContract } from './retention-contract';
import { openSqliteRetentionHarness } from './sqlite-retention-harness';
import { describeStoreContract, turnClaim, usageEvent } from './store-contract';

describeStoreContract('embedded SQLite (a real file)', async () => {
  const store = openSqliteStore(path.join(tempDir(), 'store.sqlite'));
  return {
    store,
    count: async (table) => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n,
    cleanup: () => store.close(),
  };
});

describeRetentionContract('embedded SQLite (a real file)', openSqliteRetentionHarness);

describe('SQLite store specifics', () => {
  it('applies migrations once, and a reopened file keeps its data', async () => {
    const file = path.join(tempDir(), 'reopen.sqlite');
    const first = openSqliteStore(file);
    await seedSubscription(first, { tenantId: 'tenant-a' });
    await first.close();
    const second = openSqliteStore(file);
    expect(await second.subscriptions.listForTenant('tenant-a')).toHaveLength(1);
    const versions = second.db.prepare('SELECT version FROM schema_migrations').all();
    expect(versions).toEqual(loadMigrations().map((m) => ({ version: m.version })));
    await second.close();
  });

  it('writes nothing when any part of recording a turn fails (no partial usage, counter or outbox)', async () => {
    const store = openSqliteStore(path.join(tempDir(), 'atomic.sqlite'));
    const s = await seedSubscription(store, { tenantId: 'tenant-a' });
    const period = new Date('2026-03-01T00:00:00.000Z');
    await store.usage.claim(turnClaim(s.id, { activityId: 'boom' }));
    // The outbox insert (the last write of the transaction) fails.
    store.db.exec(`CREATE TRIGGER fail_outbox BEFORE INSERT ON usage_outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await expect(
      store.usage.record({ event: usageEvent(s.id, { activityId: 'boom' }), included: 10, overage: false, reserved: true }),
    ).rejects.toThrow('disk full');
    const count = (t: string) => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    expect(count('usage_events')).toBe(0);
    expect(count('usage_outbox')).toBe(0);
    expect(count('quota_reservations')).toBe(1);
    expect(await store.usage.counters(s.id, period)).toEqual([
      { subscriptionId: s.id, periodStart: period, dimension: 'messages', used: 0, reserved: 1 },
    ]);
    await store.close();
  });
});
