import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_CATALOG } from '../../src/domain/default-plan-catalog';
import { parseCatalog } from '../../src/domain/catalog-parser';
import { buildUsageStatement, type SubscriptionChange } from '../../src/domain/usage-statement';
import type { Subscription } from '../../src/domain/subscription';

const catalog = parseCatalog(DEFAULT_PLAN_CATALOG, 'default');
const period = { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-04-01T00:00:00Z') };
const subscription: Subscription = {
  id: 'sub-seats',
  name: 'Seats',
  offerId: 'teams-ai-assistant-users',
  planId: 'team-seat',
  quantity: 12,
  status: 'Subscribed',
  purchaser: { tenantId: 't' },
  beneficiary: { tenantId: 't' },
  term: { startDate: period.start },
  autoRenew: true,
  isTest: false,
  isFreeTrial: false,
  createdAt: period.start,
  updatedAt: period.start,
};
const change = ({ createdAt, ...fields }: Partial<Omit<SubscriptionChange, 'createdAt'>> & { createdAt: string }): SubscriptionChange => ({
  action: 'ChangeQuantity',
  status: 'Applied',
  ...fields,
  createdAt: new Date(createdAt),
});

describe('usage statement (pure)', () => {
  it('gives the seats at the start and the end of the period and the changes within it, applied ones only', () => {
    const seat = catalog.get('team-seat')!;
    const s = buildUsageStatement({
      subscription,
      period,
      now: new Date('2026-04-02T00:00:00Z'),
      plan: (id) => catalog.get(id),
      used: { messages: 40 },
      ledger: [],
      changes: [
        change({ action: 'Activate', toPlanId: 'team-seat', toQuantity: 5, createdAt: '2026-02-10T00:00:00Z' }),
        change({ fromQuantity: 5, toQuantity: 10, createdAt: '2026-03-05T08:00:00Z' }),
        change({ fromQuantity: 10, toQuantity: 99, status: 'Rejected', createdAt: '2026-03-06T08:00:00Z' }),
        change({ fromQuantity: 10, toQuantity: 12, createdAt: '2026-03-20T08:00:00Z' }),
        change({ fromQuantity: 12, toQuantity: 15, createdAt: '2026-04-01T08:00:00Z' }),
      ],
    });
    expect(s).toMatchObject({ final: true, seatsAtStart: 5, seatsAtEnd: 12, planAtStart: { id: 'team-seat' }, planAtEnd: { id: 'team-seat' } });
    expect(s.history.map((h) => [h.fromQuantity, h.toQuantity])).toEqual([
      [5, 10],
      [10, 12],
    ]);
    // Per-user plans: allowances per seat, pooled; the plan's price per seat; never overage.
    expect(s.dimensions[0]).toMatchObject({ dimension: 'messages', included: 12 * seat.dimensions.messages.included!, used: 40, amount: 0 });
    expect(s.charges).toEqual({ recurring: Math.round(seat.basePrice * 12 * 100) / 100, overage: 0, total: Math.round(seat.basePrice * 12 * 100) / 100 });
    expect(s.days).toEqual([]);
  });
});
