import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../src/domain/alert-events';
import type { StoredConversation } from '../../src/store/outreach-repos';
import type { Store } from '../../src/store/store';

/** The store facets of issue 13 (conversations, alert events, tenant notices), run against both stores. */
export interface OutreachStoreUnderTest {
  store: Store;
  cleanup(): Promise<void>;
}

const T0 = new Date('2026-03-10T10:00:00.000Z');
let seq = 0;

export function alertEvent(fields: Partial<AlertEvent> = {}): AlertEvent {
  seq += 1;
  return {
    id: `0190a000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    type: 'metering.held',
    severity: 'warning',
    occurredAt: T0,
    problem: 'metering:sub-1:messages:2026-03-10T09:00Z',
    state: 'Held',
    summary: 'held',
    subscriptionId: 'sub-1',
    data: { quantity: 3, dimension: 'messages' },
    ...fields,
  };
}

const conversation = (key: string, fields: Partial<StoredConversation> = {}): StoredConversation => ({
  key,
  address: {
    serviceUrl: 'https://smba.example/emea/',
    channelId: 'msteams',
    conversationId: 'a:1xyz',
    conversationType: 'personal',
    tenantId: 'tenant-a',
    botId: '28:bot',
    userChannelId: '29:user',
  },
  locale: 'fr',
  client: 'mobile',
  updatedAt: T0,
  ...fields,
});

export function describeOutreachContract(name: string, open: () => Promise<OutreachStoreUnderTest>): void {
  describe(`Outreach store contract: ${name}`, () => {
    let t: OutreachStoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      t = await open();
      store = t.store;
    });
    afterEach(async () => {
      await t.cleanup();
    });

    it('saves, replaces, reads back and removes conversation references', async () => {
      const key = 'user:tenant-a:user-1';
      expect(await store.conversations.get(key)).toBeUndefined();
      await store.conversations.save(conversation(key));
      expect(await store.conversations.get(key)).toEqual(conversation(key));
      const moved = conversation(key, { locale: 'en', client: 'desktop', updatedAt: new Date(T0.getTime() + 1000) });
      await store.conversations.save(moved);
      expect(await store.conversations.get(key)).toEqual(moved);
      expect(await store.conversations.remove(key)).toBe(true);
      expect(await store.conversations.remove(key)).toBe(false);
      expect(await store.conversations.get(key)).toBeUndefined();
    });

    it('records a problem once per state, again after a change of state or once resolved', async () => {
      const first = alertEvent();
      expect(await store.alertEvents.record(first, ['teams', 'webhook'])).toBe('recorded');
      expect(await store.alertEvents.record(alertEvent(), ['teams', 'webhook'])).toBe('duplicate');
      expect(await store.alertEvents.record(alertEvent(), ['teams', 'webhook'])).toBe('duplicate');
      const refused = alertEvent({ type: 'metering.refused', state: 'Failed' });
      expect(await store.alertEvents.record(refused, ['teams'])).toBe('recorded');
      expect(await store.alertEvents.resolve(refused.problem, T0)).toBe(true);
      expect(await store.alertEvents.resolve(refused.problem, T0)).toBe(false);
      const again = alertEvent({ type: 'metering.refused', state: 'Failed', occurredAt: new Date(T0.getTime() + 1) });
      expect(await store.alertEvents.record(again, ['teams'])).toBe('recorded');

      const recent = await store.alertEvents.recent(10);
      expect(recent.map((r) => r.event.id)).toEqual([again.id, refused.id, first.id].sort().reverse());
      expect(recent.find((r) => r.event.id === first.id)).toMatchObject({ repeats: 0 });
      expect(recent[0]!.event).toEqual(again);
      expect(recent.find((r) => r.event.id === first.id)!.deliveries.map((d) => [d.channel, d.status])).toEqual([
        ['teams', 'pending'],
        ['webhook', 'pending'],
      ]);
    });

    it('counts repeats of the current event of a problem', async () => {
      const event = alertEvent({ problem: 'secret:X', state: 'within-30', type: 'secret.expiring' });
      await store.alertEvents.record(event, ['teams']);
      await store.alertEvents.record(alertEvent({ problem: 'secret:X', state: 'within-30', type: 'secret.expiring' }), ['teams']);
      await store.alertEvents.record(alertEvent({ problem: 'secret:X', state: 'within-30', type: 'secret.expiring' }), ['teams']);
      expect((await store.alertEvents.recent(1))[0]).toMatchObject({ repeats: 2 });
    });

    it('records concurrent raises of one problem once', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => store.alertEvents.record(alertEvent({ problem: 'webhook.refusals', state: 'burst' }), ['teams'])),
      );
      expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(1);
    });

    it('claims due deliveries under a lease, settles them and keeps a log', async () => {
      const event = alertEvent();
      await store.alertEvents.record(event, ['teams', 'webhook']);
      const leaseUntil = new Date(T0.getTime() + 120_000);
      const due = await store.alertEvents.claimDue({ now: T0, leaseUntil, limit: 10 });
      expect(due.map((d) => d.channel).sort()).toEqual(['teams', 'webhook']);
      expect(due[0]!.event).toEqual(event);
      // Leased: not due again before the lease runs out.
      expect(await store.alertEvents.claimDue({ now: T0, leaseUntil, limit: 10 })).toEqual([]);

      await store.alertEvents.settle({ eventId: event.id, channel: 'teams', outcome: 'skipped', at: T0, detail: 'no chat' });
      const retryAt = new Date(T0.getTime() + 30_000);
      await store.alertEvents.settle({
        eventId: event.id,
        channel: 'webhook',
        outcome: 'retry',
        at: T0,
        nextAttemptAt: retryAt,
        httpStatus: 503,
        durationMs: 12,
        detail: 'HTTP 503',
      });
      expect(await store.alertEvents.claimDue({ now: new Date(retryAt.getTime() - 1), leaseUntil, limit: 10 })).toEqual([]);
      const retry = await store.alertEvents.claimDue({ now: retryAt, leaseUntil: new Date(retryAt.getTime() + 120_000), limit: 10 });
      expect(retry).toEqual([{ event, channel: 'webhook', attempts: 1 }]);
      await store.alertEvents.settle({ eventId: event.id, channel: 'webhook', outcome: 'delivered', at: retryAt, httpStatus: 200 });

      const [stored] = await store.alertEvents.recent(1);
      expect(stored!.deliveries).toEqual([
        { channel: 'teams', status: 'skipped', attempts: 0, lastError: 'no chat' },
        { channel: 'webhook', status: 'delivered', attempts: 2, deliveredAt: retryAt },
      ]);
      const log = await store.alertEvents.log(event.id);
      expect(log.map((l) => [l.channel, l.attempt, l.outcome, l.httpStatus])).toEqual([
        ['teams', 0, 'skipped', undefined],
        ['webhook', 1, 'retry', 503],
        ['webhook', 2, 'delivered', 200],
      ]);
      expect(log[1]).toMatchObject({ durationMs: 12, detail: 'HTTP 503' });
    });

    it('claims a notice once for concurrent callers, per tenant and key', async () => {
      const claims = await Promise.all(
        Array.from({ length: 30 }, () => store.notices.claim({ tenantId: 'tenant-a', key: 'quota:s:2026-03-01:messages:80', kind: 'quota', at: T0 })),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.notices.claim({ tenantId: 'tenant-b', key: 'quota:s:2026-03-01:messages:80', kind: 'quota', at: T0 })).toBe(true);
      expect(await store.notices.claim({ tenantId: 'tenant-a', key: 'quota:s:2026-03-01:messages:100', kind: 'quota', at: T0 })).toBe(true);
    });

    it('prunes settled alert events and old notices, keeping pending deliveries and problem states', async () => {
      const settled = alertEvent({ problem: 'p:settled', state: 's' });
      const pending = alertEvent({ problem: 'p:pending', state: 's' });
      await store.alertEvents.record(settled, ['teams']);
      await store.alertEvents.record(pending, ['teams']);
      await store.alertEvents.settle({ eventId: settled.id, channel: 'teams', outcome: 'delivered', at: T0 });
      await store.notices.claim({ tenantId: 'tenant-a', key: 'old', kind: 'quota', at: T0 });
      const later = new Date(T0.getTime() + 1000);
      expect(await store.alertEvents.prune(later)).toBe(1);
      expect((await store.alertEvents.recent(10)).map((a) => a.event.id)).toEqual([pending.id]);
      expect(await store.alertEvents.log(settled.id)).toEqual([]);
      // The problem's state is kept: the same state still does not alert again.
      expect(await store.alertEvents.record(alertEvent({ problem: 'p:settled', state: 's' }), ['teams'])).toBe('duplicate');
      expect(await store.notices.prune(later)).toBe(1);
      expect(await store.notices.claim({ tenantId: 'tenant-a', key: 'old', kind: 'quota', at: later })).toBe(true);
    });

    it('keeps notification preferences per tenant', async () => {
      expect(await store.notices.disabledKinds('tenant-a')).toEqual([]);
      await store.notices.setEnabled({ tenantId: 'tenant-a', kind: 'quota', enabled: false, by: 'admin', at: T0 });
      await store.notices.setEnabled({ tenantId: 'tenant-a', kind: 'trial', enabled: false, by: 'admin', at: T0 });
      await store.notices.setEnabled({ tenantId: 'tenant-a', kind: 'trial', enabled: true, by: 'admin', at: T0 });
      expect(await store.notices.disabledKinds('tenant-a')).toEqual(['quota']);
      expect(await store.notices.disabledKinds('tenant-b')).toEqual([]);
    });
  });
}
