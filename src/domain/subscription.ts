/** A SaaS subscription as the Marketplace describes it, in our own words. */
export const SUBSCRIPTION_STATUSES = [
  'NotStarted',
  'PendingFulfillmentStart',
  'Subscribed',
  'Suspended',
  'Unsubscribed',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export function isSubscriptionStatus(value: unknown): value is SubscriptionStatus {
  return typeof value === 'string' && (SUBSCRIPTION_STATUSES as readonly string[]).includes(value);
}

export interface Party {
  tenantId?: string;
  objectId?: string;
  emailId?: string;
}

export interface Term {
  startDate: Date;
  endDate?: Date;
  /** `P1M`, `P1Y`, `P2Y`, `P3Y`. */
  termUnit?: string;
}

export interface Subscription {
  /** The Marketplace SaaS subscription id (the `resourceId` of metering events). */
  id: string;
  name: string;
  offerId: string;
  publisherId?: string;
  planId: string;
  /** Seats on per-seat plans; absent on flat-rate plans. */
  quantity?: number;
  status: SubscriptionStatus;
  purchaser: Party;
  beneficiary: Party;
  /** Empty until activation. */
  term?: Term;
  autoRenew: boolean;
  isTest: boolean;
  isFreeTrial: boolean;
  createdAt: Date;
  updatedAt: Date;
  activatedAt?: Date;
}
