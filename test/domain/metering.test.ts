import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/domain/clock';
import { hourStart, judgeItem, planBatches, retryDelayMs, tooOldBefore } from '../../src/domain/metering';

const at = (s: string) => new Date(s);
const due = (n: number, dueAt = at('2026-03-10T11:05:00Z')) => Array.from({ length: n }, (_, i) => ({ id: i + 1, dueAt }));

describe('metering rules', () => {
  it('buckets by clock hour, UTC', () => {
    expect(hourStart(at('2026-03-10T10:59:59.999Z')).toISOString()).toBe('2026-03-10T10:00:00.000Z');
    expect(hourStart(at('2026-03-10T11:00:00.000Z')).toISOString()).toBe('2026-03-10T11:00:00.000Z');
  });

  it('stops sending an hour a little before the API would call it expired', () => {
    expect(tooOldBefore(at('2026-03-11T12:00:00Z')).toISOString()).toBe('2026-03-10T12:30:00.000Z');
  });

  describe('batches', () => {
    const now = at('2026-03-10T11:06:00Z');
    it('splits 26 due reports into 25 + 1 when flushing everything', () => {
      expect(planBatches(due(26), now, { flushAll: true, maxWaitMs: HOUR }).map((b) => b.length)).toEqual([25, 1]);
    });
    it('holds a fresh partial batch for more hours, but not one that has waited long enough', () => {
      expect(planBatches(due(26), now, { flushAll: false, maxWaitMs: HOUR }).map((b) => b.length)).toEqual([25]);
      expect(
        planBatches(due(3, at('2026-03-10T10:05:00Z')), now, { flushAll: false, maxWaitMs: HOUR }).map((b) => b.length),
      ).toEqual([3]);
      expect(planBatches(due(3), now, { flushAll: false, maxWaitMs: 0 }).map((b) => b.length)).toEqual([3]);
    });
    it('sends the oldest first', () => {
      const mixed = [
        { id: 1, dueAt: at('2026-03-10T11:05:00Z') },
        { id: 2, dueAt: at('2026-03-10T09:05:00Z') },
      ];
      expect(planBatches(mixed, now, { flushAll: true, maxWaitMs: 0 })[0]!.map((r) => r.id)).toEqual([2, 1]);
    });
  });

  it.each([
    [{ status: 'Accepted', usageEventId: 'u1', quantity: 7 }, 7, { kind: 'Accepted', usageEventId: 'u1', acceptedQuantity: 7 }],
    [
      { status: 'Duplicate', acceptedMessage: { usageEventId: 'u0', quantity: 7 } },
      7,
      { kind: 'Accepted', usageEventId: 'u0', acceptedQuantity: 7 },
    ],
    [{ status: 'Duplicate', acceptedMessage: { usageEventId: 'u0', quantity: 5 } }, 7, { kind: 'Conflict', acceptedQuantity: 5 }],
    [{ status: 'Expired' }, 7, { kind: 'Expired' }],
    [{ status: 'ResourceNotActive' }, 7, { kind: 'Held', code: 'ResourceNotActive' }],
    [{ status: 'ResourceNotFound' }, 7, { kind: 'Held', code: 'ResourceNotFound' }],
    [{ status: 'InvalidDimension' }, 7, { kind: 'Refused', code: 'InvalidDimension' }],
    [{ status: 'InvalidQuantity' }, 7, { kind: 'Refused', code: 'InvalidQuantity' }],
    [{ status: 'BadArgument' }, 7, { kind: 'Refused', code: 'BadArgument' }],
    [{ status: 'Error' }, 7, { kind: 'Retry', code: 'Error' }],
    [{}, 7, { kind: 'Retry', code: 'Error' }],
  ])('judges %o (ours %i) as %o', (answer, ours, expected) => {
    expect(judgeItem(answer, ours)).toMatchObject(expected);
  });

  it('backs off exponentially with jitter, capped at 30 minutes', () => {
    expect(retryDelayMs(1, () => 0)).toBe(15_000);
    expect(retryDelayMs(1, () => 0.999)).toBeLessThan(30_000);
    expect(retryDelayMs(3, () => 0)).toBe(60_000);
    expect(retryDelayMs(20, () => 0.999)).toBeLessThanOrEqual(30 * MINUTE);
  });
});
