import { isUsageKind, type UsageKind } from '../domain/billing-rules';
import type { Plan } from '../domain/plans';
import type { Party, Subscription, SubscriptionStatus } from '../domain/subscription';
import type { UsageMessage } from '../domain/usage';
import type { MeteringReport, MeteringStatus } from './metering-repo';
import type { SubscriptionOperationRecord } from './operation-repo';
import type { SeatAssignment } from './seat-repo';
import type { SystemAlert } from './system-alert-repo';
import type { TenantAdmin } from './admin-repo';

/**
 * Rows of the stores' tables (the same names in SQLite and Azure SQL) mapped to domain objects, once for both
 * stores. They differ only in representation: SQLite gives times as epoch milliseconds and booleans as 0/1, Azure
 * SQL gives `Date`s and booleans, and bigint identities as strings.
 */
export type Time = number | Date;
export type Flag = number | boolean;

export const asDate = (t: Time): Date => (t instanceof Date ? t : new Date(t));
export const optionalDate = (t: Time | null): Date | undefined => (t === null ? undefined : asDate(t));
/** Keeps only the fields that have a value (the domain types use optional fields, not nulls). */
const present = (fields: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined));

export interface SubscriptionRow {
  id: string;
  name: string;
  offer_id: string;
  publisher_id: string | null;
  plan_id: string;
  quantity: number | null;
  status: string;
  purchaser_tenant_id: string | null;
  purchaser_object_id: string | null;
  purchaser_email: string | null;
  beneficiary_tenant_id: string | null;
  beneficiary_object_id: string | null;
  beneficiary_email: string | null;
  term_start: Time | null;
  term_end: Time | null;
  term_unit: string | null;
  auto_renew: Flag;
  is_test: Flag;
  is_free_trial: Flag;
  created_at: Time;
  updated_at: Time;
  activated_at: Time | null;
}

function party(tenantId: string | null, objectId: string | null, emailId: string | null): Party {
  return present({ tenantId, objectId, emailId });
}

export function toSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    name: r.name,
    offerId: r.offer_id,
    ...present({ publisherId: r.publisher_id, quantity: r.quantity, activatedAt: optionalDate(r.activated_at) }),
    planId: r.plan_id,
    status: r.status as SubscriptionStatus,
    purchaser: party(r.purchaser_tenant_id, r.purchaser_object_id, r.purchaser_email),
    beneficiary: party(r.beneficiary_tenant_id, r.beneficiary_object_id, r.beneficiary_email),
    ...(r.term_start !== null
      ? {
          term: {
            startDate: asDate(r.term_start),
            ...present({ endDate: optionalDate(r.term_end), termUnit: r.term_unit || null }),
          },
        }
      : {}),
    autoRenew: Boolean(r.auto_renew),
    isTest: Boolean(r.is_test),
    isFreeTrial: Boolean(r.is_free_trial),
    createdAt: asDate(r.created_at),
    updatedAt: asDate(r.updated_at),
  };
}

export interface OperationRow {
  operation_id: string | null;
  subscription_id: string;
  action: string;
  source: string;
  status: string;
  from_status: string | null;
  to_status: string | null;
  from_plan_id: string | null;
  to_plan_id: string | null;
  from_quantity: number | null;
  to_quantity: number | null;
  detail: string | null;
  /** Absent from rows read before migration 0003 (operation_time) existed. */
  operation_time?: Time | null;
  created_at: Time;
}

export function toOperationRecord(r: OperationRow): SubscriptionOperationRecord {
  return {
    subscriptionId: r.subscription_id,
    action: r.action,
    source: r.source as SubscriptionOperationRecord['source'],
    status: r.status as SubscriptionOperationRecord['status'],
    createdAt: asDate(r.created_at),
    ...present({
      operationId: r.operation_id,
      fromStatus: r.from_status,
      toStatus: r.to_status,
      fromPlanId: r.from_plan_id,
      toPlanId: r.to_plan_id,
      fromQuantity: r.from_quantity,
      toQuantity: r.to_quantity,
      detail: r.detail,
      operationTime: optionalDate(r.operation_time ?? null),
    }),
  };
}

