import { AppError } from '../../domain/errors';
import { isPlanVisibleTo, type MeteringDimension, type Plan } from '../../domain/plans';
import type { EmulatorSubscription, MarketplacePlan } from './emulator-types';
import { toMarketplacePlan } from './marketplace-plan-view';

/**
 * What Partner Center has published for the emulator: the plans, each in its offer, and the offers' dimensions; and
 * the rules a purchase or a change must meet against them (a plan of the subscription's offer and audience, seats
 * within the plan's bounds). Rule violations throw `AppError('BadRequest')`.
 */
export class PartnerCenterCatalog {
  private plans: readonly Plan[];
  private dimensions: readonly MeteringDimension[];

  constructor(
    plans: readonly Plan[],
    dimensions: readonly MeteringDimension[],
    /** Offer of plans that name none. */
    private readonly offerId: string,
  ) {
    this.plans = plans;
    this.dimensions = dimensions;
  }

  /** Partner Center now has these plans (tests of the catalog drift report). Subscriptions keep their plan ids. */
  publish(plans: readonly Plan[], dimensions?: readonly MeteringDimension[]): void {
    this.plans = plans;
    if (dimensions) this.dimensions = dimensions;
  }

  plan(planId: string): Plan | undefined {
    return this.plans.find((p) => p.id === planId);
  }

  /** The plans of the subscription's offer its beneficiary may have: private plans only for their tenants. */
  availablePlans(sub: EmulatorSubscription): MarketplacePlan[] {
    return this.plans
      .filter((p) => this.offerOf(p) === sub.offerId && isPlanVisibleTo(p, sub.beneficiary.tenantId))
      .map((p) => toMarketplacePlan(p, this.dimensions));
  }

  requirePlan(planId: unknown): Plan {
    const plan = typeof planId === 'string' ? this.plans.find((p) => p.id === planId) : undefined;
    if (!plan) throw new AppError('BadRequest', `Plan ${String(planId)} is not a plan of any offer.`);
    return plan;
  }

  /** A plan change stays within the subscription's offer, and a private plan within its audience. */
  requirePlanFor(sub: EmulatorSubscription, planId: unknown): Plan {
    const plan = this.requirePlan(planId);
    if (this.offerOf(plan) !== sub.offerId || !isPlanVisibleTo(plan, sub.beneficiary.tenantId))
      throw new AppError('BadRequest', `Plan ${plan.id} is not a plan of offer ${sub.offerId} available to this subscription.`);
    return plan;
  }

  offerOf(plan: Plan): string {
    return plan.offerId || this.offerId;
  }

  /**
   * Seats for a per-seat plan (checked against its bounds; default its minimum), none for a flat-rate plan. With
   * `fit`, an out-of-range carried-over quantity is moved into the bounds instead of refused (a plan change).
   */
  quantityFor(plan: Plan, requested: number | undefined, fit = false): { quantity?: number } {
    if (!plan.isPricePerSeat) return {};
    const min = plan.minSeats ?? 1;
    const max = plan.maxSeats ?? Number.MAX_SAFE_INTEGER;
    if (requested === undefined) return { quantity: min };
    if (fit) return { quantity: Math.min(max, Math.max(min, Math.round(requested))) };
    if (!Number.isInteger(requested) || requested < min || requested > max) {
      throw new AppError(
        'BadRequest',
        `The quantity of plan ${plan.id} must be an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'any' : max}.`,
      );
    }
    return { quantity: requested };
  }

  checkSeatChange(sub: EmulatorSubscription, quantity: unknown): number {
    const plan = this.requirePlan(sub.planId);
    if (!plan.isPricePerSeat)
      throw new AppError('BadRequest', `Plan ${plan.id} is not priced per seat: its quantity cannot change.`);
    if (typeof quantity !== 'number') throw new AppError('BadRequest', 'The quantity must be an integer.');
    const checked = this.quantityFor(plan, quantity).quantity!;
    if (checked === sub.quantity)
      throw new AppError('BadRequest', `The subscription already has ${checked} ${checked === 1 ? 'seat' : 'seats'}.`);
    return checked;
  }
}
