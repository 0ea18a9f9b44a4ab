import type { Dimension } from '../domain/billing-rules';
import type { Clock } from '../domain/clock';
import type { UsageQueue } from '../queue/usage-queue';
import type { Plan } from '../domain/plans';
import type { Subscription } from '../domain/subscription';
import type { UsageEvent, UsageMessage } from '../domain/usage';

/**
 * The storage port. The embedded SQLite store and the Azure SQL store implement it and pass the same contract
 * tests. Every method that moves money (reserve, record, metering) is one transaction and idempotent.
 */
export interface Store {
  readonly kind: 'sqlite' | 'mssql';
  /** Cheap round trip used by /healthz. Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
  plans: PlanRepo;
  subscriptions: SubscriptionRepo;
  admins: AdminRepo;
  seats: SeatRepo;
  usage: UsageRepo;
  users: UserDirectoryRepo;
  operations: OperationRepo;
  metering: MeteringRepo;
  /**
   * The usage outbox (written with each usage event) read as a queue: what the metering worker consumes directly,
   * or what the relay moves to Service Bus. `maxDeliveries` = Infinity for the relay, whose failures are the bus's.
   */
  outboxQueue(options: { clock: Clock; maxDeliveries?: number; lockMs?: number }): UsageQueue;
}

export type OperationSource = 'webhook' | 'landing' | 'reconcile' | 'seed';
export type OperationOutcome = 'Applied' | 'Rejected' | 'Ignored';

/** One change to a subscription, from whatever source, with its before and after (the seed's SubscriptionOperations). */
export interface SubscriptionOperationRecord {
  /** The Marketplace operation id; absent for local actions (activation, reconciliation). */
  operationId?: string;
  subscriptionId: string;
  action: string;
  source: OperationSource;
  status: OperationOutcome;
  fromStatus?: string;
  toStatus?: string;
  fromPlanId?: string;
  toPlanId?: string;
  fromQuantity?: number;
  toQuantity?: number;
  detail?: string;
  /**
   * The Marketplace's time behind this change: the operation's `timeStamp`, or the subscription's `lastModified` for
   * a reconciliation. Absent for local actions.
   */
  operationTime?: Date;
  createdAt: Date;
}

export interface OperationRepo {
  /** The record of a Marketplace operation already handled, if any. */
  find(operationId: string): Promise<SubscriptionOperationRecord | undefined>;
  /**
   * In one transaction: records the operation (unique on its Marketplace id) and writes the subscription's new
   * state. `duplicate` when that operation id was recorded before: then nothing is written, so a redelivered
   * webhook is applied once.
   */
  apply(input: { record: SubscriptionOperationRecord; subscription?: Subscription }): Promise<'applied' | 'duplicate'>;
  list(subscriptionId: string): Promise<SubscriptionOperationRecord[]>;
  /** The newest `operationTime` among the subscription's `Applied` records: older deliveries are ignored below it. */
  newestAppliedTime(subscriptionId: string): Promise<Date | undefined>;
}

export interface KnownUser {
  userId: string;
  userName?: string;
}

/** Users seen in a tenant's turns (ids and display names only), so admins can name them in commands. */
export interface UserDirectoryRepo {
  /** Users whose id equals `query` or whose display name equals it, ignoring case. */
  find(tenantId: string, query: string): Promise<KnownUser[]>;
  remember(tenantId: string, user: KnownUser, at: Date): Promise<void>;
}

export interface PlanRepo {
  /** Mirrors the catalog into the plans table; plans no longer in the catalog are kept, marked inactive. */
  sync(plans: readonly Plan[], at: Date): Promise<void>;
}

export interface SubscriptionRepo {
  /** Inserts or replaces by id; `createdAt` of an existing row is kept. */
  upsert(subscription: Subscription): Promise<void>;
  get(id: string): Promise<Subscription | undefined>;
  /** Every subscription whose beneficiary is this tenant, any status. */
  listForTenant(tenantId: string): Promise<Subscription[]>;
  list(): Promise<Subscription[]>;
}

export interface TenantAdmin {
  tenantId: string;
  userId: string;
  userName?: string;
  addedBy: string;
  addedAt: Date;
}

export interface AdminRepo {
  isAdmin(tenantId: string, userId: string): Promise<boolean>;
  list(tenantId: string): Promise<TenantAdmin[]>;
  /** False when the user was already an admin. */
  add(admin: TenantAdmin): Promise<boolean>;
  /** False when the user was not an admin. */
  remove(tenantId: string, userId: string): Promise<boolean>;
}

