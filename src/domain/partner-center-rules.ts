/**
 * What Partner Center accepts for a SaaS offer, as documented (README "Catalog" cites each source). The catalog
 * validation applies these; nothing else in the product should hard-code them.
 */

/** Billing terms a plan may price (Fulfillment API `termUnit`). */
export const TERM_UNITS = ['P1M', 'P1Y', 'P2Y', 'P3Y'] as const;
export type TermUnit = (typeof TERM_UNITS)[number];
/** Months in each term: to show a monthly price for a plan sold only per year. */
export const TERM_MONTHS: Readonly<Record<TermUnit, number>> = { P1M: 1, P1Y: 12, P2Y: 24, P3Y: 36 };

/**
 * Offer and plan ids: "up to 50 lowercase alphanumeric characters, dashes, or underscores" ("Create plans for a SaaS
 * offer"). Partner Center documents no format for dimension ids; they are held to the same one, which every id
 * Partner Center accepts elsewhere meets, so a catalog valid here is not refused there for its ids.
 */
export const ID_PATTERN = /^[a-z0-9_-]{1,50}$/;
export const ID_RULE = 'up to 50 lowercase letters, digits, dashes or underscores';

/** "The maximum number of dimensions that can be configured for a single offer is 30 unique dimensions." */
export const MAX_DIMENSIONS_PER_OFFER = 30;
/** Plan name: at most 200 characters; plan description: at most 3,000. */
export const MAX_PLAN_NAME = 200;
export const MAX_PLAN_DESCRIPTION = 3000;
/** A private plan names at least one customer tenant; up to 20,000 through the audience CSV (10 typed by hand). */
export const MAX_PRIVATE_TENANTS = 20_000;
/** Free trials last one month ("Allow a one-month free trial"). */
export const FREE_TRIAL_MONTHS = 1;

export const TENANT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
