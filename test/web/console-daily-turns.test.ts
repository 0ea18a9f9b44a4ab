import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import { DailyTurns } from '../../src/web/console/daily-turns';
import { subscription } from '../helpers/console-seed';
import { tempDir } from '../helpers/temp-dir';
import { usageEvent } from '../store/store-contract';

describe('answered turns per day of the overview', () => {
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
});
