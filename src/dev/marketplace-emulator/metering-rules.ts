import { randomUUID } from 'node:crypto';
import { DAY, HOUR, MINUTE } from '../../domain/clock';
import type { Plan } from '../../domain/plans';
import type { MarketplaceError, SubscriptionRecord } from './emulator-types';
import type { AcceptedUsageRecord } from './metering-state';

/**
 * The Metering API's rules, as pure functions over what the emulator's state exposes. One accepted event per
 * (resource, dimension, clock hour) ever; events older than 24 hours are expired; usage counts only while the
 * subscription was Subscribed; dimensions exist on flat-rate plans that bill overage only.
 */

export const MAX_BATCH_SIZE = 25;
/** How far back an event may start. */
export const USAGE_WINDOW_MS = DAY;
/** Clock skew tolerated for events "from the future" (a sender's clock slightly ahead). */
export const FUTURE_TOLERANCE_MS = 5 * MINUTE;
/** The real API's wording, grammar included. */
export const DUPLICATE_MESSAGE = 'This usage event already exist.';

export type UsageEventStatus =
  | 'Accepted'
  | 'Expired'
  | 'Duplicate'
  | 'Error'
  | 'ResourceNotFound'
  | 'ResourceNotAuthorized'
  | 'ResourceNotActive'
  | 'InvalidDimension'
  | 'InvalidQuantity'
  | 'BadArgument';

/** One event's answer: the single call's 200 body, or one item of a batch's `result`. */
export interface UsageEventResult {
  usageEventId?: string;
  status: UsageEventStatus;
  messageTime: string;
  resourceId?: unknown;
  quantity?: unknown;
  dimension?: unknown;
  effectiveStartTime?: unknown;
  planId?: unknown;
  error?: MarketplaceError;
}

export type UsageVerdict =
  | { status: 'Accepted'; key: string; record: AcceptedUsageRecord; result: UsageEventResult }
  | { status: Exclude<UsageEventStatus, 'Accepted'>; result: UsageEventResult; error: MarketplaceError };

/** What the rules need to see of the state. */
export interface MeteringView {
  now: Date;
  subscription(id: string): SubscriptionRecord | undefined;
  plan(planId: string): Plan | undefined;
  accepted(key: string): AcceptedUsageRecord | undefined;
}

export function usageKey(resourceId: string, dimension: string, hourStart: Date): string {
  return `${resourceId}|${dimension}|${hourStart.toISOString()}`;
}

export function hourStartOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR) * HOUR);
}

