import { DAY } from '../../domain/clock';
import { addMonthsClamped } from '../../domain/periods';
import { TERM_MONTHS } from '../../domain/partner-center-rules';
import type { MeteringDimension, Plan } from '../../domain/plans';
import type { MarketplacePlan, TermUnit } from './emulator-types';

/**
 * Our catalog as the Marketplace shows it: a plan in `listAvailablePlans`' shape, and the monthly term a
 * subscription gets when it starts or renews.
 */

/** A monthly term from `start`'s UTC day: endDate is the last day of the term (start + 1 month − 1 day). */
export function monthlyTerm(start: Date): { startDate: string; endDate: string; termUnit: 'P1M' } {
  const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
  return {
    startDate: day.toISOString(),
    endDate: new Date(addMonthsClamped(day, 1).getTime() - DAY).toISOString(),
    termUnit: 'P1M',
  };
}

/** A plan as `listAvailablePlans` shows it: Partner Center's view of our catalog entry. */
export function toMarketplacePlan(plan: Plan, dimensions: readonly MeteringDimension[] = []): MarketplacePlan {
  const metered = plan.publishedDimensions;
  const described = (id: string) => dimensions.find((d) => d.id === id);
  return {
    planId: plan.id,
    displayName: plan.displayName,
    description: plan.description,
    isPrivate: plan.privateTenants !== undefined,
    isStopSell: false,
    hasFreeTrials: plan.freeTrial,
    isPricePerSeat: plan.isPricePerSeat,
    ...(plan.isPricePerSeat
      ? { minQuantity: plan.minSeats ?? 1, ...(plan.maxSeats === undefined ? {} : { maxQuantity: plan.maxSeats }) }
      : {}),
    planComponents: {
      recurrentBillingTerms: (Object.entries(plan.prices) as [TermUnit, number][]).map(([termUnit, price]) => ({
        termUnit,
        price,
        currency: plan.currency,
        // Included quantities are per month in the catalog; Partner Center states them per term.
        meteredQuantityIncluded: metered.map((d) => ({
          dimensionId: d.id,
          units: d.included === null ? 'Unlimited' : String(d.included * TERM_MONTHS[termUnit]),
        })),
      })),
      meteringDimensions: metered.map((d) => ({
        id: d.id,
        currency: plan.currency,
        pricePerUnit: d.pricePerUnit ?? 0,
        unitOfMeasure: described(d.id)?.unitOfMeasure ?? 'Unit',
        displayName: described(d.id)?.displayName ?? d.id,
      })),
    },
  };
}
