import { describe, expect, it } from 'vitest';
import { crossedThresholds, endingInDays, trialEndingInDays } from '../../src/domain/tenant-notices';
import type { Subscription } from '../../src/domain/subscription';

describe('allowance thresholds', () => {
  it.each([
    { usedBefore: 0, quantity: 1, included: 500, crossed: [] },
    { usedBefore: 399, quantity: 1, included: 500, crossed: [80] },
    { usedBefore: 400, quantity: 1, included: 500, crossed: [] },
    { usedBefore: 399, quantity: 101, included: 500, crossed: [80, 100] },
    { usedBefore: 499, quantity: 3, included: 500, crossed: [100] },
    { usedBefore: 500, quantity: 3, included: 500, crossed: [] },
    // 80 % of 7 is 5.6: the line is the 6th unit.
    { usedBefore: 5, quantity: 1, included: 7, crossed: [80] },
    { usedBefore: 0, quantity: 9, included: null, crossed: [] },
    { usedBefore: 0, quantity: 9, included: 0, crossed: [] },
  ])('$usedBefore + $quantity of $included crosses $crossed', ({ usedBefore, quantity, included, crossed }) => {
    expect(crossedThresholds(usedBefore, quantity, included)).toEqual(crossed);
  });
});

describe('ending soon', () => {
  const now = new Date('2026-03-10T10:00:00Z');
  const base: Subscription = {
    id: 's',
    name: 's',
    offerId: 'o',
    planId: 'p',
    status: 'Subscribed',
    purchaser: {},
    beneficiary: {},
    term: { startDate: new Date('2026-02-15T00:00:00Z'), endDate: new Date('2026-03-14T00:00:00Z') },
    autoRenew: false,
    isTest: false,
    isFreeTrial: false,
    createdAt: now,
    updatedAt: now,
  };
  it('a subscription that will not renew ends in 5 days (its last day is inclusive); renewing or far ones do not', () => {
    expect(endingInDays(base, now)).toBe(5);
    expect(endingInDays({ ...base, autoRenew: true }, now)).toBeUndefined();
    expect(endingInDays({ ...base, status: 'Suspended' }, now)).toBeUndefined();
    expect(endingInDays({ ...base, term: { startDate: base.term!.startDate, endDate: new Date('2026-04-14T00:00:00Z') } }, now)).toBeUndefined();
  });
  it('a free trial within a week of its end', () => {
    expect(trialEndingInDays({ ...base, isFreeTrial: true, autoRenew: true }, now)).toBe(5);
    expect(trialEndingInDays({ ...base, isFreeTrial: false }, now)).toBeUndefined();
  });
});
