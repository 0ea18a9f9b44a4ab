import { HOUR } from './clock';
import { placeUnits, canCarry, type HourBucket, type Placement, type PlacementContext } from './metering-placement';

/**
 * The outcome of one bucket's call, and how each store writes it (one mapping for both). `correlationId` is the one
 * written at claim: only a bucket still InFlight under it is settled, so a worker whose lease ran out and whose
 * bucket was claimed again does not settle it twice. `requestId` is the call's.
 */
export type MeteringSettlement = {
  id: number;
  correlationId: string;
  requestId?: string;
  /** False when no call was made for it (an hour found too old before sending): the attempt is not counted. */
  attempted?: boolean;
} & (
  | { status: 'Accepted'; usageEventId: string; acceptedQuantity: number }
  /** `acceptedQuantity` absent: the API said the hour is billed but not with how much. */
  | { status: 'Conflict'; usageEventId?: string; acceptedQuantity?: number; errorMessage: string }
  | { status: 'Retry' | 'Held'; nextAttemptAt: Date; errorCode: string; errorMessage: string }
  | { status: 'Failed'; errorCode: string; errorMessage: string }
  /** Too old for the API: the bucket's quantity moves into the next open hour at `now`. */
  | { status: 'Expired'; errorMessage: string }
);

/** The columns a settlement writes. Attempts count answered (or timed-out) calls, never claims. */
export interface SettlementColumns {
  status: MeteringSettlement['status'];
  attemptsAdded: 0 | 1;
  nextAttemptAt: Date | null;
  usageEventId: string | null;
  acceptedQuantity: number | null;
  requestId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export function settlementColumns(o: MeteringSettlement): SettlementColumns {
  return {
    status: o.status,
    attemptsAdded: o.attempted === false ? 0 : 1,
    nextAttemptAt: o.status === 'Retry' || o.status === 'Held' ? o.nextAttemptAt : null,
    usageEventId: o.status === 'Accepted' || o.status === 'Conflict' ? (o.usageEventId ?? null) : null,
    acceptedQuantity: o.status === 'Accepted' || o.status === 'Conflict' ? (o.acceptedQuantity ?? null) : null,
    requestId: o.requestId ?? null,
    errorCode:
      o.status === 'Retry' || o.status === 'Held' || o.status === 'Failed'
        ? o.errorCode
        : o.status === 'Expired'
          ? 'Expired'
          : null,
    errorMessage: 'errorMessage' in o ? o.errorMessage : null,
  };
}

/** What becomes of the units of a bucket settled Expired. */
export type ExpiredUnits =
  { kind: 'carry'; placement: Placement; note: string } | { kind: 'ended'; errorCode: 'SubscriptionEnded'; errorMessage: string };

export function expiredUnits(
  bucket: { hourStart: number; planId: string; quantity: number; reason: string },
  subscription: { status?: string; planId?: string } | undefined,
  now: Date,
  bucketAt: (hour: number) => HourBucket | undefined,
): ExpiredUnits {
  if (!canCarry(subscription?.status))
    return {
      kind: 'ended',
      errorCode: 'SubscriptionEnded',
      errorMessage: `${bucket.reason}; the subscription has ended, so these ${bucket.quantity} units can no longer be billed`,
    };
  const ctx: PlacementContext = carryContext(now, subscription?.planId);
  const placement = placeUnits({ hour: bucket.hourStart, planId: bucket.planId }, ctx, bucketAt);
  return {
    kind: 'carry',
    placement,
    note: `${bucket.reason}; ${bucket.quantity} units carried into ${new Date(placement.hour).toISOString()} under plan ${placement.planId}`,
  };
}

/** A carry context in which every hour is too old: the units go straight to the current hour (or later). */
function carryContext(now: Date, currentPlanId: string | undefined): PlacementContext {
  const currentHour = Math.floor(now.getTime() / HOUR) * HOUR;
  return { currentHour, oldest: Number.POSITIVE_INFINITY, currentPlanId };
}
