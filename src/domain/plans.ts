import type { BillingRules, UsageKind } from './billing-rules';
import type { TermUnit } from './partner-center-rules';

/**
 * The catalog as the product uses it: offers (as in Partner Center) and their plans, each plan already turned into
 * what the gate, the recorder and metering need. The publisher's file format and its validation are in
 * catalog-parser.ts.
 */

/** Partner Center's two pricing models; every plan of an offer has its offer's. */
export type PricingModel = 'flatRate' | 'perUser';

/**
 * Who assigns licences of a per-user offer: the publisher (seats, through the bot's `seats` command) or Microsoft
 * (admins assign licences in the Microsoft 365 admin center; the bot checks them with Graph `usageRights`).
 */
export type LicenseManagement = 'publisher' | 'microsoft';

/** A metered billing dimension of an offer: id, display name and unit are shared by all its plans. */
export interface MeteringDimension {
  id: string;
  displayName: string;
  unitOfMeasure: string;
}

/** A dimension as one plan publishes it in Partner Center (an "enabled" dimension of the plan). */
export interface PlanDimension {
  id: string;
  /** Units included per month of the term; `null` = unlimited ("∞": enabled, never emits). */
  included: number | null;
  /** Absent on unlimited dimensions. */
  pricePerUnit?: number;
}

/** What one plan gives for one usage kind in each billing period. */
export interface DimensionAllowance {
  /** Units included per billing period (per user on per-user plans). `null` = unlimited. */
  included: number | null;
  /** Price of one unit beyond `included`, billed through Marketplace metering. Absent = hard cap. */
  overagePrice?: number;
}

export interface Plan {
  /** The Partner Center plan id, unique across the catalog's offers. */
  id: string;
  offerId: string;
  publisherId: string;
  displayName: string;
  description: string;
  pricingModel: PricingModel;
  /** Per-user plan: `quantity` of the subscription is the number of users (seats). */
  isPricePerSeat: boolean;
  minSeats?: number;
  maxSeats?: number;
  /** Price of each billing term the plan offers (per user on per-user plans). */
  prices: Readonly<Partial<Record<TermUnit, number>>>;
  /** Price per month (of the monthly term, else of the shortest term spread over its months): shown and summed. */
  basePrice: number;
  currency: string;
  /** The product's allowances per usage kind (per user on per-user plans). */
  dimensions: Readonly<Record<UsageKind, DimensionAllowance>>;
  /** The offer's dimension id each usage kind is reported as (flat-rate plans; absent: never metered). */
  meteredAs: Readonly<Partial<Record<UsageKind, string>>>;
  /** The dimensions this plan enables in Partner Center, as `listAvailablePlans` should show them. */
  publishedDimensions: readonly PlanDimension[];
  billingRules: BillingRules;
  /** Private plan: the only customer tenants that may buy it. Absent = public. */
  privateTenants?: readonly string[];
  /** A one-month free trial is offered (never on a plan with metered dimensions). */
  freeTrial: boolean;
  licenseManagement: LicenseManagement;
  /** Microsoft-managed licences: the plan's service id, the `serviceIdentifier` of Graph `usageRights`. */
  licenseServiceId?: string;
}

export interface Offer {
  /** The Partner Center offer id (the `offerId` of its subscriptions). */
  id: string;
  publisherId: string;
  displayName: string;
  pricingModel: PricingModel;
  licenseManagement: LicenseManagement;
  dimensions: readonly MeteringDimension[];
  plans: readonly Plan[];
}

export interface PlanCatalog {
  offers: readonly Offer[];
  /** Every plan of every offer. */
  plans: readonly Plan[];
  /** Plan ids are unique across offers (validated), so the id alone finds a plan. */
  get(planId: string): Plan | undefined;
  offer(offerId: string): Offer | undefined;
}

/** Included units for the whole tenant this period; `null` = unlimited. Per-user plans pool their per-user units. */
export function includedUnits(plan: Plan, dimension: UsageKind, seats: number | undefined): number | null {
  const allowance = plan.dimensions[dimension];
  if (allowance.included === null) return null;
  return plan.isPricePerSeat ? allowance.included * Math.max(0, seats ?? 0) : allowance.included;
}

/**
 * Whether units beyond the allowance are served and billed. Marketplace meters flat-rate plans only, so per-user
 * plans never have overage; an unlimited dimension has nothing to bill.
 */
export function hasOverage(plan: Plan, dimension: UsageKind): boolean {
  const allowance = plan.dimensions[dimension];
  return !plan.isPricePerSeat && allowance.included !== null && allowance.overagePrice !== undefined;
}

/**
 * The dimension id a metering event for this kind carries. A plan that no longer is in the catalog, or a kind the
 * plan does not meter, falls back to the kind itself: the Metering API then answers InvalidDimension, which shows
 * the hour to the operator as failed rather than losing it.
 */
export function meteringDimensionId(plan: Plan | undefined, kind: UsageKind): string {
  return plan?.meteredAs[kind] ?? kind;
}

/**
 * The plan of a subscription: its plan id within its offer. A plan id of one of our offers on a subscription of
 * another of our offers is no plan (Partner Center never moves a subscription across offers). A subscription whose
 * offer the catalog does not know (stored before catalogs had offers, or with an offer id since renamed) is found by
 * its plan id alone, which is unique across the catalog.
 */
export function planOf(catalog: PlanCatalog, subscription: { offerId?: string; planId: string }): Plan | undefined {
  const plan = catalog.get(subscription.planId);
  if (!plan || !subscription.offerId || !catalog.offer(subscription.offerId)) return plan;
  return plan.offerId === subscription.offerId ? plan : undefined;
}

/** Whether a customer tenant may buy the plan (private plans name their tenants). */
export function isPlanVisibleTo(plan: Plan, tenantId: string | undefined): boolean {
  if (!plan.privateTenants) return true;
  return tenantId !== undefined && plan.privateTenants.some((t) => t.toLowerCase() === tenantId.toLowerCase());
}

export function makeCatalog(offers: readonly Offer[]): PlanCatalog {
  const plans = offers.flatMap((o) => o.plans);
  const byId = new Map(plans.map((p) => [p.id, p]));
  const offersById = new Map(offers.map((o) => [o.id, o]));
  return Object.freeze({
    offers: Object.freeze([...offers]),
    plans: Object.freeze(plans),
    get: (planId: string) => byId.get(planId),
    offer: (offerId: string) => offersById.get(offerId),
  });
}
