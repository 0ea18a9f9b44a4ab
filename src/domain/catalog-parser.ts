import { AppError } from './errors';
import { DEFAULT_BILLING_RULES, USAGE_KINDS, isUsageKind, type BillingRules, type UsageKind } from './billing-rules';
import {
  ID_PATTERN,
  ID_RULE,
  MAX_DIMENSIONS_PER_OFFER,
  MAX_PLAN_DESCRIPTION,
  MAX_PLAN_NAME,
  MAX_PRIVATE_TENANTS,
  TENANT_ID_PATTERN,
  TERM_MONTHS,
  TERM_UNITS,
  type TermUnit,
} from './partner-center-rules';
import {
  makeCatalog,
  type DimensionAllowance,
  type LicenseManagement,
  type MeteringDimension,
  type Offer,
  type Plan,
  type PlanCatalog,
  type PlanDimension,
  type PricingModel,
} from './plans';

/** One problem of a catalog file: the JSON path of the offending field and what is wrong with it. */
export interface CatalogProblem {
  field: string;
  message: string;
}

export type CatalogCheck =
  | { valid: true; catalog: PlanCatalog; problems: [] }
  | { valid: false; problems: CatalogProblem[]; offers: number; plans: number };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const PRICING_MODELS: readonly PricingModel[] = ['flatRate', 'perUser'];
const LICENSE_MANAGEMENT: readonly LicenseManagement[] = ['publisher', 'microsoft'];
const UNLIMITED = 'unlimited';

/**
 * Checks a publisher's catalog (parsed JSON) against what Partner Center accepts and what the product needs, and
 * turns it into the catalog the product uses. Every problem is reported (not only the first), each naming its field.
 *
 * Format (README "Catalog"): `{ currency?, offers: [{ id, publisherId, displayName?, pricingModel, licenseManagement?,
 * dimensions?: [{id, displayName, unitOfMeasure}], usageDimensions?: {messages?, premium_messages?}, plans: [...] }] }`;
 * a flat-rate plan: `{ id, displayName, description?, pricingModel?, prices: {P1M?, P1Y?, …}, dimensions?: {<id>:
 * {included, pricePerUnit} | {included: "unlimited"} | {included, hardCap: true}}, usageDimensions?, billingRules?,
 * private?: {tenants: [...]}, freeTrial? }`; a per-user plan: `{ …, minUsers?, maxUsers?, allowancesPerUser?:
 * {messages?, premium_messages?} }`.
 */
export function checkCatalog(input: unknown): CatalogCheck {
  const problems: CatalogProblem[] = [];
  const fail = (field: string, message: string) => problems.push({ field, message: `${field} ${message}` });
  const root = isObject(input) ? input : {};
  const rawOffers = Array.isArray(root.offers) ? root.offers : [];
  if (!isObject(input)) fail('(root)', 'must be a JSON object');
  else if (!Array.isArray(root.offers) || rawOffers.length === 0)
    fail('offers', 'must be a non-empty array (a catalog holds one or more Partner Center offers)');
  const defaultCurrency = typeof root.currency === 'string' ? root.currency : 'EUR';
  if (root.currency !== undefined && (typeof root.currency !== 'string' || !/^[A-Z]{3}$/.test(root.currency)))
    fail('currency', 'must be an ISO 4217 code such as "EUR"');

  const offerIds = new Map<string, string>();
  const planIds = new Map<string, string>();
  const offers: Offer[] = [];
  let planCount = 0;
  rawOffers.forEach((raw, o) => {
    const at = `offers[${o}]`;
    if (!isObject(raw)) return fail(at, 'must be an object');
    const offer = parseOffer(raw, at, { fail, defaultCurrency, planIds });
    planCount += Array.isArray(raw.plans) ? raw.plans.length : 0;
    if (!offer) return;
    const first = offerIds.get(offer.id);
    if (first) fail(`${at}.id`, `"${offer.id}" is already the id of ${first}`);
    offerIds.set(offer.id, at);
    offers.push(offer);
  });
  if (problems.length > 0) return { valid: false, problems, offers: rawOffers.length, plans: planCount };
  return { valid: true, catalog: makeCatalog(offers), problems: [] };
}

