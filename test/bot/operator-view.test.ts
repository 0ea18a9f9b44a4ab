import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import type { UsageMessage } from '../../src/domain/usage';
import { messageActivity, postActivity } from '../helpers/activities';
import { FakeClock } from '../helpers/fake-clock';
import { seedSubscription } from '../helpers/seed';
import { startTestApp } from '../helpers/test-app';

const TOKEN = 'operator-token-0123456789-0123456789-abcdef';

describe('operator view of metering', () => {
  let app: RunningApp;
  let clock: FakeClock;

  beforeEach(async () => {
    clock = new FakeClock('2026-03-10T13:00:00Z');
    app = await startTestApp({ OPERATOR_IDS: 'operator-1', ADMIN_API_TOKEN: TOKEN }, { clock });
    const a = await seedSubscription(app.store, { tenantId: 'tenant-a', name: 'Alpha', planId: 'business' });
    const b = await seedSubscription(app.store, { tenantId: 'tenant-b', name: 'Beta', planId: 'enterprise' });
    const msg = (subscriptionId: string, dimension: UsageMessage['dimension'], billable: number, hour: string): UsageMessage => ({
      usageEventId: `${subscriptionId}-${dimension}-${hour}`,
      subscriptionId,
      planId: 'business',
      dimension,
      quantity: billable,
      billable,
      occurredAt: `2026-03-10T${hour}:10:00.000Z`,
      periodStart: '2026-03-01T00:00:00.000Z',
    });
    const now = clock.now();
    await app.store.metering.consume(
      [msg(a.id, 'messages', 120, '10'), msg(a.id, 'premium_messages', 10, '10'), msg(b.id, 'premium_messages', 5, '11')],
      now,
      new Date(now.getTime() - 23 * 3600_000),
    );
    const due = await app.store.metering.listDue({
      now,
      closedBefore: new Date(now.getTime() - 300_000),
      limit: 10,
    });
    const claimed = await app.store.metering.claim(
      due.map((d) => d.id),
      {
        now,
        closedBefore: new Date(now.getTime() - 300_000),
        leaseUntil: new Date(now.getTime() + 60_000),
        correlationId: 'c',
      },
    );
    await app.store.metering.settle(
      claimed.map((r) =>
        r.subscriptionId === b.id
          ? { id: r.id, correlationId: 'c', status: 'Conflict' as const, acceptedQuantity: 9, errorMessage: 'held 9' }
          : {
              id: r.id,
              correlationId: 'c',
              status: 'Accepted' as const,
              usageEventId: `ev-${r.id}`,
              acceptedQuantity: r.quantity,
            },
      ),
      now,
    );
  });
  afterEach(() => app.close());

  it('shows operators the reports by status, what needs attention and what was billed this period', async () => {
    const res = await postActivity(
      app.url,
      messageActivity({ tenantId: 'publisher-tenant', userId: 'operator-1', text: '/metering' }),
    );
    expect(res.text).toContain('Accepted: 2 hours, 130 units');
    expect(res.text).toMatch(/#\d+ Conflict · 2026-03-10 11:00/);
    expect(res.text).toContain('(Marketplace holds 9)');
    // 120 × 0.01 + 10 × 0.04 = 1.60 EUR
    expect(res.text).toContain('Alpha: 120 standard + 10 premium = €1.60');
    // The note on the attention list names the commands as they are typed: without a slash.
    expect(res.text).toContain('Re-send a failed hour: "metering resend" followed by its number.');
    expect(res.text).not.toContain('/metering');
  });

  it("lets operators resolve a conflict with a note, and shows the worker's alerts", async () => {
    const [conflict] = await app.store.metering.list({ status: 'Conflict' });
    const say = async (text: string) => (await postActivity(app.url, messageActivity({ userId: 'operator-1', text }))).text;
    expect(await say(`/metering resolve ${conflict!.id}`)).toContain('Please say why');
    expect(await say(`metering resend ${conflict!.id}`)).toContain('is not failed');
    expect(await say('Metering resend 999999')).toContain('There is no metered hour #999999');
    expect(await say(`metering resolve ${conflict!.id} agreed with Microsoft support`)).toContain('marked resolved');
    expect(await app.store.metering.get(conflict!.subscriptionId, conflict!.dimension, conflict!.hourStart)).toMatchObject({
      status: 'Resolved',
      resolvedBy: 'operator-1',
      resolutionNote: 'agreed with Microsoft support',
    });
    await app.store.alerts.raise('metering.auth', 'Marketplace POST /batchUsageEvent failed: HTTP 403', clock.now());
    const view = await say('/metering');
    expect(view).toContain('No conflicts, failures or held reports.');
    expect(view).toContain('metering.auth since 2026-03-10 13:00');
    // Tenant admins cannot act on metering.
    await app.store.admins.add({ tenantId: 'tenant-a', userId: 'admin-a', addedBy: 't', addedAt: clock.now() });
    const refused = await postActivity(
      app.url,
      messageActivity({ tenantId: 'tenant-a', userId: 'admin-a', text: `/metering resend ${conflict!.id}` }),
    );
    expect(refused.text).toContain("for the publisher's operators only");
  });

  it('refuses operator commands to everyone else, tenant admins included', async () => {
    await app.store.admins.add({ tenantId: 'tenant-a', userId: 'admin-a', addedBy: 't', addedAt: clock.now() });
    for (const text of ['/metering', 'subscriptions', 'Revenue']) {
      const res = await postActivity(app.url, messageActivity({ tenantId: 'tenant-a', userId: 'admin-a', text }));
      expect(res.text).toContain("for the publisher's operators only");
    }
  });

  it('lists subscriptions and estimates revenue for operators', async () => {
    const subs = await postActivity(app.url, messageActivity({ userId: 'operator-1', text: 'subscriptions' }));
    expect(subs.text).toContain('Subscriptions (2)');
    expect(subs.text).toContain('Subscribed: 2');
    const revenue = await postActivity(app.url, messageActivity({ userId: 'operator-1', text: '/revenue' }));
    // 49 + 199 base, 1.60 overage.
    expect(revenue.text).toContain('EUR base (2 active): €248.00');
    expect(revenue.text).toContain('EUR overage: €1.60');
    expect((await postActivity(app.url, messageActivity({ userId: 'operator-1', text: '/help' }))).text).toContain(
      'Operator commands',
    );
  });

  it('serves the same view as JSON to the admin page, with the admin token only', async () => {
    const url = `${app.url}/admin/api/metering`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      byStatus: Record<string, unknown>;
      attention: { status: string }[];
      billedThisPeriod: { name: string; amount: number }[];
    };
    expect(body.byStatus).toEqual({ Accepted: { reports: 2, quantity: 130 }, Conflict: { reports: 1, quantity: 5 } });
    expect(body.attention.map((a) => a.status)).toEqual(['Conflict']);
    expect(body.billedThisPeriod).toMatchObject([{ name: 'Alpha', amount: 1.6 }]);
  });

  it('has no admin API at all without a configured token', async () => {
    await app.close();
    app = await startTestApp({}, { clock });
    expect((await fetch(`${app.url}/admin/api/metering`, { headers: { authorization: 'Bearer anything' } })).status).toBe(404);
  });
});