export interface ReportRow {
  id: number | string;
  subscription_id: string;
  dimension: string;
  hour_start: Time;
  plan_id: string;
  quantity: number;
  status: string;
  attempts: number;
  next_attempt_at: Time | null;
  usage_event_id: string | null;
  accepted_quantity: number | null;
  request_id: string | null;
  correlation_id: string | null;
  error_code: string | null;
  error_message: string | null;
  resolved_by?: string | null;
  resolution_note?: string | null;
  created_at: Time;
  updated_at: Time;
}

export function toMeteringReport(r: ReportRow): MeteringReport {
  return {
    id: Number(r.id),
    subscriptionId: r.subscription_id,
    dimension: r.dimension as UsageKind,
    hourStart: asDate(r.hour_start),
    planId: r.plan_id,
    quantity: r.quantity,
    status: r.status as MeteringStatus,
    attempts: r.attempts,
    createdAt: asDate(r.created_at),
    updatedAt: asDate(r.updated_at),
    ...present({
      nextAttemptAt: optionalDate(r.next_attempt_at),
      usageEventId: r.usage_event_id,
      acceptedQuantity: r.accepted_quantity,
      requestId: r.request_id,
      correlationId: r.correlation_id,
      errorCode: r.error_code,
      errorMessage: r.error_message,
      resolvedBy: r.resolved_by,
      resolutionNote: r.resolution_note,
    }),
  };
}

/** An outbox row joined with its usage event (the event's columns are null when it is missing). */
export interface OutboxMessageRow {
  usage_event_id: string;
  subscription_id: string | null;
  plan_id: string | null;
  dimension: string | null;
  quantity: number | null;
  billable: number | null;
  occurred_at: Time | null;
  period_start: Time | null;
}

/** The queue message of an outbox row; `undefined` when its usage event is missing or unreadable (dead-letter it). */
export function toUsageMessage(row: OutboxMessageRow): UsageMessage | undefined {
  if (
    row.subscription_id === null ||
    row.plan_id === null ||
    !isUsageKind(row.dimension) ||
    row.quantity === null ||
    row.occurred_at === null ||
    row.period_start === null
  ) {
    return undefined;
  }
  return {
    usageEventId: row.usage_event_id,
    subscriptionId: row.subscription_id,
    planId: row.plan_id,
    dimension: row.dimension,
    quantity: row.quantity,
    billable: row.billable ?? 0,
    occurredAt: asDate(row.occurred_at).toISOString(),
    periodStart: asDate(row.period_start).toISOString(),
  };
}

/** The plans table's `definition`: the catalog fields that have no column of their own, as JSON. */
export function planDefinition(p: Plan): string {
  return JSON.stringify({
    offerId: p.offerId,
    pricingModel: p.pricingModel,
    prices: p.prices,
    dimensions: p.dimensions,
    meteredAs: p.meteredAs,
    billingRules: p.billingRules,
  });
}

export interface SeatRow {
  subscription_id: string;
  user_id: string;
  user_name: string | null;
  assigned_at: Time;
  assigned_by: string;
  revoked_at: Time | null;
}

export const toSeat = (r: SeatRow): SeatAssignment => ({
  subscriptionId: r.subscription_id,
  userId: r.user_id,
  ...(r.user_name ? { userName: r.user_name } : {}),
  assignedAt: asDate(r.assigned_at),
  assignedBy: r.assigned_by,
  ...(r.revoked_at !== null ? { revokedAt: asDate(r.revoked_at) } : {}),
});

/** A tenant admin, with the display name from tenant_users when the admin row has none. */
export interface AdminRow {
  tenant_id: string;
  user_id: string;
  user_name: string | null;
  added_by: string;
  added_at: Time;
}

export const toTenantAdmin = (r: AdminRow): TenantAdmin => ({
  tenantId: r.tenant_id,
  userId: r.user_id,
  ...(r.user_name ? { userName: r.user_name } : {}),
  addedBy: r.added_by,
  addedAt: asDate(r.added_at),
});

export interface SystemAlertRow {
  alert_key: string;
  message: string;
  first_seen_at: Time;
  last_seen_at: Time;
  raise_count: number;
}

export const toSystemAlert = (r: SystemAlertRow): SystemAlert => ({
  key: r.alert_key,
  message: r.message,
  firstSeenAt: asDate(r.first_seen_at),
  lastSeenAt: asDate(r.last_seen_at),
  count: r.raise_count,
});