/** Like `checkCatalog`, for the start: a bad catalog stops the process with every problem named. */
export function parseCatalog(input: unknown, source: string): PlanCatalog {
  const checked = checkCatalog(input);
  if (!checked.valid) {
    throw new AppError('ConfigInvalid', `${source}: ${checked.problems.map((p) => p.message).join('; ')}`);
  }
  return checked.catalog;
}

interface Context {
  fail: (field: string, message: string) => void;
  defaultCurrency: string;
  /** Plan id → where it was first seen: plan ids are unique across offers (the store and the gate key on them). */
  planIds: Map<string, string>;
}

function parseOffer(raw: Json, at: string, ctx: Context): Offer | undefined {
  const { fail } = ctx;
  const id = checkId(raw.id, `${at}.id`, fail, 'the Partner Center offer id');
  const publisherId = checkId(raw.publisherId, `${at}.publisherId`, fail, 'the Partner Center publisher id');
  const pricingModel = raw.pricingModel;
  if (!PRICING_MODELS.includes(pricingModel as PricingModel))
    fail(`${at}.pricingModel`, `must be "flatRate" or "perUser" (Partner Center's pricing models)`);
  const licenseManagement = (raw.licenseManagement ?? 'publisher') as LicenseManagement;
  if (!LICENSE_MANAGEMENT.includes(licenseManagement)) fail(`${at}.licenseManagement`, 'must be "publisher" or "microsoft"');
  else if (licenseManagement === 'microsoft' && pricingModel === 'flatRate')
    fail(`${at}.licenseManagement`, '"microsoft" is possible on per-user offers only');
  const currency = typeof raw.currency === 'string' ? raw.currency : ctx.defaultCurrency;

  const dimensions = parseDimensions(raw.dimensions, at, pricingModel as PricingModel, fail);
  const dimensionIds = new Set(dimensions.map((d) => d.id));
  const usageDimensions = parseUsageDimensions(raw.usageDimensions, `${at}.usageDimensions`, dimensionIds, fail);
  if (pricingModel === 'perUser' && raw.usageDimensions !== undefined)
    fail(`${at}.usageDimensions`, 'is not allowed on a per-user offer (Marketplace meters flat-rate plans only)');

  if (!Array.isArray(raw.plans) || raw.plans.length === 0) {
    fail(`${at}.plans`, 'must be a non-empty array');
    return undefined;
  }
  const plans: Plan[] = [];
  raw.plans.forEach((p, i) => {
    const planAt = `${at}.plans[${i}]`;
    if (!isObject(p)) return fail(planAt, 'must be an object');
    const plan = parsePlan(p, planAt, {
      ...ctx,
      offerId: id ?? '',
      publisherId: publisherId ?? '',
      pricingModel: pricingModel as PricingModel,
      licenseManagement,
      currency,
      dimensionIds,
      usageDimensions,
    });
    if (plan) plans.push(plan);
  });
  if (!id || !publisherId) return undefined;
  return Object.freeze({
    id,
    publisherId,
    displayName: typeof raw.displayName === 'string' ? raw.displayName : id,
    pricingModel: pricingModel as PricingModel,
    licenseManagement,
    dimensions: Object.freeze(dimensions),
    plans: Object.freeze(plans),
  });
}

