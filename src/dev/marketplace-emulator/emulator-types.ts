import type { LicenceRecord } from './emulator-licences';
import type { AcceptedUsageRecord } from './metering-state';

/**
 * The Marketplace's JSON shapes (Fulfillment API v2) as the emulator serves them, and what it keeps of them: the
 * subscription records and the persisted snapshot. Shapes only (and the list of customer actions); the rules are
 * emulator-state.ts's and emulator-operations.ts's.
 */

// ---- The Marketplace's JSON shapes (Fulfillment API v2) ----

export type SubscriptionStatus = 'NotStarted' | 'PendingFulfillmentStart' | 'Subscribed' | 'Suspended' | 'Unsubscribed';
export type TermUnit = 'P1M' | 'P1Y' | 'P2Y' | 'P3Y';
export type OperationAction = 'ChangePlan' | 'ChangeQuantity' | 'Suspend' | 'Reinstate' | 'Renew' | 'Unsubscribe';
export type CustomerAction = OperationAction;
export const CUSTOMER_ACTIONS: readonly CustomerAction[] = [
  'ChangePlan',
  'ChangeQuantity',
  'Suspend',
  'Reinstate',
  'Renew',
  'Unsubscribe',
];
export type OperationStatus = 'NotStarted' | 'InProgress' | 'Succeeded' | 'Failed' | 'Conflict';

export interface MarketplaceParty {
  emailId: string;
  objectId: string;
  tenantId: string;
  puid: string;
}

export interface EmulatorSubscription {
  id: string;
  publisherId: string;
  offerId: string;
  name: string;
  saasSubscriptionStatus: SubscriptionStatus;
  beneficiary: MarketplaceParty;
  purchaser: MarketplaceParty;
  planId: string;
  /** Seats; only on per-seat plans. */
  quantity?: number;
  /** Empty until activation. `endDate` is the term's last day (inclusive), as the real API returns it. */
  term: { startDate?: string; endDate?: string; termUnit?: TermUnit };
  autoRenew: boolean;
  isTest: boolean;
  isFreeTrial: boolean;
  allowedCustomerOperations: ('Read' | 'Update' | 'Delete')[];
  sandboxType: 'None' | 'Csp';
  sessionMode: 'None' | 'DryRun';
  created: string;
  lastModified: string;
}

export interface EmulatorOperation {
  id: string;
  activityId: string;
  subscriptionId: string;
  offerId: string;
  publisherId: string;
  planId: string;
  quantity?: number;
  action: OperationAction;
  timeStamp: string;
  status: OperationStatus;
  errorStatusCode: string;
  errorMessage: string;
  /** `Azure` = the customer acted (in the Marketplace), `Partner` = we called the API. */
  operationRequestSource: 'Azure' | 'Partner';
}

export interface ResolvedSubscription {
  id: string;
  subscriptionName: string;
  offerId: string;
  planId: string;
  quantity?: number;
  subscription: EmulatorSubscription;
}

/** An item of `listAvailablePlans`. */
export interface MarketplacePlan {
  planId: string;
  displayName: string;
  description: string;
  isPrivate: boolean;
  isStopSell: boolean;
  hasFreeTrials: boolean;
  isPricePerSeat: boolean;
  minQuantity?: number;
  maxQuantity?: number;
  planComponents: {
    recurrentBillingTerms: {
      termUnit: TermUnit;
      price: number;
      currency: string;
      meteredQuantityIncluded: { dimensionId: string; units: string }[];
    }[];
    meteringDimensions: { id: string; currency: string; pricePerUnit: number; unitOfMeasure: string; displayName: string }[];
  };
}

/** The Marketplace's error body. */
export interface MarketplaceError {
  code: string;
  message: string;
  target?: string;
  details?: { code: string; message: string; target?: string }[];
  additionalInfo?: { acceptedMessage: Record<string, unknown> };
}

// ---- What the emulator keeps ----

export interface SubscriptionRecord {
  subscription: EmulatorSubscription;
  /** Set by activate: the subscription reads Subscribed, with this term, once the clock reaches `at`. */
  pendingActivation?: { at: string; term: EmulatorSubscription['term'] };
  activatedAt?: string;
  unsubscribedAt?: string;
  /** Which plan was in force from when: a usage event is judged against the plan of its hour. */
  planHistory: { planId: string; from: string }[];
}

/** A landing-page token: `resolve` accepts it until `expiresAt`. */
export interface TokenRecord {
  token: string;
  subscriptionId: string;
  expiresAt: string;
}

/** The persisted form (JSON). The signing key is not part of it. */
export interface EmulatorSnapshot {
  version: 1;
  subscriptions: SubscriptionRecord[];
  tokens: TokenRecord[];
  operations: EmulatorOperation[];
  usage: AcceptedUsageRecord[];
  /** Microsoft-managed licences (emulator-licences.ts); absent in files saved before they were kept. */
  licences?: LicenceRecord[];
}
