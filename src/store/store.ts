import type { Comparison, ComparisonOutcome, OutcomeCounts } from '../domain/billed-vs-sent';
import type { UsageKind } from '../domain/billing-rules';
import type { HistoryExchange } from '../domain/conversation-history';
import type { QuotaHold } from '../domain/turn-envelope';
import type { Clock } from '../domain/clock';
import type { UsageQueue } from '../queue/usage-queue';
import type { Plan } from '../domain/plans';
import type { Subscription } from '../domain/subscription';
import type { UsageEvent, UsageMessage } from '../domain/usage';
import type { AlertEventRepo, ConversationRepo, NoticeRepo } from './outreach-repos';
import type { TicketRepo } from './ticket-repo';
import type { FeedbackRepo } from './feedback-repo';
import type { ConsoleRepo } from './console-repo';

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
  alerts: AlertRepo;
  history: ConversationHistoryRepo;
  billedVsSent: BilledVsSentRepo;
  /** Proactive messages (issue 13): conversation references, operator alert events, tenant notices. */
  conversations: ConversationRepo;
  alertEvents: AlertEventRepo;
  notices: NoticeRepo;
  /** Support tickets and their messages (issue 13). */
  tickets: TicketRepo;
  /** 👍/👎 on AI answers and the content reports among them (src/store/feedback-repo.ts). */
  feedback: FeedbackRepo;
  /** The publisher console's aggregate queries (src/store/console-repo.ts). */
  console: ConsoleRepo;
  retention: RetentionRepo;
  tenantData: TenantDataRepo;
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

/** One step of a job that walks a table in order: what it did, and where to go on (absent: it reached the end). */
export interface RetentionStep {
  /** Rows written (rolled up, deleted or scrubbed) by this step. */
  rows: number;
  /** Opaque position to pass to the next step; absent when there is nothing more to do in this pass. */
  next?: string;
}

/**
 * Bounded data growth (issue 14, src/retention/retention-job.ts): usage events rolled up into daily aggregates,
 * raw events deleted past their retention once billed and settled, message text cleared past its own retention.
 * Every step is one short transaction over at most `limit` rows, so turns never wait long behind it.
 */
export interface RetentionRepo {
  /**
   * Takes (or renews, for the same holder) the lease `name` until `until`. False while another holder's lease is
   * live: maintenance jobs run on one instance at a time.
   */
  lease(name: string, holder: string, now: Date, until: Date): Promise<boolean>;
  /** Gives the lease back (only the holder's own). */
  releaseLease(name: string, holder: string): Promise<void>;
  /**
   * Adds at most `limit` usage events not rolled up yet to the daily aggregates (subscription, day, user,
   * dimension, plan: turns, units, billable units, tokens), to the per-(subscription, day, dimension) totals and to
   * the per-(subscription, billing period, user) totals, and marks them rolled up, in one transaction. Returns how
   * many; 0 when every event is rolled up. Each event is counted once, ever.
   */
  rollUp(limit: number): Promise<number>;
  /**
   * Deletes at most `limit` raw usage events that occurred before `before`, are rolled up, have left the usage
   * outbox (the metering worker consumed them), and, when they carry billable units, whose subscription and
   * dimension have no metering bucket still unsettled (Open, InFlight, Retry, Held, Failed, Conflict). Never any
   * other event. `after` continues a pass (the previous step's `next`).
   */
  purgeEvents(input: { before: Date; limit: number; after?: string }): Promise<RetentionStep>;
  /** Clears the message and response text of at most `limit` events that occurred before `before`. */
  scrubText(input: { before: Date; limit: number; after?: string }): Promise<RetentionStep>;
}

/**
 * A tenant's data, erased on request once its subscriptions ended and the keep period passed
 * (src/domain/tenant-erasure.ts decides when; `npm run tenant:erase` asks). Each store lists its tenant data as
 * facets, one deletion each (src/store/sqlite/sqlite-tenant-data.ts, src/store/mssql/mssql-tenant-data.ts): a
 * feature that stores tenant data adds its facet there.
 */
export interface TenantDataRepo {
  /** Rows of the tenant per facet (nothing deleted). */
  count(tenantId: string): Promise<Record<string, number>>;
  /** Deletes every row of the tenant, facet by facet, in one transaction; returns the rows deleted per facet. */
  erase(tenantId: string): Promise<Record<string, number>>;
}

import type { MeteringStatus } from '../domain/metering';
import type { MeteringSettlement } from '../domain/metering-settlement';
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

/** A problem the operator must see while it lasts (e.g. the worker cannot authenticate to the Marketplace). */
export interface SystemAlert {
  key: string;
  message: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** How many times it was raised since it was first seen. */
  count: number;
}

export interface AlertRepo {
  /** Raises or refreshes the alert `key` (one row per key while it lasts). */
  raise(key: string, message: string, at: Date): Promise<void>;
  /** The problem is gone; false when it was not raised. */
  clear(key: string, at: Date): Promise<boolean>;
  active(): Promise<SystemAlert[]>;
}

/** A conversation's stored history and its version (0: none stored), for an optimistic write. */
export interface StoredHistory {
  exchanges: HistoryExchange[];
  version: number;
}

