import { describe, expect, it } from 'vitest';
import { checkCatalog, parseCatalog } from '../../src/domain/catalog-parser';
import { DEFAULT_PLAN_CATALOG } from '../../src/domain/default-plan-catalog';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A fresh copy of the shipped catalog, changed by `edit`: each case below breaks one rule. */
function variant(edit: (c: Json) => void): Json {
  const copy = structuredClone(DEFAULT_PLAN_CATALOG) as Json;
  edit(copy);
  return copy;
}
const flat = (c: Json) => c.offers[0];
const perUser = (c: Json) => c.offers[1];
const dims = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `d${i}`, displayName: `D${i}`, unitOfMeasure: 'unit' }));
const TENANT = '3f0d8c1e-58a4-4a4c-9c53-2f1b9b7e4c11';

describe('catalog validation: what Partner Center would refuse, each problem naming its field', () => {
  it('accepts the shipped catalog: two offers, five plans', () => {
    expect(checkCatalog(DEFAULT_PLAN_CATALOG)).toMatchObject({ valid: true, problems: [] });
  });

  it.each<[string, (c: Json) => void, string, RegExp]>([
    ['no offers', (c) => (c.offers = []), 'offers', /non-empty array/],
    [
      'mixed pricing models in one offer',
      (c) => flat(c).plans.push({ ...perUser(c).plans[0], id: 'seat-in-flat', pricingModel: 'perUser' }),
      'offers[0].plans[3].pricingModel',
      /all plans of an offer share one pricing model/,
    ],
    ['an unknown pricing model', (c) => (flat(c).pricingModel = 'tiered'), 'offers[0].pricingModel', /flatRate.*perUser/],
    [
      'more than 30 dimensions in an offer',
      (c) => (flat(c).dimensions = [...flat(c).dimensions, ...dims(29)]),
      'offers[0].dimensions',
      /31 dimensions.*at most 30/,
    ],
    [
      'a dimension id Partner Center would not take',
      (c) => (flat(c).dimensions[1].id = 'Premium Messages'),
      'offers[0].dimensions[1].id',
      /lowercase letters, digits, dashes or underscores/,
    ],
    [
      'a dimension id longer than 50 characters',
      (c) => (flat(c).dimensions[1].id = 'p'.repeat(51)),
      'offers[0].dimensions[1].id',
      /up to 50/,
    ],
    [
      'the same dimension id twice',
      (c) => flat(c).dimensions.push({ ...flat(c).dimensions[0] }),
      'offers[0].dimensions[2].id',
      /appears twice/,
    ],
    [
      'a dimension without its unit of measure',
      (c) => delete flat(c).dimensions[0].unitOfMeasure,
      'offers[0].dimensions[0].unitOfMeasure',
      /non-empty string/,
    ],
    [
      'a non-integer included quantity',
      (c) => (flat(c).plans[1].dimensions.messages.included = 10.5),
      'offers[0].plans[1].dimensions.messages.included',
      /integer ≥ 0 or "unlimited"/,
    ],
    [
      'a negative price per unit',
      (c) => (flat(c).plans[1].dimensions.messages.pricePerUnit = -1),
      'offers[0].plans[1].dimensions.messages.pricePerUnit',
      /number ≥ 0/,
    ],
    [
      'a metered dimension without a price (and no hard cap)',
      (c) => delete flat(c).plans[1].dimensions.messages.pricePerUnit,
      'offers[0].plans[1].dimensions.messages.pricePerUnit',
      /is required/,
    ],
    [
      'a hard cap with a price',
      (c) => (flat(c).plans[0].dimensions.messages.pricePerUnit = 0.01),
      'offers[0].plans[0].dimensions.messages.hardCap',
      /exclude each other/,
    ],
    [
      'metering dimensions on a per-user offer',
      (c) => (perUser(c).dimensions = dims(1)),
      'offers[1].dimensions',
      /not allowed on a per-user offer/,
    ],
    [
      'metering on a per-user plan',
      (c) => (perUser(c).plans[0].dimensions = { messages: { included: 10, pricePerUnit: 0.1 } }),
      'offers[1].plans[0].dimensions',
      /not allowed on a per-user plan/,
    ],
    [
      'user limits on a flat-rate plan',
      (c) => (flat(c).plans[0].maxUsers = 10),
      'offers[0].plans[0].maxUsers',
      /per-user plans only/,
    ],
    [
      'duplicate plan ids across offers',
      (c) => (perUser(c).plans[0].id = 'business'),
      'offers[1].plans[0].id',
      /already the id of offers\[0\]\.plans\[1\].*unique across offers/,
    ],
    ['duplicate offer ids', (c) => (perUser(c).id = flat(c).id), 'offers[1].id', /already the id of offers\[0\]/],
    ['an offer id with capitals', (c) => (flat(c).id = 'Teams-AI'), 'offers[0].id', /offer id/],
    ['a plan id with a space', (c) => (flat(c).plans[2].id = 'big plan'), 'offers[0].plans[2].id', /plan id/],
    ['a missing publisher id', (c) => delete flat(c).publisherId, 'offers[0].publisherId', /publisher id/],
    [
      'a plan referencing an unknown dimension',
      (c) => (flat(c).plans[1].dimensions.tokens = { included: 1, pricePerUnit: 1 }),
      'offers[0].plans[1].dimensions.tokens',
      /not a dimension of offer "teams-ai-assistant"/,
    ],
    [
      'billing rules mapping a usage kind to an unknown dimension',
      (c) => (flat(c).usageDimensions.premium_messages = 'gpt4'),
      'offers[0].usageDimensions.premium_messages',
      /"gpt4", which is not a dimension of the offer/,
    ],
    [
      'two usage kinds on one dimension',
      (c) => (flat(c).plans[1].usageDimensions = { premium_messages: 'messages' }),
      'offers[0].plans[1].usageDimensions.premium_messages',
      /one dimension can carry one usage kind only/,
    ],
    [
      'a plan without the dimension its usage kinds are metered as',
      (c) => delete flat(c).plans[2].dimensions.premium_messages,
      'offers[0].plans[2].dimensions.premium_messages',
      /is required: usageDimensions maps premium_messages to it/,
    ],
    ['a plan without any price', (c) => (flat(c).plans[0].prices = {}), 'offers[0].plans[0].prices', /at least one billing term/],
    ['an unknown billing term', (c) => (flat(c).plans[0].prices = { P6M: 40 }), 'offers[0].plans[0].prices.P6M', /billing term/],
    [
      'a free trial on a plan with metered dimensions',
      (c) => (flat(c).plans[1].freeTrial = true),
      'offers[0].plans[1].freeTrial',
      /metering service/,
    ],
    ['min users above max users', (c) => (perUser(c).plans[0].minUsers = 2000), 'offers[1].plans[0].minUsers', /above maxUsers/],
    ['a fractional user limit', (c) => (perUser(c).plans[0].maxUsers = 2.5), 'offers[1].plans[0].maxUsers', /integer ≥ 1/],
    [
      'a private plan without tenants',
      (c) => (flat(c).plans[2].private = { tenants: [] }),
      'offers[0].plans[2].private.tenants',
      /at least one customer tenant/,
    ],
    [
      'a private plan naming something else than a tenant id',
      (c) => (flat(c).plans[2].private = { tenants: [TENANT, 'contoso.com'] }),
      'offers[0].plans[2].private.tenants[1]',
      /GUID/,
    ],
    [
      'Microsoft licence management on a flat-rate offer',
      (c) => (flat(c).licenseManagement = 'microsoft'),
      'offers[0].licenseManagement',
      /per-user offers only/,
    ],
    [
      'a plan name over 200 characters',
      (c) => (flat(c).plans[0].displayName = 'x'.repeat(201)),
      'offers[0].plans[0].displayName',
      /200/,
    ],
    [
      'an unknown billing rule',
      (c) => (flat(c).plans[0].billingRules = { premiumWords: 3 }),
      'offers[0].plans[0].billingRules.premiumWords',
      /not a known rule/,
    ],
    [
      'Microsoft-managed licences without the plan service id',
      (c) => (perUser(c).licenseManagement = 'microsoft'),
      'offers[1].plans[0].licenseServiceId',
      /is required when Microsoft manages the offer's licences/,
    ],
    [
      'a plan service id on an offer whose licences the publisher manages',
      (c) => (perUser(c).plans[0].licenseServiceId = 'contoso.seat'),
      'offers[1].plans[0].licenseServiceId',
      /licenseManagement "microsoft"/,
    ],
    [
      'a per-user allowance for an unknown usage kind',
      (c) => (perUser(c).plans[0].allowancesPerUser.tokens = 5),
      'offers[1].plans[0].allowancesPerUser.tokens',
      /not a usage kind/,
    ],
  ])('refuses %s', (_, edit, field, message) => {
    const result = checkCatalog(variant(edit));
    expect(result.valid).toBe(false);
    const problem = result.problems.find((p) => p.field === field);
    expect(problem, JSON.stringify(result.problems)).toBeDefined();
    expect(problem!.message.startsWith(field)).toBe(true);
    expect(problem!.message).toMatch(message);
  });

  it('reports every problem of a file at once, and the start refuses it naming them', () => {
    const bad = variant((c) => {
      flat(c).dimensions[0].id = 'Bad Id';
      perUser(c).plans[0].id = 'starter';
    });
    const result = checkCatalog(bad);
    expect(result).toMatchObject({ valid: false, offers: 2, plans: 5 });
    expect(result.problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(['offers[0].dimensions[0].id', 'offers[1].plans[0].id']),
    );
    expect(() => parseCatalog(bad, 'plans.json')).toThrow(
      /^plans\.json: .*offers\[0\]\.dimensions\[0\]\.id.*offers\[1\]\.plans\[0\]\.id/,
    );
  });

  it('accepts a private plan, annual prices and a plan-level mapping of usage kinds', () => {
    const catalog = parseCatalog(
      variant((c) => {
        flat(c).plans.push({
          id: 'contoso-special',
          displayName: 'Contoso special',
          prices: { P1Y: 1200 },
          private: { tenants: [TENANT] },
          dimensions: { messages: { included: 'unlimited' }, premium_messages: { included: 100, pricePerUnit: 0.02 } },
        });
      }),
      'test',
    );
    expect(catalog.get('contoso-special')).toMatchObject({ privateTenants: [TENANT], basePrice: 100, prices: { P1Y: 1200 } });
  });
});
