import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/store/sqlite/migrate';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import { seedSubscription } from '../helpers/seed';
import { tempDir } from '../helpers/temp-dir';
import { describeFeedbackContract } from './feedback-contract';
import { describeConsoleContract } from './console-contract';
import { describeRetentionContract } from './retention-contract';
import { openSqliteRetentionHarness } from './sqlite-retention-harness';
import { describeStoreContract, turnClaim, usageEvent } from './store-contract';
import { describeHistoryContract } from './history-contract';
import { historyKeyOf } from '../../src/domain/conversation-history';
import { describeBilledVsSentContract } from './billed-vs-sent-contract';
import { describeOutreachContract } from './outreach-contract';
import { describeTicketContract } from './tickets-contract';

describeStoreContract('embedded SQLite (a real file)', async () => {
  const store = openSqliteStore(path.join(tempDir(), 'store.sqlite'));
  return {
    store,
    count: async (table) => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n,
    cleanup: () => store.close(),
  };
});

describeHistoryContract('embedded SQLite (a real file)', async () => {
  const store = openSqliteStore(path.join(tempDir(), 'history.sqlite'));
  return { store, cleanup: () => store.close() };
});

describeBilledVsSentContract('embedded SQLite (a real file)', async () => {
  const store = openSqliteStore(path.join(tempDir(), 'billed.sqlite'));
  return { store, cleanup: () => store.close() };
});

describeOutreachContract('embedded SQLite (a real file)', async () => {
  const store = openSqliteStore(path.join(tempDir(), 'outreach.sqlite'));
  return { store, cleanup: () => store.close() };
});

describeTicketContract('embedded SQLite (a real file)', async () => {
  const store = openSqliteStore(path.join(tempDir(), 'tickets.sqlite'));
  return { store, cleanup: () => store.close() };
});

describeFeedbackContract('embedded SQLite (a real file)', async () => {
  const store = openSqliteStore(path.join(tempDir(), 'feedback.sqlite'));
  return { store, cleanup: () => store.close() };
});

describeConsoleContract('embedded SQLite (a real file)', async () => {
  const store = openSqliteStore(path.join(tempDir(), 'console.sqlite'));
  return {
    store,
    count: async (table) => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n,
    cleanup: () => store.close(),
  };
});

describeRetentionContract('embedded SQLite (a real file)', openSqliteRetentionHarness);

describe('SQLite store specifics', () => {
  it('a reset commits a history write still waiting in the group commit first: the write cannot bring it back', async () => {
    const store = openSqliteStore(path.join(tempDir(), 'history-reset.sqlite'));
    const key = historyKeyOf({ tenantId: 'tenant-a', conversationId: 'conv-1' });
    const at = new Date('2026-03-10T10:00:00.000Z');
    const exchanges = [{ user: 'q', assistant: 'a', tokens: 2, at }];
    const written = store.history.save(
      { key, tenantId: 'tenant-a', exchanges, expiresAt: new Date('2026-03-11T10:00:00.000Z'), at, expectedVersion: 0 },
      { background: true },
    );
    expect(await store.history.clear(key)).toBe(true);
    expect(await written).toBe('saved');
    expect(await store.history.load(key, at)).toEqual({ exchanges: [], version: 0 });
    await store.close();
  });

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