/**
 * Conversation history shared by every instance (src/domain/conversation-history.ts), keyed by `historyKeyOf`. One
 * row per conversation: a turn reads it once and writes it once. A write names the version it read, so two turns of
 * one conversation at the same moment cannot lose each other's exchange: the second is told `conflict` and merges.
 */
export interface ConversationHistoryRepo {
  /** The history of a conversation at `now`: empty (with the row's version) once it has expired. */
  load(key: string, now: Date): Promise<StoredHistory>;
  /**
   * Writes the history if the stored version is still `expectedVersion` (0: no row), and bumps it; `conflict`
   * otherwise (another turn wrote, the conversation was reset, or the sweep removed it): nothing is written.
   */
  save(
    input: { key: string; tenantId: string; exchanges: readonly HistoryExchange[]; expiresAt: Date; at: Date; expectedVersion: number },
    options?: WriteOptions,
  ): Promise<'saved' | 'conflict'>;
  /** Forgets a conversation's history (`new chat`). False when there was none. */
  clear(key: string): Promise<boolean>;
  /** Deletes every history expired at `now`; returns how many. */
  deleteExpired(now: Date): Promise<number>;
}


/** One run of the billed-vs-sent job (src/worker/billed-vs-sent-job.ts): the days it compared and what it found. */
export interface BilledVsSentRun {
  id: number;
  /** `schedule`: the worker's daily run; `manual`: `npm run billed-vs-sent` or a test. */
  trigger: 'schedule' | 'manual';
  /** `Running` until it ends; a run whose process died stays so until the next run takes the lease. */
  status: 'Running' | 'Done' | 'Failed';
  startedAt: Date;
  finishedAt?: Date;
  /** `YYYY-MM-DD`, the first and last day compared (UTC), both included. */
  firstDay: string;
  lastDay: string;
  /** Keys per outcome (all zero until Done). */
  counts: OutcomeCounts;
  /** Failed: why (e.g. the Marketplace did not answer); the next run compares those days again. */
  error?: string;
}

/** One stored comparison: the latest for its (day, subscription, dimension, plan). */
export interface BilledVsSentRow extends Comparison {
  runId: number;
  comparedAt: Date;
}

export interface BilledVsSentFilter {
  /** `YYYY-MM-DD`, both included. */
  fromDay?: string;
  toDay?: string;
  /** Only the outcomes an operator must look at (mismatches, rejected and missing rows). */
  onlyProblems?: boolean;
  subscriptionId?: string;
  outcome?: ComparisonOutcome;
  /** Default 100, at most 1000. */
  limit?: number;
  offset?: number;
}

/** Accepted units of the ledger summed per UTC day, subscription, usage kind and plan. */
export interface LedgerDayTotal {
  day: string;
  subscriptionId: string;
  dimension: UsageKind;
  planId: string;
  quantity: number;
  hours: number;
}

export interface BilledVsSentRepo {
  /**
   * Takes the job's lease (one row, so one run at a time across every instance) and records a Running run; undefined
   * when another owner holds a live lease, or, with `notDoneSince`, when a run that started at or after it is Done
   * (today's scheduled run happened). Runs left Running by an owner whose lease ran out are marked Failed.
   */
  startRun(input: {
    owner: string;
    trigger: BilledVsSentRun['trigger'];
    now: Date;
    leaseUntil: Date;
    firstDay: string;
    lastDay: string;
    notDoneSince?: Date;
  }): Promise<number | undefined>;
  /** Extends the lease of a long run; false when it is not ours any more. */
  renewLease(owner: string, now: Date, leaseUntil: Date): Promise<boolean>;
  /**
   * One transaction: the comparisons of `days` replace those stored for them (so a second run for a day changes
   * nothing but the run id and time), the run is Done with its counts, and the lease is freed.
   */
  finishRun(input: {
    runId: number;
    owner: string;
    now: Date;
    days: readonly string[];
    comparisons: readonly Comparison[];
  }): Promise<void>;
  /** The run failed (stored comparisons are kept); the lease is freed. */
  failRun(input: { runId: number; owner: string; now: Date; error: string }): Promise<void>;
  /**
   * What the ledger holds as billed, per day: hours the Marketplace accepted (Accepted, and Conflict or Resolved ones
   * whose accepted quantity it told us), by the UTC day of the hour, for days `fromDay` to `toDay` included.
   */
  ledger(fromDay: string, toDay: string): Promise<LedgerDayTotal[]>;
  /** The newest run (any status). */
  latestRun(): Promise<BilledVsSentRun | undefined>;
  /** The newest runs first. */
  runs(limit: number): Promise<BilledVsSentRun[]>;
  /** Stored comparisons, newest day first, then subscription, dimension and plan. */
  rows(filter?: BilledVsSentFilter): Promise<BilledVsSentRow[]>;
  /** Comparisons per outcome under the same filter (limit and offset ignored). */
  counts(filter?: BilledVsSentFilter): Promise<OutcomeCounts>;
  /** Forgets comparisons of days before `beforeDay` and runs started before it; returns the comparisons removed. */
  prune(beforeDay: string): Promise<number>;
}
