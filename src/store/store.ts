import type { Clock } from '../domain/clock';
import type { UsageQueue } from '../queue/usage-queue';
import type { AdminRepo } from './admin-repo';
import type { BilledVsSentRepo } from './billed-vs-sent-repo';
import type { ConsoleRepo } from './console-repo';
import type { FeedbackRepo } from './feedback-repo';
import type { ConversationHistoryRepo } from './history-repo';
import type { MeteringRepo } from './metering-repo';
import type { OperationRepo } from './operation-repo';
import type { AlertEventRepo, ConversationRepo, NoticeRepo } from './outreach-repos';
import type { PlanRepo } from './plan-repo';
import type { RetentionRepo } from './retention-repo';
import type { SeatRepo } from './seat-repo';
import type { SubscriptionRepo } from './subscription-repo';
import type { AlertRepo } from './system-alert-repo';
import type { TenantDataRepo } from './tenant-data-repo';
import type { TicketRepo } from './ticket-repo';
import type { UsageRepo } from './usage-repo';
import type { UserDirectoryRepo } from './user-directory-repo';

/**
 * The storage port. The embedded SQLite store and the Azure SQL store implement it and pass the same contract
 * tests. Every method that moves money (reserve, record, metering) is one transaction and idempotent.
 *
 * It is the assembly of facets: each facet's interface and types live in a file named for it beside this one
 * (src/store/usage-repo.ts, metering-repo.ts, …), and each store implements a facet in its own file
 * (src/store/sqlite/sqlite-usage.ts, src/store/mssql/mssql-usage.ts). Row mapping shared by both stores is in the
 * `*-rows.ts` files and row-mapping.ts.
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
  /** Problems the operator must see while they last (src/store/system-alert-repo.ts). */
  alerts: AlertRepo;
  history: ConversationHistoryRepo;
  billedVsSent: BilledVsSentRepo;
  /** Proactive messages (issue 13, src/store/outreach-repos.ts): conversation references, operator alert events, tenant notices. */
  conversations: ConversationRepo;
  alertEvents: AlertEventRepo;
  notices: NoticeRepo;
  /** Support tickets and their messages (issue 13, src/store/ticket-repo.ts). */
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

// The facets' types, exported here too: most of the code imports them from this file.
export type { AdminRepo, TenantAdmin } from './admin-repo';
export type {
  BilledVsSentFilter,
  BilledVsSentRepo,
  BilledVsSentRow,
  BilledVsSentRun,
  LedgerDayTotal,
} from './billed-vs-sent-repo';
export type { ConversationHistoryRepo, StoredHistory } from './history-repo';
export type {
  AcceptedDay,
  ConsumeOutcome,
  DueReport,
  MeteringActionOutcome,
  MeteringOverview,
  MeteringReport,
  MeteringRepo,
  MeteringSettlement,
  MeteringStatus,
} from './metering-repo';
export type { OperationOutcome, OperationRepo, OperationSource, SubscriptionOperationRecord } from './operation-repo';
export type { PlanRepo } from './plan-repo';
export type { RetentionRepo, RetentionStep } from './retention-repo';
export type { SeatAssignment, SeatClaim, SeatRepo } from './seat-repo';
export type { SubscriptionRepo } from './subscription-repo';
export type { AlertRepo, SystemAlert } from './system-alert-repo';
export type { TenantDataRepo } from './tenant-data-repo';
export type {
  ClaimOutcome,
  DailyUsage,
  RecordOutcome,
  RecordUsageInput,
  TurnClaim,
  UsageCounter,
  UsageRepo,
  UserUsage,
} from './usage-repo';
export type { KnownUser, UserDirectoryRepo } from './user-directory-repo';
export type { WriteOptions } from './write-options';
