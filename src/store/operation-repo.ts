import type { Subscription } from '../domain/subscription';

export type OperationSource = 'webhook' | 'landing' | 'reconcile' | 'seed';
export type OperationOutcome = 'Applied' | 'Rejected' | 'Ignored';

/** One change to a subscription, from whatever source, with its before and after (the seed's SubscriptionOperations). */
export interface SubscriptionOperationRecord {
  /** The Marketplace operation id; absent for local actions (activation, reconciliation). */
  operationId?: string;
  subscriptionId: string;
  action: string;
  source: OperationSource;
  status: OperationOutcome;
  fromStatus?: string;
  toStatus?: string;
  fromPlanId?: string;
  toPlanId?: string;
  fromQuantity?: number;
  toQuantity?: number;
  detail?: string;
  /**
   * The Marketplace's time behind this change: the operation's `timeStamp`, or the subscription's `lastModified` for
   * a reconciliation. Absent for local actions.
   */
  operationTime?: Date;
  createdAt: Date;
}

/** The record of every change to a subscription; a Marketplace operation is applied once. */
export interface OperationRepo {
  /** The record of a Marketplace operation already handled, if any. */
  find(operationId: string): Promise<SubscriptionOperationRecord | undefined>;
  /**
   * In one transaction: records the operation (unique on its Marketplace id) and writes the subscription's new
   * state. `duplicate` when that operation id was recorded before: then nothing is written, so a redelivered
   * webhook is applied once.
   */
  apply(input: { record: SubscriptionOperationRecord; subscription?: Subscription }): Promise<'applied' | 'duplicate'>;
  list(subscriptionId: string): Promise<SubscriptionOperationRecord[]>;
  /** The newest `operationTime` among the subscription's `Applied` records: older deliveries are ignored below it. */
  newestAppliedTime(subscriptionId: string): Promise<Date | undefined>;
}
