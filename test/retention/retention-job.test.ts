import { describe, expect, it } from 'vitest';
import { DAY } from '../../src/domain/clock';
import { erasureDecision } from '../../src/domain/tenant-erasure';
import { silentLogger } from '../../src/logger';
import { eraseTenant } from '../../src/retention/erase-tenant';
import { RETENTION_LEASE, RetentionJob } from '../../src/retention/retention-job';
import type { Store } from '../../src/store/store';
import { FakeClock } from '../helpers/fake-clock';
import { seedSubscription } from '../helpers/seed';
import { openSqliteRetentionHarness } from '../store/sqlite-retention-harness';
import { usageEvent } from '../helpers/usage-events';

const NOW = new Date('2026-09-01T12:00:00.000Z');
const POLICY = { usageDays: 90, messageTextDays: 30 };

async function drainOutbox(store: Store): Promise<void> {
  const queue = store.outboxQueue({ clock: new FakeClock(NOW) });
  for (let got = await queue.receive(500); got.length > 0; got = await queue.receive(500)) {
    await store.metering.consume(
      got.map((g) => g.message),
      NOW,
      new Date(0),
    );
    await queue.complete(got);
  }
  await queue.close();
}

const job = (store: Store, batchSize: number, holder = 'this-process') =>
  new RetentionJob({
    retention: store.retention,
    clock: new FakeClock(NOW),
    logger: silentLogger,
    policy: POLICY,
    batchSize,
    holder,
  });

describe('retention job (embedded SQLite, a real file)', () => {
  it('rolls up, deletes and scrubs in small batches, and a second run changes nothing', async () => {
    const t = await openSqliteRetentionHarness();
    const sub = await seedSubscription(t.store, { tenantId: 'tenant-a' });
    for (let i = 0; i < 30; i += 1) {
      const event = usageEvent(sub.id, {
        userId: `user-${i % 3}`,
        occurredAt: new Date(NOW.getTime() - (i % 2 === 0 ? 120 : 40) * DAY),
        messageText: 'question',
      });
      await t.store.usage.record({ event, included: null, overage: false });
    }
    await drainOutbox(t.store);
    const from = new Date(NOW.getTime() - 130 * DAY);
    const to = new Date(NOW.getTime() + 1);
    const figures = await t.store.usage.daily(sub.id, from, to);
    const first = await job(t.store, 4).runOnce();
    expect(first).toMatchObject({ ran: true, rolledUp: 30, purged: 15, scrubbed: 15 });
    expect(await t.count('usage_events')).toBe(15);
    expect(await t.count('usage_events', { column: 'message_text', value: 'question' })).toBe(0);
    expect(await t.store.usage.daily(sub.id, from, to)).toEqual(figures);
    const second = await job(t.store, 4).runOnce();
    expect(second).toMatchObject({ ran: true, rolledUp: 0, purged: 0, scrubbed: 0 });
    expect(await t.store.usage.daily(sub.id, from, to)).toEqual(figures);
    // The lease was given back.
    expect(await t.store.retention.lease(RETENTION_LEASE, 'someone-else', NOW, new Date(NOW.getTime() + 1000))).toBe(true);
    await t.cleanup();
  });

  it('does nothing while another instance holds the lease', async () => {
    const t = await openSqliteRetentionHarness();
    const sub = await seedSubscription(t.store, { tenantId: 'tenant-a' });
    await t.store.usage.record({ event: usageEvent(sub.id), included: null, overage: false });
    await t.store.retention.lease(RETENTION_LEASE, 'other-instance', NOW, new Date(NOW.getTime() + 60_000));
    expect(await job(t.store, 10).runOnce()).toMatchObject({ ran: false, rolledUp: 0 });
    expect(await t.count('usage_daily')).toBe(0);
    await t.cleanup();
  });

  it('lets turns write between its steps (a usage record completes while a long run goes on)', async () => {
    const t = await openSqliteRetentionHarness();
    const sub = await seedSubscription(t.store, { tenantId: 'tenant-a' });
    const insert = t.store.db.prepare(`INSERT INTO usage_events (id, tenant_id, activity_id, subscription_id, plan_id,
      user_id, conversation_id, conversation_type, dimension, quantity, occurred_at, period_start)
      VALUES (?, 'tenant-a', ?, ?, 'business', 'u', 'c', 'personal', 'messages', 1, ?, 0)`);
    t.store.db.transaction(() => {
      for (let i = 0; i < 5000; i += 1) insert.run(`e${i}`, `a${i}`, sub.id, NOW.getTime() - DAY);
    })();
    let runDone = false;
    const run = job(t.store, 100)
      .runOnce()
      .then((r) => {
        runDone = true;
        return r;
      });
    await t.store.usage.record({ event: usageEvent(sub.id), included: null, overage: false });
    expect(runDone).toBe(false);
    expect((await run).rolledUp).toBe(5001);
    await t.cleanup();
  });

  it('stays exact after the newest events were erased (SQLite would hand their rowids out again)', async () => {
    const t = await openSqliteRetentionHarness();
    const a = await seedSubscription(t.store, { tenantId: 'tenant-a' });
    const b = await seedSubscription(t.store, {
      tenantId: 'tenant-b',
      status: 'Unsubscribed',
      updatedAt: new Date(NOW.getTime() - 60 * DAY),
    });
    await t.store.usage.record({ event: usageEvent(a.id, { occurredAt: NOW }), included: null, overage: false });
    for (let i = 0; i < 3; i += 1) {
      await t.store.usage.record({
        event: usageEvent(b.id, { tenantId: 'tenant-b', occurredAt: NOW }),
        included: null,
        overage: false,
      });
    }
    while ((await t.store.retention.rollUp(10)) > 0);
    const result = await eraseTenant({ store: t.store, tenantId: 'tenant-b', now: NOW, keepDays: 30 });
    expect(result.erased).toBe(true);
    // The next events reuse the erased rowids: they must still count, before and after the rollup.
    for (let i = 0; i < 2; i += 1) {
      await t.store.usage.record({ event: usageEvent(a.id, { occurredAt: NOW }), included: null, overage: false });
    }
    const day = [{ day: '2026-09-01', dimension: 'messages', turns: 3, quantity: 3 }];
    const to = new Date(NOW.getTime() + 1);
    expect(await t.store.usage.daily(a.id, NOW, to)).toEqual(day);
    while ((await t.store.retention.rollUp(10)) > 0);
    expect(await t.store.usage.daily(a.id, NOW, to)).toEqual(day);
    await t.cleanup();
  });
});

