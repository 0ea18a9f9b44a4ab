import type Database from 'better-sqlite3';
import type { Store } from '../store';
import { SqliteOutboxQueue } from './sqlite-outbox-queue';
import { sqliteAdmins } from './sqlite-admins';
import { sqliteAlerts } from './sqlite-alerts';
import { sqliteHistory } from './sqlite-history';
import { sqliteBilledVsSent } from './sqlite-billed-vs-sent';
import { sqliteAlertEvents, sqliteConversations, sqliteNotices } from './sqlite-outreach';
import { sqliteFeedback } from './sqlite-feedback';
import { sqliteConsole } from './sqlite-console';
import { sqliteMetering } from './sqlite-metering';
import { sqliteOperations } from './sqlite-operations';
import { openDatabase } from './sqlite-database';
import { sqlitePlans } from './sqlite-plans';
import { sqliteSeats } from './sqlite-seats';
import { sqliteRetention } from './sqlite-retention';
import { sqliteSubscriptions } from './sqlite-subscriptions';
import { sqliteTickets } from './sqlite-tickets';
import { sqliteTenantData } from './sqlite-tenant-data';
import { sqliteUsage } from './sqlite-usage';
import { sqliteUsers } from './sqlite-users';
import { WriteBatcher } from './write-batcher';

export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  /** The underlying handle, for the embedded queue and metering tables that share the file. */
  readonly db: Database.Database;
}

/** The embedded default store: one SQLite file, zero set-up. */
export function openSqliteStore(file: string): SqliteStore {
  const db = openDatabase(file);
  const ping = db.prepare('SELECT 1');
  const batcher = new WriteBatcher(db);
  const subscriptions = sqliteSubscriptions(db);
  return {
    kind: 'sqlite',
    db,
    async ping() {
      ping.get();
    },
    async close() {
      if (!db.open) return;
      batcher.flushNow();
      db.close();
    },
    plans: sqlitePlans(db),
    subscriptions,
    admins: sqliteAdmins(db),
    seats: sqliteSeats(db),
    usage: sqliteUsage(db, batcher),
    users: sqliteUsers(db, batcher),
    operations: sqliteOperations(db, batcher, subscriptions.upsertSync),
    metering: sqliteMetering(db, batcher),
    alerts: sqliteAlerts(db, batcher),
    history: sqliteHistory(db, batcher),
    billedVsSent: sqliteBilledVsSent(db, batcher),
    conversations: sqliteConversations(db, batcher),
    alertEvents: sqliteAlertEvents(db, batcher),
    notices: sqliteNotices(db, batcher),
    tickets: sqliteTickets(db, batcher),
    feedback: sqliteFeedback(db, batcher),
    console: sqliteConsole(db, batcher),
    retention: sqliteRetention(db, batcher),
    tenantData: sqliteTenantData(db, batcher),
    outboxQueue: (options) => new SqliteOutboxQueue(db, options),
  };
}
