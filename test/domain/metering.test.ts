import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/domain/clock';
import {
  hourStart,
  judgeCallFailure,
  judgeItem,
  nextAttemptAt,
  planBatches,
  retryDelayMs,
  tooOldBefore,
} from '../../src/domain/metering';
import { canCarry, placeUnits, type HourBucket } from '../../src/domain/metering-placement';

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
    [{ status: 'ResourceNotAuthorized' }, 7, { kind: 'Held', code: 'ResourceNotAuthorized' }],
    [{ status: 'ResourceNotFound' }, 7, { kind: 'Refused', code: 'ResourceNotFound' }],
    [{ status: 'Duplicate' }, 7, { kind: 'Conflict', message: expect.stringContaining('did not say its quantity') }],
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

describe('metering: when to try again, and what a failed call means', () => {
  const hour = at('2026-03-10T10:00:00Z');
  it('keeps backing off, then tries at least every 2 minutes in the last half hour of the window', () => {
    const early = at('2026-03-10T11:10:00Z');
    expect(nextAttemptAt(hour, 1, early, () => 0).getTime()).toBe(early.getTime() + 15_000);
    // The 30-minute backoff is cut to the start of the last stretch: 10:00 + 24 h − 30 min − 30 min.
    const before = at('2026-03-11T08:50:00Z');
    expect(nextAttemptAt(hour, 20, before, () => 0.999).toISOString()).toBe('2026-03-11T09:00:00.000Z');
    // In the last stretch (09:00–09:30), every 2 minutes at most: several tries before the units must be carried.
    const late = at('2026-03-11T09:20:00Z');
    expect(nextAttemptAt(hour, 20, late, () => 0.999).toISOString()).toBe('2026-03-11T09:22:00.000Z');
    expect(nextAttemptAt(hour, 1, late, () => 0).getTime()).toBe(late.getTime() + 15_000);
    // Past it, the next pass finds the hour too old and carries its units.
    const past = at('2026-03-11T09:40:00Z');
    expect(nextAttemptAt(hour, 20, past, () => 0).getTime()).toBe(past.getTime() + 2 * MINUTE);
  });

  it.each([
    [{ retryable: true }, { code: 'NetworkError' }],
    [{ retryable: true, status: 503 }, { code: 'HTTP 503' }],
    [{ retryable: true, status: 429 }, { code: 'HTTP 429' }],
    [{ retryable: true, status: 408 }, { code: 'HTTP 408' }],
    [{ retryable: false, status: 401 }, { code: 'HTTP 401', alert: 'metering.auth' }],
    [{ retryable: false, status: 403 }, { code: 'HTTP 403', alert: 'metering.auth' }],
    [{ retryable: false, status: 400 }, { code: 'HTTP 400', alert: 'metering.call-refused' }],
    [{ retryable: false }, { code: 'NetworkError' }],
  ])('a call that failed with %o retries its hours (%o)', (failure, expected) => {
    expect(judgeCallFailure(failure)).toEqual(expected);
  });

  it('sends a partial batch at once when it holds an hour tried before', () => {
    const now = at('2026-03-10T11:06:00Z');
    const fresh = [{ id: 1, dueAt: at('2026-03-10T11:05:00Z'), urgent: false }];
    expect(planBatches(fresh, now, { flushAll: false, maxWaitMs: HOUR })).toEqual([]);
    expect(planBatches([...fresh, { id: 2, dueAt: now, urgent: true }], now, { flushAll: false, maxWaitMs: HOUR })).toHaveLength(
      1,
    );
  });
});

describe('metering placement: where billable units go', () => {
  const h = (n: number) => Date.UTC(2026, 2, 10, n);
  const ctx = { currentHour: h(13), oldest: h(0), currentPlanId: 'business' };
  const buckets = (map: Record<number, HourBucket>) => (hour: number) => map[hour];

  it('into their own hour when it is absent or open under their plan', () => {
    expect(placeUnits({ hour: h(10), planId: 'business' }, ctx, buckets({}))).toEqual({
      hour: h(10),
      planId: 'business',
      carried: false,
    });
    expect(
      placeUnits({ hour: h(10), planId: 'business' }, ctx, buckets({ [h(10)]: { status: 'Open', planId: 'business' } })),
    ).toEqual({ hour: h(10), planId: 'business', carried: false });
  });

  it('never into an hour already sent, nor under another plan than the hour has: carried under the plan of now', () => {
    const sent = buckets({ [h(10)]: { status: 'Accepted', planId: 'business' } });
    expect(placeUnits({ hour: h(10), planId: 'business' }, { ...ctx, currentPlanId: 'enterprise' }, sent)).toEqual({
      hour: h(13),
      planId: 'enterprise',
      carried: true,
    });
    const otherPlan = buckets({ [h(13)]: { status: 'Open', planId: 'business' } });
    expect(placeUnits({ hour: h(13), planId: 'enterprise' }, { ...ctx, currentPlanId: 'enterprise' }, otherPlan)).toEqual({
      hour: h(14),
      planId: 'enterprise',
      carried: true,
    });
  });

  it('carries units of an hour too old to send; the unit’s own plan when the subscription is unknown', () => {
    expect(placeUnits({ hour: h(0) - HOUR, planId: 'business' }, { ...ctx, currentPlanId: undefined }, buckets({}))).toEqual({
      hour: h(13),
      planId: 'business',
      carried: true,
    });
  });

  it('skips hours in flight or failed when walking forward', () => {
    const busy = buckets({
      [h(13)]: { status: 'InFlight', planId: 'business' },
      [h(14)]: { status: 'Failed', planId: 'business' },
    });
    expect(placeUnits({ hour: h(0) - HOUR, planId: 'business' }, ctx, busy).hour).toBe(h(15));
  });

  it('does not carry the units of an ended subscription', () => {
    expect(canCarry('Unsubscribed')).toBe(false);
    expect(canCarry('Suspended')).toBe(true);
    expect(canCarry(undefined)).toBe(true);
  });
});