function parseDimensions(value: unknown, at: string, pricingModel: PricingModel, fail: Context['fail']): MeteringDimension[] {
  if (value === undefined) return [];
  if (pricingModel === 'perUser') {
    fail(`${at}.dimensions`, 'is not allowed on a per-user offer (Marketplace meters flat-rate plans only)');
    return [];
  }
  if (!Array.isArray(value)) {
    fail(`${at}.dimensions`, 'must be an array of {id, displayName, unitOfMeasure}');
    return [];
  }
  if (value.length > MAX_DIMENSIONS_PER_OFFER)
    fail(
      `${at}.dimensions`,
      `has ${value.length} dimensions; Partner Center allows at most ${MAX_DIMENSIONS_PER_OFFER} per offer`,
    );
  const seen = new Set<string>();
  const dimensions: MeteringDimension[] = [];
  value.forEach((d, i) => {
    const dimAt = `${at}.dimensions[${i}]`;
    if (!isObject(d)) return fail(dimAt, 'must be an object');
    const id = checkId(d.id, `${dimAt}.id`, fail, 'the dimension id metering events carry');
    if (id && seen.has(id)) fail(`${dimAt}.id`, `"${id}" appears twice in the offer`);
    if (id) seen.add(id);
    for (const key of ['displayName', 'unitOfMeasure'] as const) {
      if (typeof d[key] !== 'string' || d[key].trim() === '')
        fail(`${dimAt}.${key}`, 'must be a non-empty string (it cannot change once published)');
    }
    if (id) dimensions.push({ id, displayName: typeof d.displayName === 'string' ? d.displayName : id, unitOfMeasure: typeof d.unitOfMeasure === 'string' ? d.unitOfMeasure : '' });
  });
  return dimensions;
}

/** Which dimension each usage kind is metered as; two kinds on one dimension would emit two events for one hour. */
function parseUsageDimensions(
  value: unknown,
  at: string,
  dimensionIds: ReadonlySet<string>,
  fail: Context['fail'],
): Partial<Record<UsageKind, string>> {
  if (value === undefined) return {};
  if (!isObject(value)) {
    fail(at, `must map usage kinds (${USAGE_KINDS.join(', ')}) to dimension ids`);
    return {};
  }
  const mapping: Partial<Record<UsageKind, string>> = {};
  const used = new Map<string, string>();
  for (const [kind, dim] of Object.entries(value)) {
    if (!isUsageKind(kind)) {
      fail(`${at}.${kind}`, `is not a usage kind (${USAGE_KINDS.join(', ')})`);
      continue;
    }
    if (typeof dim !== 'string' || !dimensionIds.has(dim)) {
      fail(`${at}.${kind}`, `refers to ${JSON.stringify(dim)}, which is not a dimension of the offer`);
      continue;
    }
    const other = used.get(dim);
    if (other) fail(`${at}.${kind}`, `maps to "${dim}" as ${other} does: one dimension can carry one usage kind only`);
    used.set(dim, kind);
    mapping[kind] = dim;
  }
  return mapping;
}

interface PlanContext extends Context {
  offerId: string;
  publisherId: string;
  pricingModel: PricingModel;
  licenseManagement: LicenseManagement;
  currency: string;
  dimensionIds: ReadonlySet<string>;
  usageDimensions: Partial<Record<UsageKind, string>>;
}

