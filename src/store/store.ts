import type { Dimension } from '../domain/billing-rules';
import type { Plan } from '../domain/plans';
import type { Subscription } from '../domain/subscription';
import type { UsageEvent } from '../domain/usage';

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
  record(input: RecordUsageInput): Promise<RecordOutcome>;
  counters(subscriptionId: string, periodStart: Date): Promise<UsageCounter[]>;
  daily(subscriptionId: string, from: Date, to: Date): Promise<DailyUsage[]>;
  topUsers(subscriptionId: string, from: Date, to: Date, limit: number): Promise<UserUsage[]>;
}
