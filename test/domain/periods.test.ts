import { describe, expect, it } from 'vitest';
import { addMonthsClamped, billingPeriodAt, daysLeft } from '../../src/domain/periods';

const d = (s: string) => new Date(s);
const iso = (p: { start: Date; end: Date }) => [p.start.toISOString(), p.end.toISOString()];

describe('billing periods: monthly windows anchored on the term start (UTC)', () => {
  it('anchors on the term start date', () => {
    const term = { startDate: d('2026-01-15T00:00:00Z') };
    expect(iso(billingPeriodAt(d('2026-03-20T12:00:00Z'), term))).toEqual([
      '2026-03-15T00:00:00.000Z',
      '2026-04-15T00:00:00.000Z',
    ]);
    expect(iso(billingPeriodAt(d('2026-03-14T23:59:59.999Z'), term))).toEqual([
      '2026-02-15T00:00:00.000Z',
      '2026-03-15T00:00:00.000Z',
    ]);
  });

  it('switches period exactly at the boundary', () => {
    const term = { startDate: d('2026-01-15T00:00:00Z') };
    expect(billingPeriodAt(d('2026-03-15T00:00:00.000Z'), term).start.toISOString()).toBe('2026-03-15T00:00:00.000Z');
  });

  it('clamps the anchor day to short months without drifting', () => {
    const term = { startDate: d('2026-01-31T00:00:00Z') };
    expect(iso(billingPeriodAt(d('2026-02-28T10:00:00Z'), term))).toEqual([
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ]);
    expect(iso(billingPeriodAt(d('2026-04-01T00:00:00Z'), term))).toEqual([
      '2026-03-31T00:00:00.000Z',
      '2026-04-30T00:00:00.000Z',
    ]);
    expect(addMonthsClamped(d('2028-01-31T00:00:00Z'), 1).toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });

  it('crosses years', () => {
    const term = { startDate: d('2025-11-20T00:00:00Z') };
    expect(iso(billingPeriodAt(d('2026-01-05T00:00:00Z'), term))).toEqual([
      '2025-12-20T00:00:00.000Z',
      '2026-01-20T00:00:00.000Z',
    ]);
  });

  it('uses the calendar month before the term is known', () => {
    expect(iso(billingPeriodAt(d('2026-02-10T08:00:00Z')))).toEqual(['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
  });

  it('counts days left, rounding up', () => {
    const p = { start: d('2026-03-01T00:00:00Z'), end: d('2026-04-01T00:00:00Z') };
    expect(daysLeft(p, d('2026-03-31T23:00:00Z'))).toBe(1);
    expect(daysLeft(p, d('2026-03-01T00:00:00Z'))).toBe(31);
  });
});
