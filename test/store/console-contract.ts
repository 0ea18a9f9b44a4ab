import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store';
import { seedMeteredHours, subscription } from '../helpers/console-seed';
import type { StoreUnderTest } from './store-contract';
import { usageEvent } from './store-contract';

/** The publisher console's queries (ConsoleRepo), the same on every store. */
export function describeConsoleContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`Console queries: ${name}`, () => {
    let t: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      t = await open();
      store = t.store;
    });
    afterEach(async () => {
      await t.cleanup();
    });

    const seedFleet = async () => {
      const subs = [
        subscription({ id: 'sub-1', tenantId: 'tenant-one', name: 'Contoso', planId: 'business', createdAt: new Date('2026-03-02T00:00:00Z') }),
        subscription({ id: 'sub-2', tenantId: 'tenant-two', name: 'Fabrikam', planId: 'business', createdAt: new Date('2026-03-03T00:00:00Z') }),
        subscription({
          id: 'sub-3',
          tenantId: 'tenant-three',
          name: 'Northwind 100%_off',
          offerId: 'teams-ai-assistant-users',
          planId: 'team-seat',
          quantity: 10,
          createdAt: new Date('2026-02-01T00:00:00Z'),
        }),
        subscription({
          id: 'sub-4',
          tenantId: 'tenant-four',
          name: 'Tailspin',
          offerId: 'teams-ai-assistant-users',
          planId: 'team-seat',
          quantity: 4,
          createdAt: new Date('2026-01-01T00:00:00Z'),
        }),
        subscription({ id: 'sub-5', tenantId: 'tenant-five', name: 'Adatum', planId: 'starter', status: 'Suspended', createdAt: new Date('2026-03-04T00:00:00Z') }),
      ];
      for (const s of subs) await store.subscriptions.upsert(s);
      return subs;
    };

    it('tallies subscriptions and seats per offer, plan and status', async () => {
      await seedFleet();
      expect(await store.console.tallySubscriptions()).toEqual([
        { offerId: 'teams-ai-assistant', planId: 'business', status: 'Subscribed', subscriptions: 2, seats: 0 },
        { offerId: 'teams-ai-assistant', planId: 'starter', status: 'Suspended', subscriptions: 1, seats: 0 },
        { offerId: 'teams-ai-assistant-users', planId: 'team-seat', status: 'Subscribed', subscriptions: 2, seats: 14 },
      ]);
    });

    it('searches by id, tenant, name and email, filters, and pages newest first', async () => {
      await seedFleet();
      const ids = async (search: Parameters<Store['console']['searchSubscriptions']>[0]) => {
        const page = await store.console.searchSubscriptions(search);
        return { total: page.total, ids: page.rows.map((r) => r.id) };
      };
      expect(await ids({ offset: 0, limit: 2 })).toEqual({ total: 5, ids: ['sub-5', 'sub-2'] });
      expect(await ids({ offset: 2, limit: 2 })).toEqual({ total: 5, ids: ['sub-1', 'sub-3'] });
      expect(await ids({ offset: 4, limit: 2 })).toEqual({ total: 5, ids: ['sub-4'] });
      // Past the last page: no rows, and still the number of matches (for the pager).
      expect(await ids({ offset: 10, limit: 2 })).toEqual({ total: 5, ids: [] });
      expect(await ids({ text: 'TENANT-TWO', offset: 0, limit: 10 })).toEqual({ total: 1, ids: ['sub-2'] });
      expect(await ids({ text: 'contoso', offset: 0, limit: 10 })).toEqual({ total: 1, ids: ['sub-1'] });
      expect(await ids({ text: 'buyer@tenant-four.example', offset: 0, limit: 10 })).toEqual({ total: 1, ids: ['sub-4'] });
      expect(await ids({ text: 'sub-3', offset: 0, limit: 10 })).toEqual({ total: 1, ids: ['sub-3'] });
      // LIKE wildcards in the text match themselves.
      expect(await ids({ text: '100%_', offset: 0, limit: 10 })).toEqual({ total: 1, ids: ['sub-3'] });
      expect(await ids({ text: '%', offset: 0, limit: 10 })).toEqual({ total: 1, ids: ['sub-3'] });
      expect(await ids({ planId: 'team-seat', offset: 0, limit: 10 })).toEqual({ total: 2, ids: ['sub-3', 'sub-4'] });
      expect(await ids({ offerId: 'teams-ai-assistant', status: 'Suspended', offset: 0, limit: 10 })).toEqual({ total: 1, ids: ['sub-5'] });
      expect(await ids({ text: 'nobody', offset: 0, limit: 10 })).toEqual({ total: 0, ids: [] });
    });

    it('counts new, suspended and cancelled subscriptions since a date from the applied operations', async () => {
      const [s1, , , , s5] = await seedFleet();
      const op = (subscriptionId: string, fromStatus: string, toStatus: string, at: string, status: 'Applied' | 'Ignored' = 'Applied') =>
        store.operations.apply({
          record: { subscriptionId, action: 'Change', source: 'webhook', status, fromStatus, toStatus, createdAt: new Date(at) },
        });
      await op(s5!.id, 'Subscribed', 'Suspended', '2026-03-05T00:00:00Z');
      await op(s5!.id, 'Subscribed', 'Suspended', '2026-03-06T00:00:00Z');
      await op(s1!.id, 'Subscribed', 'Unsubscribed', '2026-02-01T00:00:00Z');
      await op(s1!.id, 'Subscribed', 'Unsubscribed', '2026-03-07T00:00:00Z', 'Ignored');
      expect(await store.console.lifecycleSince(new Date('2026-03-01T00:00:00Z'))).toEqual({ created: 3, suspended: 1, cancelled: 0 });
      expect(await store.console.lifecycleSince(new Date('2026-01-15T00:00:00Z'))).toEqual({ created: 4, suspended: 1, cancelled: 1 });
    });

    it('counts answered turns per UTC day in a window', async () => {
      const [s1] = await seedFleet();
      for (const at of ['2026-03-09T23:59:59Z', '2026-03-10T00:00:00Z', '2026-03-10T13:00:00Z', '2026-03-12T08:00:00Z', '2026-03-20T08:00:00Z'])
        await store.usage.record({ event: usageEvent(s1!.id, { occurredAt: new Date(at) }), included: null, overage: false });
      expect(await store.console.turnsByDay(new Date('2026-03-10T00:00:00Z'), new Date('2026-03-20T00:00:00Z'))).toEqual([
        { day: '2026-03-10', count: 2 },
        { day: '2026-03-12', count: 1 },
      ]);
    });

    it('sums accepted units per calendar month, plan of the hour and dimension', async () => {
      await seedFleet();
      await seedMeteredHours(store, [
        { subscriptionId: 'sub-1', planId: 'business', hour: '2026-02-27T10:00:00Z', units: 5, outcome: 'Accepted' },
        { subscriptionId: 'sub-1', planId: 'business', hour: '2026-03-10T10:00:00Z', units: 7, outcome: 'Accepted' },
        { subscriptionId: 'sub-2', planId: 'business', hour: '2026-03-10T11:00:00Z', units: 3, outcome: 'Accepted' },
        { subscriptionId: 'sub-2', planId: 'business', dimension: 'premium_messages', hour: '2026-03-10T12:00:00Z', units: 2, outcome: 'Accepted' },
        { subscriptionId: 'sub-2', planId: 'business', hour: '2026-03-11T10:00:00Z', units: 9, outcome: 'Failed' },
      ]);
      expect(await store.console.acceptedByMonth(new Date('2026-02-01T00:00:00Z'))).toEqual([
        { month: '2026-02', planId: 'business', dimension: 'messages', quantity: 5 },
        { month: '2026-03', planId: 'business', dimension: 'messages', quantity: 10 },
        { month: '2026-03', planId: 'business', dimension: 'premium_messages', quantity: 2 },
      ]);
      expect(await store.console.acceptedByMonth(new Date('2026-03-01T00:00:00Z'))).toHaveLength(2);
      expect(await store.console.acceptedByMonth(new Date('2026-02-01T00:00:00Z'), new Date('2026-03-01T00:00:00Z'))).toEqual([
        { month: '2026-02', planId: 'business', dimension: 'messages', quantity: 5 },
      ]);
    });

    it('lists recorded operations newest first, by source, with counts per source and outcome', async () => {
      const [s1] = await seedFleet();
      const record = (source: 'webhook' | 'landing' | 'reconcile', status: 'Applied' | 'Rejected', at: string) =>
        store.operations.apply({ record: { subscriptionId: s1!.id, action: 'A', source, status, createdAt: new Date(at) } });
      await record('webhook', 'Applied', '2026-03-01T00:00:00Z');
      await record('landing', 'Applied', '2026-03-02T00:00:00Z');
      await record('webhook', 'Rejected', '2026-03-03T00:00:00Z');
      await record('reconcile', 'Applied', '2026-03-04T00:00:00Z');
      const all = await store.console.recentOperations({ offset: 0, limit: 3 });
      expect(all.total).toBe(4);
      expect(all.rows.map((r) => [r.source, r.createdAt.toISOString().slice(0, 10)])).toEqual([
        ['reconcile', '2026-03-04'],
        ['webhook', '2026-03-03'],
        ['landing', '2026-03-02'],
      ]);
      expect(all.rows[0]!.id).toEqual(expect.any(Number));
      const webhooks = await store.console.recentOperations({ source: 'webhook', offset: 1, limit: 3 });
      expect({ total: webhooks.total, statuses: webhooks.rows.map((r) => r.status) }).toEqual({ total: 2, statuses: ['Applied'] });
      expect(await store.console.operationCounts(new Date('2026-03-02T00:00:00Z'))).toEqual([
        { source: 'landing', action: 'A', status: 'Applied', count: 1 },
        { source: 'reconcile', action: 'A', status: 'Applied', count: 1 },
        { source: 'webhook', action: 'A', status: 'Rejected', count: 1 },
      ]);
    });

    it('counts activities per UTC day and kind', async () => {
      await store.console.recordActivity('webhook.refused', new Date('2026-03-01T23:00:00Z'));
      await store.console.recordActivity('webhook.refused', new Date('2026-03-01T01:00:00Z'));
      await store.console.recordActivity('reconcile.run', new Date('2026-03-02T00:00:00Z'));
      await store.console.recordActivity('webhook.replayed', new Date('2026-02-20T00:00:00Z'));
      expect(await store.console.activityByDay(new Date('2026-03-01T12:00:00Z'))).toEqual([
        { day: '2026-03-01', kind: 'webhook.refused', count: 2 },
        { day: '2026-03-02', kind: 'reconcile.run', count: 1 },
      ]);
    });
  });
}
