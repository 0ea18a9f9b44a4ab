import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import { billingPeriodAt } from '../../src/domain/periods';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { messageActivity, postActivity } from '../helpers/activities';
import { seedSubscription } from '../helpers/seed';
import { startTestApp } from '../helpers/test-app';
import { priorUsageEvent } from '../helpers/usage-events';

/** Rows in a table once the turns answered so far have had their usage written (it follows the reply). */
async function count(app: RunningApp, table: string): Promise<number> {
  await app.settled();
  return ((app.store as SqliteStore).db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('POST /api/messages over real HTTP (expectReplies)', () => {
  let app: RunningApp;
  beforeEach(async () => {
    app = await startTestApp();
    await seedSubscription(app.store, { tenantId: 'tenant-a', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
    await app.store.admins.add({ tenantId: 'tenant-a', userId: 'admin-1', addedBy: 'test', addedAt: new Date() });
  });
  afterEach(() => app.close());

  it('answers a subscribed tenant with the AI and records one usage event', async () => {
    const res = await postActivity(app.url, messageActivity({ text: 'What is the capital of France?' }));
    expect(res.status).toBe(200);
    expect(res.replies).toHaveLength(1);
    expect(res.text).toContain('[Offline demo model]');
    expect(await count(app, 'usage_events')).toBe(1);
    expect(await count(app, 'usage_outbox')).toBe(1);
    const event = (app.store as SqliteStore).db.prepare('SELECT * FROM usage_events').get() as Record<string, unknown>;
    expect(event).toMatchObject({
      tenant_id: 'tenant-a',
      user_id: 'user-1',
      dimension: 'messages',
      quantity: 1,
      message_text: null,
      response_text: null,
    });
    expect(event.total_tokens).toBeGreaterThan(0);
  });

  it('refuses an unknown tenant with a card linking to the offer, without calling the AI', async () => {
    const res = await postActivity(app.url, messageActivity({ tenantId: 'tenant-unknown' }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('has not subscribed');
    expect(res.text).toContain('[View plans in browser](https://appsource.microsoft.com)');
    expect(res.text).not.toContain('Offline demo model');
    expect(await count(app, 'usage_events')).toBe(0);
  });

  it('refuses a message without a tenant', async () => {
    const res = await postActivity(app.url, messageActivity({ tenantId: null }));
    expect(res.text).toContain('works inside a Microsoft 365 organization');
  });

  it('runs an admin command for an admin and refuses it politely to others, without counting', async () => {
    const admin = await postActivity(app.url, messageActivity({ userId: 'admin-1', text: '/usage' }));
    expect(admin.text).toContain('Usage this period');
    expect(admin.text).toContain('Standard messages: 0 of 5,000 (0%)');
    const other = await postActivity(app.url, messageActivity({ userId: 'user-2', text: '/usage' }));
    expect(other.text).toContain("for your organization's admins");
    expect(await count(app, 'usage_events')).toBe(0);
  });

  it('sends a sentence that merely contains "usage" to the AI', async () => {
    const res = await postActivity(app.url, messageActivity({ userId: 'admin-1', text: 'explain my /usage please' }));
    expect(res.text).toContain('[Offline demo model]');
    expect(await count(app, 'usage_events')).toBe(1);
  });

  it('strips the bot @mention in group chats before matching commands', async () => {
    const activity = messageActivity({ userId: 'admin-1', text: '<at>bot</at> /usage', conversationType: 'groupChat' });
    activity.entities = [{ type: 'mention', text: '<at>bot</at>', mentioned: { id: '28:bot', name: 'bot' } }];
    const res = await postActivity(app.url, activity);
    expect(res.text).toContain('Usage this period');
  });

  it('answers 400 to malformed JSON and to activities missing what the pipeline needs', async () => {
    const bad = await postActivity(app.url, '{"type": "message",');
    expect(bad.status).toBe(400);
    expect(bad.raw).not.toMatch(/at .*\.js/);
    for (const [activity, reason] of [
      [[1, 2, 3], 'JSON object'],
      [{ ...messageActivity(), type: undefined }, 'activity.type'],
      [{ ...messageActivity(), conversation: undefined }, 'activity.conversation.id'],
      [{ ...messageActivity(), id: undefined }, 'activity.id'],
      [{ ...messageActivity(), text: 42 }, 'activity.text'],
      [{ ...messageActivity(), attachments: 'nope' }, 'activity.attachments'],
      [{ ...messageActivity(), timestamp: 'yesterday' }, 'activity.timestamp'],
    ] as const) {
      const res = await postActivity(app.url, activity);
      expect(res.status, reason).toBe(400);
      expect(res.body.message, reason).toContain(reason);
    }
    expect(await count(app, 'usage_events')).toBe(0);
    // Still serving.
    expect((await postActivity(app.url, messageActivity())).status).toBe(200);
  });

  it('answers 400 naming the id to ids over their cap, with control characters or lone surrogates; serves ids at the cap', async () => {
    const base = () => messageActivity() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const cases: [Record<string, any>, string][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
      [{ ...base(), id: 'a'.repeat(257) }, 'activity.id is longer than 256 characters'],
      [{ ...base(), id: 'a'.repeat(70 * 1024) }, 'activity.id is longer than 256 characters'],
      [{ ...base(), conversation: { ...base().conversation, id: 'c'.repeat(1001) } }, 'activity.conversation.id is longer than 1000'],
      [{ ...base(), conversation: { ...base().conversation, tenantId: 't'.repeat(129) } }, 'activity.conversation.tenantId is longer than 128'],
      [{ ...base(), channelData: { tenant: { id: 't'.repeat(129) } } }, 'activity.channelData.tenant.id is longer than 128'],
      [{ ...base(), from: { id: 'u'.repeat(257), aadObjectId: 'user-1' } }, 'activity.from.id is longer than 256'],
      [{ ...base(), from: { id: '29:u', aadObjectId: 'o'.repeat(129) } }, 'activity.from.aadObjectId is longer than 128'],
      [{ ...base(), from: { id: '29:u', aadObjectId: 42 } }, 'activity.from.aadObjectId is missing or not a string'],
      [{ ...base(), id: 'abc\u0000def' }, 'activity.id contains control characters'],
      [{ ...base(), conversation: { ...base().conversation, id: 'conv\ud800' } }, 'activity.conversation.id is not valid Unicode'],
      [{ ...base(), from: { id: '29:u\r\nx', aadObjectId: 'user-1' } }, 'activity.from.id contains control characters'],
    ];
    for (const [activity, message] of cases) {
      const res = await postActivity(app.url, activity);
      expect(res.status, message).toBe(400);
      expect(res.body, message).toMatchObject({ error: 'BadRequest', message: expect.stringContaining(message) });
      expect(res.raw.length, message).toBeLessThan(300);
    }
    // A lone surrogate written as a JSON escape, as a client would send it.
    const escaped = JSON.stringify(base()).replace(/"id":"[^"]+"/, '"id":"\\udc00x"');
    expect((await postActivity(app.url, escaped)).status).toBe(400);
    expect(await count(app, 'usage_events')).toBe(0);

    const atCap = messageActivity({ id: 'a'.repeat(256), conversationId: 'c'.repeat(1000) });
    const served = await postActivity(app.url, atCap);
    expect(served.status).toBe(200);
    expect(served.text).toContain('[Offline demo model]');
  });

  it('answers 413 to an oversized body', async () => {
    const res = await postActivity(app.url, messageActivity({ text: 'x'.repeat(300 * 1024) }));
    expect(res.status).toBe(413);
    expect(await count(app, 'usage_events')).toBe(0);
  });

  it('politely refuses a huge text (within the body limit) without calling the AI or counting', async () => {
    const res = await postActivity(app.url, messageActivity({ text: 'y'.repeat(20_000) }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('I can read up to 8,000');
    expect(await count(app, 'usage_events')).toBe(0);
  });

  it('answers attachment-only messages and unknown commands clearly, uncounted', async () => {
    const file = await postActivity(
      app.url,
      messageActivity({ text: '', attachments: [{ contentType: 'image/png', contentUrl: 'http://x/y.png' }] }),
    );
    expect(file.text).toContain('I can only read text');
    const unknown = await postActivity(app.url, messageActivity({ text: '/frobnicate now' }));
    expect(unknown.text).toContain('I don\'t know the command "frobnicate". Type "help"');
    expect(await count(app, 'usage_events')).toBe(0);
  });

  it('bills a message with a real attachment as premium, but not Teams’ own text/html copy', async () => {
    await postActivity(
      app.url,
      messageActivity({ text: 'plain', attachments: [{ contentType: 'text/html', content: '<p>plain</p>' }] }),
    );
    await postActivity(
      app.url,
      messageActivity({ text: 'see file', attachments: [{ contentType: 'image/png', contentUrl: 'http://x/y.png' }] }),
    );
    await app.settled();
    const rows = (app.store as SqliteStore).db.prepare('SELECT dimension FROM usage_events ORDER BY occurred_at, rowid').all();
    expect(rows).toEqual([{ dimension: 'messages' }, { dimension: 'premium_messages' }]);
  });

  it('lets non-message activities through the gate (install welcome), unbilled', async () => {
    const res = await postActivity(app.url, {
      type: 'conversationUpdate',
      id: 'cu-1',
      channelId: 'msteams',
      serviceUrl: 'http://127.0.0.1:9/',
      deliveryMode: 'expectReplies',
      recipient: { id: '28:bot' },
      from: { id: '29:someone' },
      conversation: { id: 'conv-x', tenantId: 'tenant-unknown' },
      membersAdded: [{ id: '28:bot' }],
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain("Hi, I'm AI Assistant");
    expect(await count(app, 'usage_events')).toBe(0);
  });

  it('reports health', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', store: 'sqlite' });
  });
});

describe('concurrency and idempotency over HTTP', () => {
  let app: RunningApp;
  afterEach(() => app.close());

  it('serves exactly 10 of 50 simultaneous turns against a hard cap with 10 units left', async () => {
    app = await startTestApp();
    const s = await seedSubscription(app.store, {
      tenantId: 'tenant-a',
      planId: 'starter',
      term: { startDate: new Date(Date.UTC(2020, 0, 1)) },
    });
    const period = billingPeriodAt(new Date(), s.term);
    await app.store.usage.record({
      event: priorUsageEvent(s.id, {
        id: 'seed',
        activityId: 'seed',
        planId: 'starter',
        userId: 'u',
        conversationId: 'c',
        quantity: 490,
        occurredAt: new Date(),
        periodStart: period.start,
      }),
      included: 500,
      overage: false,
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postActivity(app.url, messageActivity({ userId: `user-${i}`, text: `question ${i}` })),
      ),
    );
    const served = results.filter((r) => r.text.includes('[Offline demo model]'));
    const refused = results.filter((r) => r.text.includes('used all its standard messages'));
    expect(served).toHaveLength(10);
    expect(refused).toHaveLength(40);
    const counters = await app.store.usage.counters(s.id, period.start);
    expect(counters.find((c) => c.dimension === 'messages')).toMatchObject({ used: 500, reserved: 0 });
  });

  it('counts the same activity delivered twice once (sequentially and concurrently)', async () => {
    app = await startTestApp();
    await seedSubscription(app.store, { tenantId: 'tenant-a' });
    const activity = messageActivity({ id: 'same-activity' });
    const first = await postActivity(app.url, activity);
    // Right after the reply (its usage may still be on its way to the file) and once it is written.
    const again = await postActivity(app.url, activity);
    await app.settled();
    const later = await postActivity(app.url, activity);
    expect(first.replies).toHaveLength(1);
    expect(again.replies).toHaveLength(0);
    expect(later.replies).toHaveLength(0);
    const twin = messageActivity({ id: 'twin-activity' });
    await Promise.all([postActivity(app.url, twin), postActivity(app.url, twin), postActivity(app.url, twin)]);
    await app.settled();
    const db = (app.store as SqliteStore).db;
    expect((db.prepare('SELECT COUNT(*) AS n FROM usage_events').get() as { n: number }).n).toBe(2);
    expect((db.prepare('SELECT COUNT(*) AS n FROM usage_outbox').get() as { n: number }).n).toBe(2);
    expect(db.prepare('SELECT SUM(used) AS u, SUM(reserved) AS r FROM usage_counters').get() as { u: number; r: number }).toEqual(
      { u: 2, r: 0 },
    );
  });
});