export interface SeatAssignment {
  subscriptionId: string;
  userId: string;
  userName?: string;
  assignedAt: Date;
  assignedBy: string;
  revokedAt?: Date;
}

export type SeatClaim =
  /** The user holds one of the first `capacity` active seats. */
  | 'held'
  /** A free seat was just given to the user (first come, first served). */
  | 'assigned'
  /** An admin took the seat back: only an admin can give it again. */
  | 'revoked'
  /** No free seat (or the user's seat lies beyond a reduced seat count). */
  | 'full';

export interface SeatRepo {
  /** Atomic: concurrent claims never hand out more than `capacity` seats. */
  claim(input: {
    subscriptionId: string;
    userId: string;
    userName?: string;
    capacity: number;
    autoAssign: boolean;
    at: Date;
  }): Promise<SeatClaim>;
  /** Admin assignment; also gives back a revoked seat. */
  assign(input: {
    subscriptionId: string;
    userId: string;
    userName?: string;
    capacity: number;
    by: string;
    at: Date;
  }): Promise<'assigned' | 'already' | 'full'>;
  /** False when the user held no active seat. */
  revoke(input: { subscriptionId: string; userId: string; by: string; at: Date }): Promise<boolean>;
  /** Active seats, oldest first (the first `quantity` of them are valid). */
  list(subscriptionId: string): Promise<SeatAssignment[]>;
}

export interface QuotaReservation {
  tenantId: string;
  activityId: string;
  subscriptionId: string;
  periodStart: Date;
  dimension: Dimension;
  quantity: number;
  /** Hard cap for this dimension this period; `null` = no cap (unlimited or overage billed). */
  limit: number | null;
  at: Date;
}

export type ReserveOutcome =
  | { ok: true }
  /** The same (tenant, activity) is already recorded or in flight: a redelivery. */
  | { ok: false; reason: 'duplicate' }
  | { ok: false; reason: 'exceeded'; used: number; reserved: number };

export interface RecordUsageInput {
  event: UsageEvent;
  /** The period's allowance of the event's dimension at recording time; `null` = unlimited. */
  included: number | null;
  /** Units beyond `included` are billed through metering (flat-rate plan with an overage price). */
  overage: boolean;
  /** The turn held a reservation (hard-capped dimension) that this record settles. Default false. */
  reserved?: boolean;
  userName?: string;
}

/** How a write may be scheduled. */
export interface WriteOptions {
  /**
   * Nobody waits on the result to answer a user (a turn's usage, written after its reply has gone): the store may
   * hold the write a few milliseconds so that it shares one commit with others.
   */
  background?: boolean;
}

export type RecordOutcome = { status: 'recorded'; usedBefore: number; billable: number } | { status: 'duplicate' };

export interface UsageCounter {
  subscriptionId: string;
  periodStart: Date;
  dimension: Dimension;
  used: number;
  reserved: number;
}

export interface DailyUsage {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  dimension: Dimension;
  turns: number;
  quantity: number;
}

export interface UserUsage {
  userId: string;
  userName?: string;
  turns: number;
  quantity: number;
}

export interface UsageRepo {
  /**
   * Reserves `quantity` units before the AI call: one conditional increment, so concurrent turns at a hard cap
   * never serve one message too many. Keyed by (tenant, activity): a redelivery is reported as `duplicate`.
   */
  reserve(reservation: QuotaReservation): Promise<ReserveOutcome>;
  /** Whether a usage event exists for this (tenant, activity): a redelivery of an answered turn. */
  isRecorded(tenantId: string, activityId: string): Promise<boolean>;
  /** Gives a reservation back (AI call failed, turn not answered). False when there was none. */
  release(tenantId: string, activityId: string): Promise<boolean>;
  /** Releases reservations left by a crash; returns how many. */
  releaseStale(createdBefore: Date): Promise<number>;
  /**
   * In one transaction: settles the turn's reservation, inserts the usage event (unique on tenant + activity),
   * adds the real quantity to the period counter and writes the queue message to the outbox.
   */
  record(input: RecordUsageInput, options?: WriteOptions): Promise<RecordOutcome>;
  counters(subscriptionId: string, periodStart: Date): Promise<UsageCounter[]>;
  daily(subscriptionId: string, from: Date, to: Date): Promise<DailyUsage[]>;
  topUsers(subscriptionId: string, from: Date, to: Date, limit: number): Promise<UserUsage[]>;
}

