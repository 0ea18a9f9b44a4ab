import { describe, expect, it } from 'vitest';
import { groupConsumed } from '../../src/domain/metering-consume';
import type { UsageMessage } from '../../src/domain/usage';

const message = (id: string, billable: number, occurredAt: string, over: Partial<UsageMessage> = {}): UsageMessage => ({
  usageEventId: id,
  subscriptionId: 'sub-1',
  planId: 'flat',
  dimension: 'messages',
  quantity: Math.max(billable, 1),
  billable,
  occurredAt,
  periodStart: '2026-03-01T00:00:00.000Z',
  ...over,
});

describe('groupConsumed', () => {
  it('sums billable units per subscription, dimension, hour and plan, and asks about billable ids only, in order', () => {
    const asked: string[] = [];
    const batch = groupConsumed(
      [
        message('a', 2, '2026-03-10T10:05:00Z'),
        message('free', 0, '2026-03-10T10:06:00Z'),
        message('b', 3, '2026-03-10T10:59:59Z'),
        message('c', 1, '2026-03-10T11:00:00Z'),
        message('d', 4, '2026-03-10T10:10:00Z', { planId: 'other' }),
      ],
      (id) => {
        asked.push(id);
        return true;
      },
    );
    expect(asked).toEqual(['a', 'b', 'c', 'd']);
    expect(batch.consumed).toBe(5);
    expect(batch.duplicates).toBe(0);
    const hour = (s: string) => new Date(s).getTime();
    expect(batch.groups).toEqual([
      { subscriptionId: 'sub-1', dimension: 'messages', hour: hour('2026-03-10T10:00:00Z'), planId: 'flat', units: 5 },
      { subscriptionId: 'sub-1', dimension: 'messages', hour: hour('2026-03-10T11:00:00Z'), planId: 'flat', units: 1 },
      { subscriptionId: 'sub-1', dimension: 'messages', hour: hour('2026-03-10T10:00:00Z'), planId: 'other', units: 4 },
    ]);
  });

  it('ignores a billable message consumed before, and a repeat within the batch when the store says so', () => {
    const seen = new Set(['old']);
    const batch = groupConsumed(
      [
        message('old', 2, '2026-03-10T10:05:00Z'),
        message('new', 1, '2026-03-10T10:05:00Z'),
        message('new', 1, '2026-03-10T10:05:00Z'),
      ],
      (id) => {
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      },
    );
    expect(batch).toMatchObject({ consumed: 1, duplicates: 2 });
    expect(batch.groups.map((g) => g.units)).toEqual([1]);
  });
});
