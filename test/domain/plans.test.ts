import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_CATALOG } from '../../src/domain/default-plan-catalog';
import { parseCatalog } from '../../src/domain/catalog-parser';
import { hasOverage, includedUnits, meteringDimensionId } from '../../src/domain/plans';
import { overageUnits } from '../../src/domain/usage';

describe('plan catalog', () => {
  const catalog = parseCatalog(DEFAULT_PLAN_CATALOG, 'default');

  it('ships a flat-rate offer (hard cap, overage, unlimited) and a per-user offer with a free trial', () => {
    expect(catalog.offers.map((o) => [o.id, o.pricingModel, o.plans.map((p) => p.id)])).toEqual([
      ['teams-ai-assistant', 'flatRate', ['starter', 'business', 'enterprise']],
      ['teams-ai-assistant-users', 'perUser', ['team-seat', 'team-plus']],
    ]);
    const flat = catalog.plans.filter((p) => !p.isPricePerSeat);
    expect(flat.some((p) => hasOverage(p, 'messages'))).toBe(true);
    const starter = catalog.get('starter')!;
    expect(hasOverage(starter, 'messages')).toBe(false);
    expect(includedUnits(starter, 'messages', undefined)).toBe(500);
    expect(starter.publishedDimensions).toEqual([]);
    expect(catalog.plans.every((p) => p.currency === 'EUR' && p.basePrice > 0)).toBe(true);
    expect(catalog.get('team-seat')).toMatchObject({
      offerId: 'teams-ai-assistant-users',
      freeTrial: true,
      minSeats: 1,
      maxSeats: 1000,
    });
  });

  it('meters each usage kind as the dimension id the offer maps it to', () => {
    expect(meteringDimensionId(catalog.get('business'), 'premium_messages')).toBe('premium_messages');
    const custom = parseCatalog(
      {
        offers: [
          {
            id: 'o',
            publisherId: 'p',
            pricingModel: 'flatRate',
            dimensions: [
              { id: 'std-msg', displayName: 'Messages', unitOfMeasure: 'per message' },
              { id: 'gpt_msg', displayName: 'Premium', unitOfMeasure: 'per message' },
            ],
            usageDimensions: { messages: 'std-msg', premium_messages: 'gpt_msg' },
            plans: [
              {
                id: 'a',
                prices: { P1Y: 120 },
                dimensions: { 'std-msg': { included: 10, pricePerUnit: 0.5 }, gpt_msg: { included: 1, hardCap: true } },
              },
            ],
          },
        ],
      },
      'custom',
    );
    const a = custom.get('a')!;
    expect(meteringDimensionId(a, 'messages')).toBe('std-msg');
    expect(a.meteredAs).toEqual({ messages: 'std-msg' });
    expect(hasOverage(a, 'premium_messages')).toBe(false);
    expect(a.basePrice).toBe(10);
  });

  it('pools per-user allowances and never bills overage on per-user plans', () => {
    const team = catalog.get('team-seat')!;
    expect(includedUnits(team, 'messages', 4)).toBe(1200);
    expect(hasOverage(team, 'messages')).toBe(false);
  });

  it('treats unlimited dimensions as having no allowance line', () => {
    const enterprise = catalog.get('enterprise')!;
    expect(includedUnits(enterprise, 'messages', undefined)).toBeNull();
    expect(hasOverage(enterprise, 'messages')).toBe(false);
    expect(hasOverage(enterprise, 'premium_messages')).toBe(true);
  });
});

describe('overage split at the allowance line', () => {
  it.each([
    [0, 1, 10, 0],
    [9, 1, 10, 0],
    [10, 1, 10, 1],
    [9, 3, 10, 2],
    [12, 3, 10, 3],
    [5, 3, null, 0],
  ])('used %i + %i with %s included bills %i', (usedBefore, quantity, included, billable) => {
    expect(overageUnits(usedBefore, quantity, included)).toBe(billable);
  });
});
