import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_CATALOG } from '../../src/domain/default-plan-catalog';
import { hasOverage, includedUnits, parseCatalog } from '../../src/domain/plans';
import { overageUnits } from '../../src/domain/usage';

describe('plan catalog', () => {
  const catalog = parseCatalog(DEFAULT_PLAN_CATALOG, 'default');

  it('ships three flat-rate plans (overage on some, a hard cap on another) and one per-seat plan', () => {
    const flat = catalog.plans.filter((p) => !p.isPricePerSeat);
    expect(flat).toHaveLength(3);
    expect(catalog.plans.filter((p) => p.isPricePerSeat)).toHaveLength(1);
    expect(flat.some((p) => hasOverage(p, 'messages'))).toBe(true);
    const starter = catalog.get('starter')!;
    expect(hasOverage(starter, 'messages')).toBe(false);
    expect(includedUnits(starter, 'messages', undefined)).toBe(500);
    expect(catalog.plans.every((p) => p.currency === 'EUR' && p.basePrice > 0)).toBe(true);
  });

  it('pools per-seat allowances and never bills overage on seat plans', () => {
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

  it.each([
    [{}, '"plans" must be a non-empty array'],
    [{ plans: [{ id: '' }] }, 'plans[0].id must be a non-empty string'],
    [{ plans: [{ id: 'a' }, { id: 'a' }] }, 'plans[1].id "a" appears twice'],
    [{ plans: [{ id: 'a', dimensions: { tokens: { included: 1 } } }] }, 'plans[0].dimensions.tokens is not a known dimension'],
    [
      { plans: [{ id: 'a', dimensions: { messages: { included: -1 } } }] },
      'plans[0].dimensions.messages.included must be a number ≥ 0',
    ],
    [
      { plans: [{ id: 's', isPricePerSeat: true, dimensions: { messages: { included: 10, overagePrice: 0.1 } } }] },
      'not allowed on a per-seat plan',
    ],
    [{ plans: [{ id: 'a', billingRules: { premiumTokens: 'x' } }] }, 'plans[0].billingRules.premiumTokens must be a number'],
  ])('rejects a bad operator catalog with a message naming the field (%#)', (input, message) => {
    expect(() => parseCatalog(input, 'plans.json')).toThrow(message);
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