describe('tenant erasure on request', () => {
  it('is refused while a subscription is live or during the keep period, then erases', async () => {
    const t = await openSqliteRetentionHarness();
    const ended = new Date(NOW.getTime() - 10 * DAY);
    const sub = await seedSubscription(t.store, { tenantId: 'tenant-a', status: 'Suspended', updatedAt: ended });
    await t.store.usage.record({ event: usageEvent(sub.id), included: null, overage: false });
    const refused = await eraseTenant({ store: t.store, tenantId: 'tenant-a', now: NOW, keepDays: 30 });
    expect(refused).toMatchObject({
      erased: false,
      decision: { ok: false, reason: 'subscription-live', subscriptionId: sub.id },
    });
    await t.store.subscriptions.upsert({ ...sub, status: 'Unsubscribed', updatedAt: ended });
    const waiting = await eraseTenant({ store: t.store, tenantId: 'tenant-a', now: NOW, keepDays: 30 });
    expect(waiting).toMatchObject({
      erased: false,
      decision: { ok: false, reason: 'keep-period', until: new Date(ended.getTime() + 30 * DAY) },
    });
    expect(waiting.erased === false && waiting.found.usage_events).toBe(1);
    const dry = await eraseTenant({
      store: t.store,
      tenantId: 'tenant-a',
      now: new Date(ended.getTime() + 30 * DAY),
      keepDays: 30,
      dryRun: true,
    });
    expect(dry.erased).toBe(false);
    expect(await t.count('usage_events')).toBe(1);
    const done = await eraseTenant({
      store: t.store,
      tenantId: 'tenant-a',
      now: new Date(ended.getTime() + 30 * DAY),
      keepDays: 30,
    });
    expect(done).toMatchObject({ erased: true, deleted: { usage_events: 1, subscriptions: 1 } });
    await t.cleanup();
  });

  it('a tenant without subscriptions may be erased at once', () => {
    expect(erasureDecision([], NOW, 30)).toEqual({ ok: true });
  });
});
