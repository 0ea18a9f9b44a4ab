import type { UsageKind } from '../domain/billing-rules';
import type { MeteringStatus } from '../domain/metering';
import type { MeteringSettlement } from '../domain/metering-settlement';
import type { UsageMessage } from '../domain/usage';

export type { MeteringStatus, MeteringSettlement };

export interface MeteringReport {
  id: number;
  subscriptionId: string;
  dimension: UsageKind;
  /** The clock hour (UTC), the `effectiveStartTime` sent. */
  hourStart: Date;
  /** The plan the subscription was on in that hour (its latest usage's). */
  planId: string;
  quantity: number;
  status: MeteringStatus;
  attempts: number;
  /** Retry/Held: when to try again. InFlight: when the claim's lease runs out. */
  nextAttemptAt?: Date;
  /** The Marketplace's usageEventId, once accepted. */
  usageEventId?: string;
  acceptedQuantity?: number;
  requestId?: string;
  correlationId?: string;
  errorCode?: string;
  errorMessage?: string;
  /** Resolved: the operator who closed it and their note. */
  resolvedBy?: string;
  resolutionNote?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ConsumeOutcome {
  /** Messages counted now. */
  consumed: number;
  /** Messages counted before (a redelivery): ignored. */
  duplicates: number;
  /** Billable units that went into a later hour than their own (theirs was submitted or too old). */
  carriedUnits: number;
}

export interface DueReport {
  id: number;
  dueAt: Date;
  /** Tried before (retrying, held, or claimed by a worker that died): not worth holding back for a fuller batch. */
  urgent: boolean;
}

export interface MeteringOverview {
  byStatus: Partial<Record<MeteringStatus, { reports: number; quantity: number }>>;
  /**
   * Conflicts, failures and held reports, and retrying ones that failed `attentionAttempts` calls or more, most
   * recently updated first.
   */
  attention: MeteringReport[];
}

/** An operator's action on a bucket; `not-found` / `not-eligible` change nothing. */
export type MeteringActionOutcome = 'done' | 'not-found' | 'not-eligible';

/** Accepted units of one subscription and dimension on one UTC day (billing periods start at midnight UTC). */
export interface AcceptedDay {
  subscriptionId: string;
  dimension: UsageKind;
  /** `YYYY-MM-DD`. */
  day: string;
  quantity: number;
}

/**
 * Hourly metering buckets: what the metering worker consumes, submits and settles. The decisions are the domain's
 * (src/domain/metering*.ts); the stores read and write rows.
 */
export interface MeteringRepo {
  /**
   * One transaction: each message not consumed before adds its billable units to a bucket by the placement rule
   * (src/domain/metering-placement.ts: its own hour when that hour can still be sent and is open under its plan,
   * otherwise carried into the current open hour of the subscription's plan now), and is remembered as consumed.
   * Messages with nothing billable change nothing and need no memory.
   */
  consume(messages: readonly UsageMessage[], now: Date, tooOldBefore: Date): Promise<ConsumeOutcome>;
  /**
   * Buckets ready to submit, by due time: Open ones whose hour ended at or before `closedBefore`, Retry and Held
   * ones whose next attempt is due, and InFlight ones whose lease ran out (their worker died or hung). A live lease
   * is never taken, also not at start-up: another worker may be holding it.
   */
  listDue(input: { now: Date; closedBefore: Date; limit: number }): Promise<DueReport[]>;
  /**
   * Claims buckets still eligible among `ids` (the same rule as listDue, in one conditional write each): InFlight
   * with a lease until `leaseUntil` and the correlation id of the call, before the HTTP call is made. Attempts are
   * not counted here (a crash between claim and answer must not use any up).
   */
  claim(
    ids: readonly number[],
    input: { now: Date; closedBefore: Date; leaseUntil: Date; correlationId: string },
  ): Promise<MeteringReport[]>;
  /**
   * Records the outcome of calls (attempts + 1 for each answered or timed-out call). Only a bucket still InFlight
   * under the same correlation id is settled; Expired buckets carry their quantity by the placement rule at `now`,
   * or become Failed (`SubscriptionEnded`) when the subscription has ended.
   */
  settle(outcomes: readonly MeteringSettlement[], now: Date): Promise<void>;
  /** Operator: sends a Failed bucket again at once (it is carried if its hour is too old by then). */
  resend(id: number, action: { by: string; at: Date; note?: string }): Promise<MeteringActionOutcome>;
  /** Operator: closes a Failed or Conflict bucket as Resolved, with who and why. */
  resolve(id: number, action: { by: string; at: Date; note: string }): Promise<MeteringActionOutcome>;
  get(subscriptionId: string, dimension: UsageKind, hourStart: Date): Promise<MeteringReport | undefined>;
  list(filter?: { status?: MeteringStatus; subscriptionId?: string }): Promise<MeteringReport[]>;
  overview(attentionLimit: number, attentionAttempts: number): Promise<MeteringOverview>;
  /** Accepted units per subscription, dimension and UTC day of the hour, for hours at or after `from`. */
  acceptedByDay(from: Date): Promise<AcceptedDay[]>;
  /** Forgets consumed-message ids older than `before` (redeliveries come within minutes or hours). */
  pruneConsumed(before: Date): Promise<number>;
}