function parsePlan(p: Json, at: string, ctx: PlanContext): Plan | undefined {
  const { fail } = ctx;
  const id = checkId(p.id, `${at}.id`, fail, 'the Partner Center plan id');
  if (id) {
    const first = ctx.planIds.get(id);
    if (first) fail(`${at}.id`, `"${id}" is already the id of ${first}: plan ids must be unique across offers`);
    else ctx.planIds.set(id, at);
  }
  const pricingModel = (p.pricingModel ?? ctx.pricingModel) as PricingModel;
  if (p.pricingModel !== undefined && p.pricingModel !== ctx.pricingModel)
    fail(
      `${at}.pricingModel`,
      `is ${JSON.stringify(p.pricingModel)} but the offer's is "${String(ctx.pricingModel)}": all plans of an offer share one pricing model (sell a second offer instead)`,
    );
  const displayName = typeof p.displayName === 'string' ? p.displayName : (id ?? '');
  if (displayName.length > MAX_PLAN_NAME) fail(`${at}.displayName`, `is longer than ${MAX_PLAN_NAME} characters`);
  const description = typeof p.description === 'string' ? p.description : '';
  if (description.length > MAX_PLAN_DESCRIPTION) fail(`${at}.description`, `is longer than ${MAX_PLAN_DESCRIPTION} characters`);

  const prices = parsePrices(p.prices, `${at}.prices`, fail);
  const perUser = pricingModel === 'perUser';
  const billingRules = parseBillingRules(p.billingRules, `${at}.billingRules`, fail);
  const freeTrial = p.freeTrial === true;
  if (p.freeTrial !== undefined && typeof p.freeTrial !== 'boolean') fail(`${at}.freeTrial`, 'must be true or false');
  const privateTenants = parsePrivate(p.private, `${at}.private`, fail);
  const licenseServiceId =
    typeof p.licenseServiceId === 'string' && p.licenseServiceId.trim() !== '' ? p.licenseServiceId : undefined;
  if (ctx.licenseManagement === 'microsoft' && !licenseServiceId)
    fail(
      `${at}.licenseServiceId`,
      "is required when Microsoft manages the offer's licences (the plan's service id, as Graph usageRights names it)",
    );
  else if (ctx.licenseManagement !== 'microsoft' && p.licenseServiceId !== undefined)
    fail(`${at}.licenseServiceId`, 'is for offers whose licences Microsoft manages (licenseManagement "microsoft")');

  let dimensions: Record<UsageKind, DimensionAllowance>;
  let meteredAs: Partial<Record<UsageKind, string>> = {};
  let published: PlanDimension[] = [];
  let seats: { minSeats: number; maxSeats?: number } | undefined;
  if (perUser) {
    for (const key of ['dimensions', 'usageDimensions'] as const) {
      if (p[key] !== undefined)
        fail(`${at}.${key}`, 'is not allowed on a per-user plan (Marketplace meters flat-rate plans only)');
    }
    dimensions = parsePerUserAllowances(p.allowancesPerUser, `${at}.allowancesPerUser`, fail);
    seats = parseUserLimits(p, at, fail);
  } else {
    for (const key of ['minUsers', 'maxUsers', 'allowancesPerUser'] as const) {
      if (p[key] !== undefined) fail(`${at}.${key}`, 'is for per-user plans only');
    }
    const own = parseUsageDimensions(p.usageDimensions, `${at}.usageDimensions`, ctx.dimensionIds, fail);
    const mapping = { ...ctx.usageDimensions, ...own };
    for (const kind of Object.keys(own) as UsageKind[]) {
      const other = USAGE_KINDS.find((k) => k !== kind && mapping[k] === mapping[kind]);
      if (other)
        fail(
          `${at}.usageDimensions.${kind}`,
          `maps to "${mapping[kind]}" as ${other} does: one dimension can carry one usage kind only`,
        );
    }
    const flat = parseFlatRateDimensions(p.dimensions, at, ctx, mapping);
    dimensions = flat.allowances;
    meteredAs = flat.meteredAs;
    published = flat.published;
    if (freeTrial && published.length > 0)
      fail(
        `${at}.freeTrial`,
        'is not possible on a plan with metered dimensions (Partner Center: a free trial "isn\'t available for plans that use the marketplace metering service")',
      );
  }
  if (!id) return undefined;
  return Object.freeze({
    id,
    offerId: ctx.offerId,
    publisherId: ctx.publisherId,
    displayName,
    description,
    pricingModel,
    isPricePerSeat: perUser,
    ...(seats ?? {}),
    prices: Object.freeze(prices),
    basePrice: monthlyPrice(prices),
    currency: typeof p.currency === 'string' ? p.currency : ctx.currency,
    dimensions: Object.freeze(dimensions),
    meteredAs: Object.freeze(meteredAs),
    publishedDimensions: Object.freeze(published),
    billingRules: Object.freeze(billingRules),
    ...(privateTenants ? { privateTenants: Object.freeze(privateTenants) } : {}),
    freeTrial,
    licenseManagement: ctx.licenseManagement,
    ...(licenseServiceId ? { licenseServiceId } : {}),
  });
}

