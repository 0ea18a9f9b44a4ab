import type { UsageKind } from './billing-rules';

/** One answered message turn, as recorded. Message and response text only when the operator opts in. */
export interface UsageEvent {
  id: string;
  tenantId: string;
  activityId: string;
  subscriptionId: string;
  planId: string;
  userId: string;
  conversationId: string;
  conversationType: string;
  dimension: UsageKind;
  quantity: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  processingMs: number;
  attachmentCount: number;
  textLength: number;
  messageText?: string;
  responseText?: string;
  occurredAt: Date;
  periodStart: Date;
}

/**
 * The message the usage queue carries to the metering worker: self-contained, so a consumer (the embedded worker or
 * one behind Service Bus) never reads usage tables. `billable` is the part of `quantity` above the period's
 * allowance, computed when the counters were updated in the same transaction (so concurrent turns split the
 * allowance line exactly once) and kept on the usage event.
 */
export interface UsageMessage {
  usageEventId: string;
  subscriptionId: string;
  planId: string;
  dimension: UsageKind;
  quantity: number;
  billable: number;
  occurredAt: string;
  periodStart: string;
}

/**
 * One recorded turn against its period's allowance, as the usage recorder reports it (for the tenant admin notices
 * at 80 % and 100 %).
 */
export interface RecordedUsage {
  tenantId: string;
  subscriptionId: string;
  periodStart: Date;
  periodEnd: Date;
  dimension: string;
  /** Units of the period used before this turn (the store's count, in the same transaction as the record). */
  usedBefore: number;
  quantity: number;
  /** The period's allowance; `null` = unlimited. */
  included: number | null;
  overage: boolean;
}

/**
 * Units of a turn that lie above the allowance: a turn of 3 with 1 unit left bills 2. `included = null` means
 * unlimited (nothing billable).
 */
export function overageUnits(usedBefore: number, quantity: number, included: number | null): number {
  if (included === null) return 0;
  return Math.max(0, usedBefore + quantity - included) - Math.max(0, usedBefore - included);
}
