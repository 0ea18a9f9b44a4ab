import type { UsageKind } from '../domain/billing-rules';
import type { QuotaHold } from '../domain/turn-envelope';
import type { UsageEvent } from '../domain/usage';
import type { WriteOptions } from './write-options';

/**
 * A turn's claim on its activity, made before the AI call for every admitted turn: it makes the activity
 * "being answered" for every instance sharing the store, and holds the turn's worst case on its hard-capped
 * dimensions (DESIGN.md "Entitlement" 6; src/domain/turn-envelope.ts).
 */
export interface TurnClaim {
  tenantId: string;
  activityId: string;
  subscriptionId: string;
  periodStart: Date;
  /** Units held per hard-capped dimension (at most one hold each); empty for a claim alone. */
  holds: readonly QuotaHold[];
  /** When the claim was made: the stale sweep frees claims older than the reservation timeout (a crashed turn). */
  at: Date;
}

export type ClaimOutcome =
  | { ok: true }
  /** The same (tenant, activity) is already recorded or claimed by a turn in flight: a redelivery. */
  | { ok: false; reason: 'duplicate' }
  /** A hold did not fit: nothing was claimed. The figures are those of the first dimension that did not fit. */
  | { ok: false; reason: 'exceeded'; dimension: UsageKind; used: number; reserved: number };

export interface RecordUsageInput {
  event: UsageEvent;
  /** The period's allowance of the event's dimension at recording time; `null` = unlimited. */
  included: number | null;
  /** Units beyond `included` are billed through metering (flat-rate plan with an overage price). */
  overage: boolean;
  /** The turn held a claim (and maybe quota holds) that this record settles. Default false. */
  reserved?: boolean;
  /**
   * False when the claim held no quota units (its plan caps nothing): the store then looks for none to give back.
   * Default: looked for.
   */
  unitsHeld?: boolean;
  userName?: string;
}

export type RecordOutcome = { status: 'recorded'; usedBefore: number; billable: number } | { status: 'duplicate' };

export interface UsageCounter {
  subscriptionId: string;
  periodStart: Date;
  dimension: UsageKind;
  used: number;
  reserved: number;
}

export interface DailyUsage {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  dimension: UsageKind;
  turns: number;
  quantity: number;
}

export interface UserUsage {
  userId: string;
  userName?: string;
  turns: number;
  quantity: number;
}

/**
 * A turn's usage: its claim and quota holds before the AI call, then its usage event, the period counters and the
 * usage outbox message, and the reports read from them.
 */
export interface UsageRepo {
  /**
   * Claims an activity before the AI call, holding the given units: in one transaction, the claim row (unique on
   * tenant + activity, so a redelivery in flight is a `duplicate`, as is one already recorded) and one conditional
   * increment per hold, so concurrent turns at a hard cap never serve one unit too many. All or nothing.
   */
  claim(claim: TurnClaim): Promise<ClaimOutcome>;
  /** Gives a claim and its holds back (AI call failed, turn not answered). False when there was none. */
  release(tenantId: string, activityId: string): Promise<boolean>;
  /** Releases the claims (and their holds) left by a crash, made before `createdBefore`; returns how many. */
  releaseStale(createdBefore: Date): Promise<number>;
  /**
   * In one transaction: settles the turn's claim and holds, inserts the usage event (unique on tenant + activity),
   * adds the real quantity to the period counter and writes the queue message to the outbox.
   */
  record(input: RecordUsageInput, options?: WriteOptions): Promise<RecordOutcome>;
  counters(subscriptionId: string, periodStart: Date): Promise<UsageCounter[]>;
  /**
   * Turns and units per UTC day and dimension, from the daily aggregates plus the events not rolled up yet (exact
   * whatever the rollup job has done). Counted in whole UTC days: from `from`'s day through the day of `to`'s last
   * millisecond (`to` exclusive).
   */
  daily(subscriptionId: string, from: Date, to: Date): Promise<DailyUsage[]>;
  /**
   * The users with the most units (then turns, then user id) in the billing period starting at `periodStart` (the
   * events' period), from the per-period aggregates plus the events not rolled up yet: exact whatever the rollup
   * job has done, and read without adding up every user of the period.
   */
  topUsers(subscriptionId: string, periodStart: Date, limit: number): Promise<UserUsage[]>;
}