function parsePrices(value: unknown, at: string, fail: Context['fail']): Partial<Record<TermUnit, number>> {
  const prices: Partial<Record<TermUnit, number>> = {};
  if (!isObject(value) || Object.keys(value).length === 0) {
    fail(at, `must give the price of at least one billing term (${TERM_UNITS.join(', ')}); it can be 0`);
    return prices;
  }
  for (const [term, price] of Object.entries(value)) {
    if (!(TERM_UNITS as readonly string[]).includes(term)) {
      fail(`${at}.${term}`, `is not a Partner Center billing term (${TERM_UNITS.join(', ')})`);
      continue;
    }
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
      fail(`${at}.${term}`, 'must be a number ≥ 0');
      continue;
    }
    prices[term as TermUnit] = price;
  }
  return prices;
}

function monthlyPrice(prices: Partial<Record<TermUnit, number>>): number {
  const term = TERM_UNITS.find((t) => prices[t] !== undefined);
  return term ? Math.round((prices[term]! / TERM_MONTHS[term]) * 100) / 100 : 0;
}

function parseFlatRateDimensions(
  value: unknown,
  at: string,
  ctx: PlanContext,
  mapping: Partial<Record<UsageKind, string>>,
): {
  allowances: Record<UsageKind, DimensionAllowance>;
  meteredAs: Partial<Record<UsageKind, string>>;
  published: PlanDimension[];
} {
  const { fail } = ctx;
  const entries =
    value === undefined
      ? {}
      : isObject(value)
        ? value
        : (fail(`${at}.dimensions`, 'must be an object keyed by dimension id'), {});
  const byId = new Map<string, { included: number | null; pricePerUnit?: number; hardCap: boolean }>();
  const published: PlanDimension[] = [];
  for (const [dimId, raw] of Object.entries(entries)) {
    const dimAt = `${at}.dimensions.${dimId}`;
    if (!ctx.dimensionIds.has(dimId)) {
      fail(dimAt, `is not a dimension of offer "${ctx.offerId}" (declare it in the offer's dimensions)`);
      continue;
    }
    if (!isObject(raw)) {
      fail(dimAt, 'must be an object');
      continue;
    }
    const included = parseIncluded(raw.included, `${dimAt}.included`, fail);
    const hardCap = raw.hardCap === true;
    const price = raw.pricePerUnit;
    if (price !== undefined && (typeof price !== 'number' || !Number.isFinite(price) || price < 0)) {
      fail(`${dimAt}.pricePerUnit`, 'must be a number ≥ 0');
      continue;
    }
    if (hardCap && price !== undefined)
      fail(
        `${dimAt}.hardCap`,
        'and pricePerUnit exclude each other: a hard cap is never billed (the dimension is not enabled on the plan)',
      );
    if (hardCap && included === null) fail(`${dimAt}.hardCap`, 'needs a finite included quantity');
    if (!hardCap && included !== null && price === undefined)
      fail(`${dimAt}.pricePerUnit`, 'is required (or "hardCap": true, or "included": "unlimited")');
    if (included === undefined) continue;
    const entry = { included, hardCap, ...(typeof price === 'number' ? { pricePerUnit: price } : {}) };
    byId.set(dimId, entry);
    // A hard cap is a limit of the product only: Partner Center does not have the dimension on this plan.
    if (!hardCap)
      published.push({ id: dimId, included, ...(included !== null && typeof price === 'number' ? { pricePerUnit: price } : {}) });
  }
  const allowances = {} as Record<UsageKind, DimensionAllowance>;
  const meteredAs: Partial<Record<UsageKind, string>> = {};
  for (const kind of USAGE_KINDS) {
    const dimId = mapping[kind];
    // A kind the offer does not meter is not limited by it.
    if (!dimId) {
      allowances[kind] = { included: null };
      continue;
    }
    const entry = byId.get(dimId);
    if (!entry) {
      if (!(isObject(entries) && dimId in entries))
        fail(`${at}.dimensions.${dimId}`, `is required: usageDimensions maps ${kind} to it`);
      allowances[kind] = { included: null };
      continue;
    }
    if (entry.hardCap || entry.included === null) allowances[kind] = { included: entry.included };
    else allowances[kind] = { included: entry.included, overagePrice: entry.pricePerUnit! };
    if (!entry.hardCap) meteredAs[kind] = dimId;
  }
  return { allowances, meteredAs, published };
}

