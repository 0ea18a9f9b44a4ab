import { HOUR } from './clock';
import type { MeteringStatus } from './metering';

/**
 * Where billable units go (DESIGN.md "Money never silently lost"), written once for both stores: each store reads
 * the buckets this rule asks about (under its own locks) and writes the placement it returns.
 *
 * - Units go into the bucket of their own hour when that hour can still be sent and its bucket is absent, or Open
 *   under the units' own plan.
 * - Otherwise they are carried: into the first hour from the current one on whose bucket is absent or Open under
 *   the subscription's plan now, and they are billed under that plan. An hour already sent is never changed (one
 *   event per subscription, dimension and hour, ever) and the plan of an hour is never rewritten: the Metering API
 *   refuses an event whose plan the subscription did not have during its hour, so a unit from before a plan change
 *   that arrives late cannot join an hour of the new plan under its old plan.
 */

/** What a store knows of one (subscription, dimension, hour) bucket. */
export interface HourBucket {
  status: MeteringStatus;
  planId: string;
}

/** Longest walk for an open hour, from the current hour on. */
export const MAX_CARRY_HOURS = 48;

export interface UnitsToPlace {
  /** Start of the hour the units were used in (epoch ms). */
  hour: number;
  /** The plan they were used under. */
  planId: string;
}

export interface PlacementContext {
  /** Start of the current hour (epoch ms). */
  currentHour: number;
  /** Hours that started before this cannot be sent any more (see `tooOldBefore`). */
  oldest: number;
  /** The subscription's plan now; `undefined` when the subscription is unknown (the units' own plan is used). */
  currentPlanId: string | undefined;
}

export interface Placement {
  hour: number;
  planId: string;
  /** True when the units did not go into their own hour. */
  carried: boolean;
}

/** The hours `placeUnits` may ask about, so that a store can read them in one query: the own hour and a range. */
export function placementHours(units: UnitsToPlace, ctx: PlacementContext): { own: number; from: number; to: number } {
  const from = Math.max(ctx.currentHour, units.hour);
  return { own: units.hour, from, to: from + MAX_CARRY_HOURS * HOUR };
}

export function placeUnits(
  units: UnitsToPlace,
  ctx: PlacementContext,
  bucketAt: (hour: number) => HourBucket | undefined,
): Placement {
  const takes = (bucket: HourBucket | undefined, planId: string) =>
    !bucket || (bucket.status === 'Open' && bucket.planId === planId);
  if (units.hour >= ctx.oldest && takes(bucketAt(units.hour), units.planId))
    return { hour: units.hour, planId: units.planId, carried: false };
  const planId = ctx.currentPlanId ?? units.planId;
  const { from, to } = placementHours(units, ctx);
  for (let h = from; h <= to; h += HOUR) if (takes(bucketAt(h), planId)) return { hour: h, planId, carried: true };
  throw new Error(
    `no open metering hour under plan ${planId} within ${MAX_CARRY_HOURS} hours of ${new Date(from).toISOString()}`,
  );
}

/**
 * Units of a bucket that became too old are carried, unless the subscription has ended: the Metering API takes no
 * usage for hours after an Unsubscribe, so they can no longer be billed and go to the operator instead.
 */
export function canCarry(subscriptionStatus: string | undefined): boolean {
  return subscriptionStatus !== 'Unsubscribed';
}