/** Judges one usage event (any JSON value) as the Metering API would. Never throws. */
export function judgeUsageEvent(view: MeteringView, raw: unknown): UsageVerdict {
  const messageTime = view.now.toISOString();
  const event = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const echo = {
    resourceId: event.resourceId,
    quantity: event.quantity,
    dimension: event.dimension,
    effectiveStartTime: event.effectiveStartTime,
    planId: event.planId,
  };
  const reject = (status: Exclude<UsageEventStatus, 'Accepted'>, error: MarketplaceError): UsageVerdict => ({
    status,
    error,
    result: { status, messageTime, ...echo, error },
  });
  const badArgument = (target: string, message: string) => reject('BadArgument', { code: 'BadArgument', message, target });

  for (const field of ['resourceId', 'dimension', 'planId', 'effectiveStartTime'] as const) {
    if (typeof event[field] !== 'string' || (event[field]).trim() === '')
      return badArgument(field, `The ${field} field is required.`);
  }
  if (event.quantity === undefined || event.quantity === null) return badArgument('quantity', 'The quantity field is required.');
  if (typeof event.quantity !== 'number' || !Number.isFinite(event.quantity) || event.quantity <= 0) {
    return reject('InvalidQuantity', {
      code: 'InvalidQuantity',
      message: 'The quantity must be a number greater than 0.',
      target: 'quantity',
    });
  }
  const resourceId = event.resourceId as string;
  const dimension = event.dimension as string;
  const planId = event.planId as string;
  const quantity = event.quantity;
  const start = new Date(event.effectiveStartTime as string);
  if (Number.isNaN(start.getTime()))
    return badArgument('effectiveStartTime', 'The effectiveStartTime field must be a date-time in UTC.');
  const now = view.now.getTime();
  if (now - start.getTime() > USAGE_WINDOW_MS) {
    return reject('Expired', { code: 'BadArgument', message: 'Event has expired', target: 'effectiveStartTime' });
  }
  if (start.getTime() - now > FUTURE_TOLERANCE_MS)
    return badArgument('effectiveStartTime', 'The effectiveStartTime is in the future.');

  const record = view.subscription(resourceId);
  if (!record)
    return reject('ResourceNotFound', {
      code: 'ResourceNotFound',
      message: `Resource ${resourceId} was not found.`,
      target: 'resourceId',
    });
  const hour = hourStartOf(start);
  if (!planInForce(record, planId, hour)) {
    return badArgument('planId', `Plan ${planId} was not the plan of resource ${resourceId} during that hour.`);
  }
  const plan = view.plan(planId);
  // Only a dimension the plan meters (enabled with a price) takes usage; an unlimited one never emits.
  if (!plan || !plan.publishedDimensions.some((d) => d.id === dimension && d.pricePerUnit !== undefined)) {
    return reject('InvalidDimension', {
      code: 'InvalidDimension',
      message: `Dimension ${dimension} is not metered on plan ${planId}.`,
      target: 'dimension',
    });
  }
  const key = usageKey(resourceId, dimension, hour);
  const original = view.accepted(key);
  if (original) {
    const acceptedMessage = { ...publicUsage(original), status: 'Duplicate' as const };
    return reject('Duplicate', { code: 'Conflict', message: DUPLICATE_MESSAGE, additionalInfo: { acceptedMessage } });
  }
  if (!activeDuring(record, hour)) {
    return reject('ResourceNotActive', {
      code: 'ResourceNotActive',
      message: `Resource ${resourceId} was not active (${record.subscription.saasSubscriptionStatus}) during that hour.`,
      target: 'resourceId',
    });
  }
  const accepted: AcceptedUsageRecord = {
    usageEventId: randomUUID(),
    messageTime,
    resourceId,
    quantity,
    dimension,
    effectiveStartTime: start.toISOString(),
    planId,
  };
  return { status: 'Accepted', key, record: accepted, result: { ...publicUsage(accepted), status: 'Accepted' } };
}

function publicUsage(r: AcceptedUsageRecord) {
  return {
    usageEventId: r.usageEventId,
    status: 'Accepted' as const,
    messageTime: r.messageTime,
    resourceId: r.resourceId,
    quantity: r.quantity,
    dimension: r.dimension,
    effectiveStartTime: r.effectiveStartTime,
    planId: r.planId,
  };
}

/**
 * Usage counts for hours the subscription was Subscribed: after a cancel, hours that started before it may still
 * be sent (within the 24-hour window); a suspended or not yet activated subscription takes nothing.
 */
function activeDuring(record: SubscriptionRecord, hour: Date): boolean {
  if (!record.activatedAt || hour.getTime() + HOUR <= new Date(record.activatedAt).getTime()) return false;
  const status = record.subscription.saasSubscriptionStatus;
  if (status === 'Subscribed') return true;
  if (status === 'Unsubscribed' && record.unsubscribedAt) return hour.getTime() < new Date(record.unsubscribedAt).getTime();
  return false;
}

/**
 * A plan changed mid-hour leaves both plans valid for that hour: the sender may bill either. The purchased plan
 * counts from the beginning of time, so an hour before activation is refused as not active, not as a wrong plan.
 */
function planInForce(record: SubscriptionRecord, planId: string, hour: Date): boolean {
  const from = hour.getTime();
  const to = from + HOUR;
  return record.planHistory.some((entry, i) => {
    const next = record.planHistory[i + 1];
    const starts = i === 0 ? -Infinity : new Date(entry.from).getTime();
    return entry.planId === planId && starts < to && (!next || new Date(next.from).getTime() > from);
  });
}
