import type { SubscriptionStatus } from './subscription';

/**
 * Lifecycle truth (DESIGN.md "Lifecycle truth"): the Marketplace's state wins, and webhook deliveries, which are
 * retried for hours and arrive late and out of order, must not be allowed to rewrite it. Every path that writes a
 * subscription (webhook, reconciliation, landing activation, the worker's refresh) goes through these rules.
 */

/**
 * `Unsubscribed` is final: a new purchase is a new subscription id, so nothing (a late Reinstate or Renew, a
 * reconciliation that read a lagging replica, a landing-page activation) may move a stored subscription out of it.
 */
export function isFinal(status: SubscriptionStatus): boolean {
  return status === 'Unsubscribed';
}

/** The status to store when a source says `proposed` about a subscription stored with `stored` (if any). */
export function storableStatus(stored: SubscriptionStatus | undefined, proposed: SubscriptionStatus): SubscriptionStatus {
  return stored !== undefined && isFinal(stored) ? stored : proposed;
}

/** An operation status (`NotStarted`, `InProgress`, `Succeeded`, `Failed`, `Conflict`) the Marketplace settled against. */
export function isSettledAgainst(operationStatus: string | undefined): boolean {
  return operationStatus === 'Failed' || operationStatus === 'Conflict';
}

/** Whether the operation is still waiting for the publisher (a ChangePlan/ChangeQuantity we may accept or refuse). */
export function isPending(operationStatus: string | undefined): boolean {
  return operationStatus === undefined || operationStatus === 'NotStarted' || operationStatus === 'InProgress';
}

export interface OperationFacts {
  /** The operation's status as GET operation reports it. */
  operationStatus?: string | undefined;
  /** The operation's `timeStamp` as GET operation reports it (when it was created at the Marketplace). */
  operationTime?: Date;
  /** The stored subscription's status, if we have it. */
  storedStatus?: SubscriptionStatus;
  /**
   * The newest Marketplace time behind the stored state: the `timeStamp` of the newest operation applied, or the
   * subscription's `lastModified` when reconciliation stored what GET subscription said.
   */
  newestApplied?: Date | undefined;
}

/**
 * Why a Marketplace operation must not be applied, or `null` when it may. Checked in this order:
 * 1. `Failed`/`Conflict` (GET operation): the Marketplace did not carry it out, so neither do we.
 * 2. The stored subscription is `Unsubscribed` (final).
 * 3. Ordering: an operation created before the newest one already applied is a late delivery. Applying it could undo
 *    the newer one (an old ChangePlan after a newer one, an old Suspend after a Reinstate), so it is ignored: the
 *    state it would have produced has already been superseded at the Marketplace. Equal times are applied (the
 *    Marketplace runs one operation at a time per subscription, so two distinct ones never share a time in
 *    practice), and an operation without a readable time cannot be ordered and is applied: the lifecycle actions
 *    store GET subscription's state anyway, which is always the newest.
 */
export function operationBlocker(facts: OperationFacts): string | null {
  if (isSettledAgainst(facts.operationStatus)) return `the Marketplace reports the operation ${facts.operationStatus}`;
  if (facts.storedStatus !== undefined && isFinal(facts.storedStatus))
    return 'the subscription is Unsubscribed, which is final';
  if (facts.operationTime && facts.newestApplied && facts.operationTime.getTime() < facts.newestApplied.getTime()) {
    return `out of order: created ${facts.operationTime.toISOString()}, before the newest state applied (${facts.newestApplied.toISOString()})`;
  }
  return null;
}
