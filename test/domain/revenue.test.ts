import { describe, expect, it } from 'vitest';
import { loadPlanCatalog } from '../../src/plan-catalog-source';
import {
  afterMarketplaceFee,
  DEFAULT_MARKETPLACE_FEE_PERCENT,
  lastMonths,
  overageByMonth,
  recurringRevenue,
} from '../../src/domain/revenue';
import { niceTicks } from '../../src/web/console/svg-chart';

const catalog = loadPlanCatalog(undefined);

describe('revenue rules', () => {
  it('MRR: plan price per month of Subscribed subscriptions, × seats on per-user plans', () => {
    expect(
      recurringRevenue(
        [
          { planId: 'business', status: 'Subscribed', subscriptions: 3, seats: 0 },
          { planId: 'team-plus', status: 'Subscribed', subscriptions: 2, seats: 17 },
          { planId: 'enterprise', status: 'Suspended', subscriptions: 5, seats: 0 },
          { planId: 'gone', status: 'Subscribed', subscriptions: 1, seats: 0 },
        ],
        catalog,
      ),
    ).toEqual([
      { planId: 'business', currency: 'EUR', subscriptions: 3, seats: 0, amount: 147 },
      { planId: 'team-plus', currency: 'EUR', subscriptions: 2, seats: 17, amount: 204 },
    ]);
  });

  it('overage per month at the plan of the hour, before and after the 3% fee, every month present', () => {
    expect(DEFAULT_MARKETPLACE_FEE_PERCENT).toBe(3);
    expect(afterMarketplaceFee(33.33, 3)).toBe(32.33);
    const months = lastMonths(new Date('2026-01-20T00:00:00Z'), 3);
    expect(months).toEqual(['2025-11', '2025-12', '2026-01']);
    expect(
      overageByMonth(
        [
          { month: '2025-12', planId: 'business', dimension: 'messages', quantity: 1234 },
          { month: '2025-12', planId: 'enterprise', dimension: 'premium_messages', quantity: 100 },
          { month: '2026-01', planId: 'starter', dimension: 'messages', quantity: 50 },
        ],
        catalog,
        months,
        3,
      ),
    ).toEqual([
      { month: '2025-11', currency: 'EUR', gross: 0, net: 0 },
      { month: '2025-12', currency: 'EUR', gross: 15.34, net: 14.88 },
      { month: '2026-01', currency: 'EUR', gross: 0, net: 0 },
    ]);
  });

  it('chart ticks are whole numbers from 0 past the maximum', () => {
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(830_000)).toEqual([0, 200_000, 400_000, 600_000, 800_000, 1_000_000]);
    expect(niceTicks(2.5, 4, false)).toEqual([0, 1, 2, 3]);
  });
});
