import { isPlanVisibleTo, type PlanCatalog } from './plans';

/** A plan as Partner Center describes it to one subscription (`listAvailablePlans`), in our words. */
export interface PublishedPlan {
  planId: string;
  isPricePerSeat: boolean;
  hasFreeTrials: boolean;
  /** Ids of the plan's metering dimensions. */
  dimensionIds: string[];
}

/**
 * Where the catalog and Partner Center disagree for one subscription: plans or dimensions one has and the other
 * has not, and a plan whose pricing model or free trial differs. Each finding is a sentence for the operator that
 * names the offer, the plan and the dimension. `listAvailablePlans` shows the plans of the subscription's offer that
 * its tenant may have, so only those catalog plans are compared (a private plan of other tenants is not drift).
 */
export function catalogDrift(
  catalog: PlanCatalog,
  subscription: { offerId: string; beneficiaryTenantId?: string },
  published: readonly PublishedPlan[],
): string[] {
  const { offerId } = subscription;
  const offer = catalog.offer(offerId);
  if (!offer) return [`offer ${offerId} is sold in Partner Center but is not in the catalog`];
  const ours = new Map(offer.plans.filter((p) => isPlanVisibleTo(p, subscription.beneficiaryTenantId)).map((p) => [p.id, p]));
  const theirs = new Map(published.map((p) => [p.planId, p]));
  const findings: string[] = [];
  for (const p of published) {
    if (!ours.has(p.planId)) findings.push(`offer ${offerId}: plan ${p.planId} is in Partner Center but not in the catalog`);
  }
  for (const plan of ours.values()) {
    const pc = theirs.get(plan.id);
    if (!pc) {
      findings.push(`offer ${offerId}: plan ${plan.id} is in the catalog but not in Partner Center`);
      continue;
    }
    if (pc.isPricePerSeat !== plan.isPricePerSeat)
      findings.push(
        `offer ${offerId}: plan ${plan.id} is ${pc.isPricePerSeat ? 'per user' : 'flat rate'} in Partner Center but ${plan.isPricePerSeat ? 'per user' : 'flat rate'} in the catalog`,
      );
    if (pc.hasFreeTrials !== plan.freeTrial)
      findings.push(
        `offer ${offerId}: plan ${plan.id} ${pc.hasFreeTrials ? 'has' : 'has no'} free trial in Partner Center but ${plan.freeTrial ? 'has one' : 'none'} in the catalog`,
      );
    const mine = new Set(plan.publishedDimensions.map((d) => d.id));
    for (const id of pc.dimensionIds) {
      if (!mine.has(id))
        findings.push(`offer ${offerId}: plan ${plan.id} has dimension ${id} in Partner Center but not in the catalog`);
    }
    for (const id of mine) {
      if (!pc.dimensionIds.includes(id))
        findings.push(`offer ${offerId}: plan ${plan.id} has dimension ${id} in the catalog but not in Partner Center`);
    }
  }
  return findings;
}
