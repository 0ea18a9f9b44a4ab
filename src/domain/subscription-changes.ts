import { planOf, type PlanCatalog } from './plans';
import type { Subscription } from './subscription';

/**
 * Whether a customer-side change can be accepted (DESIGN.md "Webhook"): an unknown plan or a seat count outside
 * the plan's range is refused, and the Marketplace is told so (PATCH `Failure`).
 */
export function planChangeProblem(
  catalog: PlanCatalog,
  planId: string | undefined,
  quantity: number | undefined,
  offerId?: string,
): string | null {
  if (!planId) return 'the operation names no plan';
  // A plan change never leaves the offer (Partner Center changes plans within one offer only).
  const plan = planOf(catalog, { planId, ...(offerId ? { offerId } : {}) });
  if (!plan) return `plan ${planId} is not offered${offerId ? ` in offer ${offerId}` : ''}`;
  if (plan.isPricePerSeat) return seatProblem(plan.minSeats, plan.maxSeats, quantity);
  return null;
}

export function quantityChangeProblem(
  catalog: PlanCatalog,
  subscription: Subscription,
  quantity: number | undefined,
): string | null {
  const plan = planOf(catalog, subscription);
  if (!plan) return `plan ${subscription.planId} is not offered`;
  if (!plan.isPricePerSeat) return `plan ${plan.id} is not priced per seat`;
  return seatProblem(plan.minSeats, plan.maxSeats, quantity);
}

function seatProblem(min: number | undefined, max: number | undefined, quantity: number | undefined): string | null {
  if (quantity === undefined || !Number.isInteger(quantity)) return 'the seat count is missing';
  if (quantity < (min ?? 1)) return `at least ${seatsAre(min ?? 1)} needed`;
  if (max !== undefined && quantity > max) return `at most ${seatsAre(max)} allowed`;
  return null;
}

const seatsAre = (n: number): string => (n === 1 ? '1 seat is' : `${n} seats are`);
