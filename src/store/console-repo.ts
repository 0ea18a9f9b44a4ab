import type { UsageKind } from '../domain/billing-rules';
import type { Subscription, SubscriptionStatus } from '../domain/subscription';
import type { OperationOutcome, OperationSource, SubscriptionOperationRecord } from './operation-repo';

/**
 * The publisher console's read queries (issue 12): aggregates computed by the store, so that a page reads a few
 * rows whatever the number of subscriptions and usage events. Both stores implement it; contract tests in
 * test/store/console-contract.ts.
 */
export interface ConsoleRepo {
  /** Subscriptions and seats per (offer, plan, status). */
  tallySubscriptions(): Promise<SubscriptionTally[]>;
  /** One page of subscriptions matching a search, newest first, and how many match in all. */
  searchSubscriptions(search: SubscriptionSearch): Promise<SubscriptionPage>;
  /** Subscriptions created, and subscriptions moved to Suspended / Unsubscribed by an applied operation, since `from`. */
  lifecycleSince(from: Date): Promise<LifecycleCounts>;
  /** Answered (recorded) turns per UTC day in [from, to). Days without turns are absent. */
  turnsByDay(from: Date, to: Date): Promise<DayCount[]>;
  /** Units the Marketplace accepted per UTC calendar month of their hour, plan of the hour and dimension, in [from, to). */
  acceptedByMonth(from: Date, to?: Date): Promise<AcceptedMonth[]>;
  /** Recorded subscription operations, newest first, one page, optionally of one source. */
  recentOperations(filter: OperationFilter): Promise<OperationPage>;
  /** Operations per source, action and outcome recorded since `from`. */
  operationCounts(from: Date): Promise<OperationCount[]>;
  /** Counts an event nothing else records (a refused or replayed webhook delivery, a reconciliation run). */
  recordActivity(kind: ActivityKind, at: Date): Promise<void>;
  /** Counted events per UTC day and kind since `from`. */
  activityByDay(from: Date): Promise<ActivityDay[]>;
}

export interface SubscriptionTally {
  offerId: string;
  planId: string;
  status: SubscriptionStatus;
  subscriptions: number;
  /** Sum of `quantity` (seats of per-user plans; 0 where absent). */
  seats: number;
}

export interface SubscriptionSearch {
  /** Matches a subscription id, a tenant id (beneficiary or purchaser) exactly or in part, a name or an email, ignoring case. */
  text?: string;
  offerId?: string;
  planId?: string;
  status?: SubscriptionStatus;
  offset: number;
  limit: number;
}

export interface SubscriptionPage {
  total: number;
  rows: Subscription[];
}

export interface LifecycleCounts {
  created: number;
  suspended: number;
  cancelled: number;
}

export interface DayCount {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  count: number;
}

export interface AcceptedMonth {
  /** `YYYY-MM`, UTC. */
  month: string;
  planId: string;
  dimension: UsageKind;
  quantity: number;
}

export interface OperationFilter {
  source?: OperationSource;
  offset: number;
  limit: number;
}

export interface OperationEntry extends SubscriptionOperationRecord {
  id: number;
}

export interface OperationPage {
  total: number;
  rows: OperationEntry[];
}

export interface OperationCount {
  source: OperationSource;
  action: string;
  status: OperationOutcome;
  count: number;
}

/**
 * Events not otherwise recorded: webhook deliveries refused (bad token) or replayed (an operation id already
 * applied), and reconciliation runs (their repairs are recorded as operations).
 */
export const ACTIVITY_KINDS = ['webhook.refused', 'webhook.replayed', 'reconcile.run'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export interface ActivityDay {
  day: string;
  kind: ActivityKind;
  count: number;
}
