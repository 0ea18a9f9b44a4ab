import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import { CHUNK } from '../../src/store/tenant-facets';
import { seedSubscription } from '../helpers/seed';
import { tempDir } from '../helpers/temp-dir';

/** Tenant erasure over more events than one chunk: every event and every row pointing at one goes, once. */
describe('SQLite tenant erasure in chunks', () => {
  it('deletes a tenant’s events over several chunks with their outbox rows, and nothing of another tenant', async () => {
    const store = openSqliteStore(path.join(tempDir(), 'erase-chunks.sqlite'));
    try {
      const a = await seedSubscription(store, { tenantId: 'tenant-a', status: 'Unsubscribed' });
      const b = await seedSubscription(store, { tenantId: 'tenant-b' });
      const insertEvent = store.db.prepare(`INSERT INTO usage_events (id, tenant_id, activity_id, subscription_id, plan_id,
          user_id, conversation_id, conversation_type, dimension, quantity, occurred_at, period_start)
        VALUES (?, ?, ?, ?, 'business', 'u', 'c', 'personal', 'messages', 1, ?, 0)`);
      const enqueue = store.db.prepare('INSERT INTO usage_outbox (usage_event_id, enqueued_at) VALUES (?, 0)');
      const many = 2 * CHUNK + 7;
      store.db.transaction(() => {
        for (let i = 0; i < many; i++) {
          insertEvent.run(`a-${i}`, 'tenant-a', `act-a-${i}`, a.id, 1_000 + i);
          enqueue.run(`a-${i}`);
        }
        for (let i = 0; i < 10; i++) {
          insertEvent.run(`b-${i}`, 'tenant-b', `act-b-${i}`, b.id, 1_000 + i);
          enqueue.run(`b-${i}`);
        }
      })();
      const deleted = await store.tenantData.erase('tenant-a');
      expect(deleted).toMatchObject({ usage_events: many, usage_outbox: many });
      const count = (sql: string) => (store.db.prepare(sql).pluck().get() as number);
      expect(count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = 'tenant-a'")).toBe(0);
      expect(count('SELECT COUNT(*) FROM usage_outbox')).toBe(10);
      expect(count("SELECT COUNT(*) FROM usage_events WHERE tenant_id = 'tenant-b'")).toBe(10);
    } finally {
      await store.close();
    }
  });
});
