import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import { AcceptedMonths } from '../../src/web/console/accepted-months';
import { DailyTurns } from '../../src/web/console/daily-turns';
import { seedMeteredHours, subscription } from '../helpers/console-seed';
import { tempDir } from '../helpers/temp-dir';
import { usageEvent } from '../helpers/usage-events';

describe('overview figures of days and months that are over', () => {
  it('reads the days that are over once, and today at every request', async () => {
    const store = openSqliteStore(path.join(tempDir(), 'turns.sqlite'));
    await store.subscriptions.upsert(subscription({ id: 'sub-a', tenantId: 'tenant-a' }));
    const turn = (at: string) => store.usage.record({ event: usageEvent('sub-a', { occurredAt: new Date(at) }), included: null, overage: false });
    for (const at of ['2026-03-10T08:00:00Z', '2026-03-12T08:00:00Z', '2026-03-12T09:00:00Z', '2026-03-15T08:00:00Z']) await turn(at);
    const calls: [string, string][] = [];
    const turnsByDay = store.console.turnsByDay.bind(store.console);
    store.console.turnsByDay = async (from, to) => {
      calls.push([from.toISOString(), to.toISOString()]);
      return turnsByDay(from, to);
    };
    const days = new DailyTurns(store);
    const from = new Date('2026-03-01T00:00:00Z');
    const to = new Date('2026-03-16T00:00:00Z');
    const now = new Date('2026-03-15T12:00:00Z');

    const expected = [
      { day: '2026-03-10', count: 1 },
      { day: '2026-03-12', count: 2 },
      { day: '2026-03-15', count: 1 },
    ];
    expect(await days.between(from, to, now)).toEqual(expected);
    expect(calls).toEqual([
      ['2026-03-01T00:00:00.000Z', '2026-03-15T00:00:00.000Z'],
      ['2026-03-15T00:00:00.000Z', '2026-03-16T00:00:00.000Z'],
    ]);
    calls.length = 0;
    await turn('2026-03-15T11:00:00Z');
    expect(await days.between(from, to, now)).toEqual([...expected.slice(0, 2), { day: '2026-03-15', count: 2 }]);
    expect(calls).toEqual([['2026-03-15T00:00:00.000Z', '2026-03-16T00:00:00.000Z']]);
    // In the first hour of a day, yesterday is still read live (its last turns may still be being written).
    calls.length = 0;
    expect(await days.between(from, new Date('2026-03-17T00:00:00Z'), new Date('2026-03-16T00:30:00Z'))).toHaveLength(3);
    expect(calls).toEqual([['2026-03-15T00:00:00.000Z', '2026-03-17T00:00:00.000Z']]);
    await store.close();
  });

  it('reads accepted overage of months over (and settled) once, and the current month at every request', async () => {
    const store = openSqliteStore(path.join(tempDir(), 'months.sqlite'));
    await store.subscriptions.upsert(subscription({ id: 'sub-a', tenantId: 'tenant-a' }));
    await seedMeteredHours(store, [
      { subscriptionId: 'sub-a', planId: 'business', hour: '2026-01-10T10:00:00Z', units: 4, outcome: 'Accepted' },
      { subscriptionId: 'sub-a', planId: 'business', hour: '2026-02-27T10:00:00Z', units: 5, outcome: 'Accepted' },
      { subscriptionId: 'sub-a', planId: 'business', hour: '2026-03-01T10:00:00Z', units: 6, outcome: 'Accepted' },
    ]);
    const calls: [string, string | undefined][] = [];
    const acceptedByMonth = store.console.acceptedByMonth.bind(store.console);
    store.console.acceptedByMonth = async (from, to) => {
      calls.push([from.toISOString().slice(0, 10), to?.toISOString().slice(0, 10)]);
      return acceptedByMonth(from, to);
    };
    const months = new AcceptedMonths(store);
    const quantities = async (now: string) =>
      (await months.of(['2026-01', '2026-02', '2026-03'], new Date(now))).map((m) => [m.month, m.quantity]);
    // 2 March: February is not settled yet (its last hours may still be sent): read live with March.
    expect(await quantities('2026-03-02T12:00:00Z')).toEqual([['2026-01', 4], ['2026-02', 5], ['2026-03', 6]]);
    expect(calls).toEqual([['2026-01-01', '2026-02-01'], ['2026-02-01', undefined]]);
    calls.length = 0;
    await seedMeteredHours(store, [{ subscriptionId: 'sub-a', planId: 'business', hour: '2026-03-10T10:00:00Z', units: 1, outcome: 'Accepted' }]);
    expect(await quantities('2026-03-15T12:00:00Z')).toEqual([['2026-01', 4], ['2026-02', 5], ['2026-03', 7]]);
    expect(calls).toEqual([['2026-02-01', '2026-03-01'], ['2026-03-01', undefined]]);
    calls.length = 0;
    await quantities('2026-03-15T13:00:00Z');
    expect(calls).toEqual([['2026-03-01', undefined]]);
    await store.close();
  });
});