/**
 * The life of one hourly metering bucket (subscription, dimension, hour), which is also its report to the
 * Metering API: Open (accumulating) → InFlight (written before the HTTP call) → Accepted; or Retry (429/5xx/
 * timeout, backing off), Held (the subscription is not active), Expired (too old: its units were carried into a
 * later hour), Conflict (a duplicate with a different quantity: for the operator) or Failed (refused, or out of
 * attempts: for the operator).
 */
export type MeteringStatus = 'Open' | 'InFlight' | 'Retry' | 'Held' | 'Accepted' | 'Expired' | 'Conflict' | 'Failed';

export interface MeteringReport {
  id: number;
  subscriptionId: string;
  dimension: Dimension;
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
}

/** The outcome of one bucket's call. `correlationId` is the one written at claim; `requestId` the call's. */
export type MeteringSettlement = { id: number; correlationId: string; requestId?: string } & (
  | { status: 'Accepted'; usageEventId: string; acceptedQuantity: number }
  | { status: 'Conflict'; usageEventId?: string; acceptedQuantity: number; errorMessage: string }
  | { status: 'Retry' | 'Held'; nextAttemptAt: Date; errorCode: string; errorMessage: string }
  | { status: 'Failed'; errorCode: string; errorMessage: string }
  /** Too old for the API: the bucket's quantity moves into the next open hour at `now`. */
  | { status: 'Expired'; errorMessage: string }
);

export interface MeteringOverview {
  byStatus: Partial<Record<MeteringStatus, { reports: number; quantity: number }>>;
  /** Conflicts, failures and held reports, most recently updated first. */
  attention: MeteringReport[];
}

/** Accepted units of one subscription and dimension on one UTC day (billing periods start at midnight UTC). */
export interface AcceptedDay {
  subscriptionId: string;
  dimension: Dimension;
  /** `YYYY-MM-DD`. */
  day: string;
  quantity: number;
}

export interface MeteringRepo {
  /**
   * One transaction: each message not consumed before adds its billable units to the Open bucket of its
   * (subscription, dimension, hour) — or, when that hour was already submitted or is too old to be accepted
   * (older than `tooOldBefore`), to the next open hour — and is remembered as consumed. Messages with nothing
   * billable change nothing and need no memory.
   */
  consume(messages: readonly UsageMessage[], now: Date, tooOldBefore: Date): Promise<ConsumeOutcome>;
  /**
   * Buckets ready to submit, by due time: Open ones whose hour ended at or before `closedBefore`, Retry and Held
   * ones whose next attempt is due, InFlight ones whose lease ran out (all InFlight ones with `reclaimInFlight`:
   * after a crash they are sent again and settled by the duplicate rule).
   */
  listDue(input: { now: Date; closedBefore: Date; reclaimInFlight: boolean; limit: number }): Promise<DueReport[]>;
  /**
   * Claims buckets still eligible among `ids`: InFlight with a lease until `leaseUntil`, attempts + 1, the
   * correlation id of the call written — all before the HTTP call is made.
   */
  claim(
    ids: readonly number[],
    input: { now: Date; closedBefore: Date; leaseUntil: Date; reclaimInFlight: boolean; correlationId: string },
  ): Promise<MeteringReport[]>;
  /**
   * Records the outcome of calls. Only a bucket still InFlight under the same correlation id is settled (a worker
   * whose lease ran out and was reclaimed must not settle twice); Expired buckets carry their quantity into the next
   * open hour at `now`.
   */
  settle(outcomes: readonly MeteringSettlement[], now: Date): Promise<void>;
  get(subscriptionId: string, dimension: Dimension, hourStart: Date): Promise<MeteringReport | undefined>;
  list(filter?: { status?: MeteringStatus; subscriptionId?: string }): Promise<MeteringReport[]>;
  overview(attentionLimit: number): Promise<MeteringOverview>;
  /** Accepted units per subscription, dimension and UTC day of the hour, for hours at or after `from`. */
  acceptedByDay(from: Date): Promise<AcceptedDay[]>;
  /** Forgets consumed-message ids older than `before` (redeliveries come within minutes or hours). */
  pruneConsumed(before: Date): Promise<number>;
}
