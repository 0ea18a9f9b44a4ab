import type { Clock } from '../domain/clock';
import { billingPeriodAt, type BillingPeriod } from '../domain/periods';
import type { PlanCatalog } from '../domain/plans';
import { buildUsageStatement, type UsageStatement } from '../domain/usage-statement';
import type { Store } from '../store/store';

/**
 * Reads what a statement needs from the store (the subscription, the period's counters, its metered hours and its
 * recorded changes) and builds it (src/domain/usage-statement.ts). Access is the caller's to check.
 */
export async function loadUsageStatement(
  deps: { store: Store; catalog: PlanCatalog; clock: Clock },
  subscriptionId: string,
  /** Any instant of the period wanted; default: now (the current period). */
  at?: Date,
): Promise<UsageStatement | undefined> {
  const subscription = await deps.store.subscriptions.get(subscriptionId);
  if (!subscription) return undefined;
  const now = deps.clock.now();
  const period: BillingPeriod = billingPeriodAt(at ?? now, subscription.term);
  const [counters, ledger, changes] = await Promise.all([
    deps.store.usage.counters(subscription.id, period.start),
    deps.store.metering.list({ subscriptionId: subscription.id }),
    deps.store.operations.list(subscription.id),
  ]);
  return buildUsageStatement({
    subscription,
    period,
    now,
    plan: (planId) => deps.catalog.get(planId),
    used: Object.fromEntries(counters.map((c) => [c.dimension, c.used])),
    ledger,
    changes,
  });
}
