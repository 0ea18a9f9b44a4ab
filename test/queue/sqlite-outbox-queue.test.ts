import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/domain/clock';
import { SqliteOutboxQueue } from '../../src/store/sqlite/sqlite-outbox-queue';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { FakeClock } from '../helpers/fake-clock';
import { seedSubscription } from '../helpers/seed';
import { tempDir } from '../helpers/temp-dir';
import { describeUsageQueueContract, recordUsage } from './usage-queue-contract';

const LOCK_MS = 5 * MINUTE;
const MAX_DELIVERIES = 3;

interface DeadRow {
  usage_event_id: string;
  dead_letter_reason: string;
}

function deadRows(store: SqliteStore): DeadRow[] {
  return store.db
    .prepare('SELECT usage_event_id, dead_letter_reason FROM usage_outbox WHERE dead_lettered_at IS NOT NULL ORDER BY seq')
    .all() as DeadRow[];
}

async function openOutbox() {
  const store = openSqliteStore(path.join(tempDir(), 'outbox.sqlite'));
  const subscription = await seedSubscription(store, { tenantId: 'tenant-a' });
  const clock = new FakeClock();
  const open = () => new SqliteOutboxQueue(store.db, { clock, lockMs: LOCK_MS, maxDeliveries: MAX_DELIVERIES });
  return { store, subscription, clock, open };
}

describeUsageQueueContract(
  'embedded outbox (a real SQLite file)',
  async () => {
    const { store, subscription, clock, open } = await openOutbox();
    return {
      queue: open(),
      openConsumer: async () => open(),
      enqueue: (count) => recordUsage(store, subscription.id, count),
      expireLocks: async () => clock.advance(LOCK_MS + 1),
      deadLetters: async () => deadRows(store).map((r) => ({ usageEventId: r.usage_event_id, reason: r.dead_letter_reason })),
      cleanup: () => store.close(),
    };
  },
  {
    sendOfUnknownEvent: 'ignored',
    resendAfterComplete: 'enqueued',
    maxDeliveries: MAX_DELIVERIES,
    maxDeliveriesReason: new RegExp(`^delivered ${MAX_DELIVERIES} times without completion$`),
    receiveWaits: false,
    closeRefusesCalls: false,
    emptyWaitMs: 0,
    slackMs: 500,
  },
);

describe('outbox queue specifics', () => {
  it('keeps a dead-lettered row, marked with its reason, and skips it', async () => {
    const { store, subscription, clock, open } = await openOutbox();
    const queue = open();
    const [sent] = await recordUsage(store, subscription.id, 1);
    for (let i = 0; i < MAX_DELIVERIES; i += 1) {
      // Never settled: each lock runs out, as after a crash.
      expect(await queue.receive(10)).toHaveLength(1);
      clock.advance(LOCK_MS + 1);
    }
    expect(await queue.receive(10)).toEqual([]);
    expect(deadRows(store)).toEqual([
      { usage_event_id: sent!.usageEventId, dead_letter_reason: `delivered ${MAX_DELIVERIES} times without completion` },
    ]);
    const row = store.db.prepare('SELECT delivery_count, locked_until FROM usage_outbox').get();
    expect(row).toEqual({ delivery_count: MAX_DELIVERIES, locked_until: null });
    await store.close();
  });

  it('dead-letters a row whose usage event is missing, and delivers the rows around it', async () => {
    const { store, subscription, open } = await openOutbox();
    const queue = open();
    const [before] = await recordUsage(store, subscription.id, 1);
    store.db.prepare('INSERT INTO usage_outbox (usage_event_id, enqueued_at) VALUES (?, ?)').run('no-such-event', Date.now());
    const [after] = await recordUsage(store, subscription.id, 1);
    const got = await queue.receive(10);
    expect(got.map((d) => d.message)).toEqual([before, after]);
    expect(deadRows(store)).toEqual([
      { usage_event_id: 'no-such-event', dead_letter_reason: 'usage event missing or unreadable' },
    ]);
    await store.close();
  });

  it('sees rows only once the usage transaction committed (none for a rolled-back turn)', async () => {
    const { store, subscription, open } = await openOutbox();
    const queue = open();
    store.db.exec(`CREATE TRIGGER fail_counter BEFORE UPDATE ON usage_counters BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await recordUsage(store, subscription.id, 1);
    await expect(recordUsage(store, subscription.id, 1)).rejects.toThrow('disk full');
    expect(await queue.receive(10)).toHaveLength(1);
    await store.close();
  });
});