/** Included quantities are integers ≥ 0 or "unlimited" (Partner Center: "must be an integer. It can be 0 or unlimited"). */
function parseIncluded(value: unknown, at: string, fail: Context['fail']): number | null | undefined {
  if (value === UNLIMITED || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail(at, `must be an integer ≥ 0 or "${UNLIMITED}"`);
    return undefined;
  }
  return value;
}

function parsePerUserAllowances(value: unknown, at: string, fail: Context['fail']): Record<UsageKind, DimensionAllowance> {
  const allowances = Object.fromEntries(USAGE_KINDS.map((k) => [k, { included: null }])) as Record<UsageKind, DimensionAllowance>;
  if (value === undefined) return allowances;
  if (!isObject(value)) {
    fail(at, `must map usage kinds (${USAGE_KINDS.join(', ')}) to units per user`);
    return allowances;
  }
  for (const [kind, included] of Object.entries(value)) {
    if (!isUsageKind(kind)) {
      fail(`${at}.${kind}`, `is not a usage kind (${USAGE_KINDS.join(', ')})`);
      continue;
    }
    const parsed = parseIncluded(included, `${at}.${kind}`, fail);
    if (parsed !== undefined) allowances[kind] = { included: parsed };
  }
  return allowances;
}

function parseUserLimits(p: Json, at: string, fail: Context['fail']): { minSeats: number; maxSeats?: number } {
  const limit = (key: 'minUsers' | 'maxUsers'): number | undefined => {
    const v = p[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      fail(`${at}.${key}`, 'must be an integer ≥ 1');
      return undefined;
    }
    return v;
  };
  const minSeats = limit('minUsers') ?? 1;
  const maxSeats = limit('maxUsers');
  if (maxSeats !== undefined && minSeats > maxSeats) fail(`${at}.minUsers`, 'is above maxUsers');
  return { minSeats, ...(maxSeats === undefined ? {} : { maxSeats }) };
}

function parsePrivate(value: unknown, at: string, fail: Context['fail']): string[] | undefined {
  if (value === undefined || value === false) return undefined;
  const tenants = isObject(value) ? value.tenants : undefined;
  if (!Array.isArray(tenants) || tenants.length === 0) {
    fail(`${at}.tenants`, 'must name at least one customer tenant id (a private plan is sold only to them)');
    return undefined;
  }
  if (tenants.length > MAX_PRIVATE_TENANTS) fail(`${at}.tenants`, `has more than ${MAX_PRIVATE_TENANTS} tenants`);
  tenants.forEach((t, i) => {
    if (typeof t !== 'string' || !TENANT_ID_PATTERN.test(t)) fail(`${at}.tenants[${i}]`, 'must be an Entra tenant id (a GUID)');
  });
  return tenants.filter((t): t is string => typeof t === 'string');
}

function parseBillingRules(value: unknown, at: string, fail: Context['fail']): BillingRules {
  const rules: BillingRules = { ...DEFAULT_BILLING_RULES };
  if (value === undefined) return rules;
  if (!isObject(value)) {
    fail(at, 'must be an object');
    return rules;
  }
  for (const key of Object.keys(value) as (keyof BillingRules)[]) {
    const v = value[key];
    if (!(key in DEFAULT_BILLING_RULES)) fail(`${at}.${key}`, 'is not a known rule');
    else if (key === 'attachmentsArePremium') {
      if (typeof v !== 'boolean') fail(`${at}.${key}`, 'must be true or false');
      else rules.attachmentsArePremium = v;
    } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`${at}.${key}`, 'must be a number ≥ 0');
    else if (key === 'tokensPerUnit' && v < 1) fail(`${at}.${key}`, 'must be ≥ 1');
    else rules[key] = v;
  }
  return rules;
}

function checkId(value: unknown, at: string, fail: Context['fail'], what: string): string | undefined {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    fail(at, `must be ${what}: ${ID_RULE} (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return value;
}
