import { AppError } from './errors';
import { DEFAULT_BILLING_RULES, DIMENSIONS, type BillingRules, type Dimension } from './billing-rules';

/** What one plan gives for one dimension in each billing period. */
export interface DimensionAllowance {
  /** Units included per billing period (per seat on per-seat plans). `null` = unlimited. */
  included: number | null;
  /** Price of one unit beyond `included`, billed through Marketplace metering. Absent = hard cap. */
  overagePrice?: number;
}

export interface Plan {
  /** The Partner Center plan id: configuration, not code. */
  id: string;
  displayName: string;
  description: string;
  /** Per-seat plan: `quantity` of the subscription is the number of seats. */
  isPricePerSeat: boolean;
  minSeats?: number;
  maxSeats?: number;
  /** Monthly base price (per seat on per-seat plans). */
  basePrice: number;
  currency: string;
  dimensions: Record<Dimension, DimensionAllowance>;
  billingRules: BillingRules;
}

export interface PlanCatalog {
  plans: readonly Plan[];
  get(planId: string): Plan | undefined;
}

/** Included units for the whole tenant this period; `null` = unlimited. Seat plans pool their per-seat units. */
export function includedUnits(plan: Plan, dimension: Dimension, seats: number | undefined): number | null {
  const allowance = plan.dimensions[dimension];
  if (allowance.included === null) return null;
  return plan.isPricePerSeat ? allowance.included * Math.max(0, seats ?? 0) : allowance.included;
}

/**
 * Whether units beyond the allowance are served and billed. Marketplace meters flat-rate plans only, so seat plans
 * never have overage; an unlimited dimension has nothing to bill.
 */
export function hasOverage(plan: Plan, dimension: Dimension): boolean {
  const allowance = plan.dimensions[dimension];
  return !plan.isPricePerSeat && allowance.included !== null && allowance.overagePrice !== undefined;
}

export function makeCatalog(plans: readonly Plan[]): PlanCatalog {
  const byId = new Map(plans.map((p) => [p.id, p]));
  return Object.freeze({ plans: Object.freeze([...plans]), get: (planId: string) => byId.get(planId) });
}

/**
 * Validates an operator-supplied catalog (parsed JSON) and fills defaults. Throws `ConfigInvalid` naming the
 * offending field, so a bad file stops the start with a clear message.
 */
export function parseCatalog(input: unknown, source: string): PlanCatalog {
  const fail = (where: string, what: string): never => {
    throw new AppError('ConfigInvalid', `${source}: ${where} ${what}`);
  };
  const root = input as { plans?: unknown; currency?: unknown };
  if (!root || typeof root !== 'object' || !Array.isArray(root.plans) || root.plans.length === 0) {
    fail('"plans"', 'must be a non-empty array');
  }
  const defaultCurrency = typeof root.currency === 'string' ? root.currency : 'EUR';
  const seen = new Set<string>();
  const plans = (root.plans as unknown[]).map((raw, index): Plan => {
    const p = raw as Record<string, unknown>;
    const at = `plans[${index}]`;
    if (!p || typeof p !== 'object') fail(at, 'must be an object');
    const id = p.id;
    if (typeof id !== 'string' || id.trim() === '') fail(`${at}.id`, 'must be a non-empty string (the Partner Center plan id)');
    if (seen.has(id as string)) fail(`${at}.id`, `"${id}" appears twice`);
    seen.add(id as string);
    const isPricePerSeat = p.isPricePerSeat === true;
    const num = (key: string, value: unknown, optional = false): number | undefined => {
      if (value === undefined && optional) return undefined;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(`${at}.${key}`, 'must be a number ≥ 0');
      return value as number;
    };
    const rawDims = (p.dimensions ?? {}) as Record<string, unknown>;
    if (typeof rawDims !== 'object') fail(`${at}.dimensions`, 'must be an object');
    for (const key of Object.keys(rawDims)) {
      if (!(DIMENSIONS as readonly string[]).includes(key))
        fail(`${at}.dimensions.${key}`, `is not a known dimension (${DIMENSIONS.join(', ')})`);
    }
    const dimensions = {} as Record<Dimension, DimensionAllowance>;
    for (const dim of DIMENSIONS) {
      const d = (rawDims[dim] ?? { included: 0 }) as Record<string, unknown>;
      const included = d.included === null || d.included === 'unlimited' ? null : num(`dimensions.${dim}.included`, d.included);
      const overagePrice = num(`dimensions.${dim}.overagePrice`, d.overagePrice, true);
      if (overagePrice !== undefined && isPricePerSeat) {
        fail(
          `${at}.dimensions.${dim}.overagePrice`,
          'is not allowed on a per-seat plan (Marketplace meters flat-rate plans only)',
        );
      }
      dimensions[dim] =
        overagePrice === undefined ? { included: included ?? null } : { included: included ?? null, overagePrice };
    }
    const rules = (p.billingRules ?? {}) as Record<string, unknown>;
    const billingRules: BillingRules = { ...DEFAULT_BILLING_RULES };
    for (const key of Object.keys(rules) as (keyof BillingRules)[]) {
      if (!(key in DEFAULT_BILLING_RULES)) fail(`${at}.billingRules.${key}`, 'is not a known rule');
      const value = rules[key];
      if (key === 'attachmentsArePremium') {
        if (typeof value !== 'boolean') fail(`${at}.billingRules.${key}`, 'must be true or false');
        billingRules.attachmentsArePremium = value as boolean;
      } else {
        const n = num(`billingRules.${key}`, value) as number;
        if (key === 'tokensPerUnit' && n < 1) fail(`${at}.billingRules.${key}`, 'must be ≥ 1');
        billingRules[key] = n;
      }
    }
    const minSeats = num('minSeats', p.minSeats, true);
    const maxSeats = num('maxSeats', p.maxSeats, true);
    if (minSeats !== undefined && maxSeats !== undefined && minSeats > maxSeats) fail(`${at}.minSeats`, 'is above maxSeats');
    return Object.freeze({
      id: id as string,
      displayName: typeof p.displayName === 'string' ? p.displayName : (id as string),
      description: typeof p.description === 'string' ? p.description : '',
      isPricePerSeat,
      ...(isPricePerSeat ? { minSeats: minSeats ?? 1, maxSeats } : {}),
      basePrice: num('basePrice', p.basePrice ?? 0) as number,
      currency: typeof p.currency === 'string' ? p.currency : defaultCurrency,
      dimensions: Object.freeze(dimensions),
      billingRules: Object.freeze(billingRules),
    });
  });
  return makeCatalog(plans);
}
