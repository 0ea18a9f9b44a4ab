import type { TokenCredential } from '@azure/identity';
import * as sql from 'mssql';
import type { Logger } from '../../logger';
import type { Store } from '../store';
import { mssqlAdmins } from './mssql-admins';
import { mssqlAlerts } from './mssql-alerts';
import { mssqlHistory } from './mssql-history';
import { mssqlBilledVsSent } from './mssql-billed-vs-sent';
import { mssqlAlertEvents, mssqlConversations, mssqlNotices } from './mssql-outreach';
import { mssqlFeedback } from './mssql-feedback';
import { mssqlConsole } from './mssql-console';
import { buildConnectionConfig, type MssqlStoreConfig } from './mssql-connection';
import { MssqlDatabase } from './mssql-database';
import { mssqlMetering } from './mssql-metering';
import { migrate } from './mssql-migrate';
import { MssqlOutboxQueue } from './mssql-outbox-queue';
import { mssqlOperations } from './mssql-operations';
import { mssqlPlans } from './mssql-plans';
import { mssqlSeats } from './mssql-seats';
import { mssqlRetention } from './mssql-retention';
import { mssqlSubscriptions } from './mssql-subscriptions';
import { mssqlTickets } from './mssql-tickets';
import { mssqlTenantData } from './mssql-tenant-data';
import { mssqlUsage } from './mssql-usage';
import { mssqlUsers } from './mssql-users';

export interface MssqlStore extends Store {
  readonly kind: 'mssql';
  /** The pool and schema, for tools and tests that look at tables the port does not expose. */
  readonly db: MssqlDatabase;
}

export interface MssqlStoreOptions {
  /** Schema of every table; `dbo` unless a test isolates itself in a schema of its own. */
  schema?: string;
  /** Builds the Entra credential (tests). */
  makeCredential?: (clientId: string | undefined) => TokenCredential;
}

/**
 * The Azure SQL store: connects (connection string, or server + database with a managed identity token), brings the
 * schema up to date under a lock, and serves the same port as the embedded store.
 */
export async function openMssqlStore(
  config: { store: MssqlStoreConfig; azureClientId?: string; identityEndpoint?: string },
  logger: Logger,
  options: MssqlStoreOptions = {},
): Promise<MssqlStore> {
  const pool = new sql.ConnectionPool(
    buildConnectionConfig({
      store: config.store,
      ...(config.azureClientId ? { azureClientId: config.azureClientId } : {}),
      ...(config.identityEndpoint ? { identityEndpoint: config.identityEndpoint } : {}),
      ...(options.makeCredential ? { makeCredential: options.makeCredential } : {}),
    }),
  );
  // A broken idle connection is reported here; without a listener it would crash the process.
  pool.on('error', (error) => logger.error({ err: error }, 'Azure SQL connection error'));
  await pool.connect();
  const db = new MssqlDatabase(pool, options.schema ?? 'dbo', logger);
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ versions: applied, schema: db.schema }, 'Azure SQL migrations applied');
  } catch (error) {
    await pool.close().catch(() => undefined);
    throw error;
  }

  const subscriptions = mssqlSubscriptions(db);
  return {
    kind: 'mssql',
    db,
    async ping() {
      await db.query('SELECT 1 AS ok');
    },
    async close() {
      await db.close();
    },
    plans: mssqlPlans(db),
    subscriptions,
    admins: mssqlAdmins(db),
    seats: mssqlSeats(db),
    usage: mssqlUsage(db),
    users: mssqlUsers(db),
    operations: mssqlOperations(db, subscriptions),
    metering: mssqlMetering(db),
    alerts: mssqlAlerts(db),
    history: mssqlHistory(db),
    billedVsSent: mssqlBilledVsSent(db),
    conversations: mssqlConversations(db),
    alertEvents: mssqlAlertEvents(db),
    notices: mssqlNotices(db),
    tickets: mssqlTickets(db),
    feedback: mssqlFeedback(db),
    console: mssqlConsole(db),
    retention: mssqlRetention(db),
    tenantData: mssqlTenantData(db),
    outboxQueue: (queueOptions) => new MssqlOutboxQueue(db, queueOptions),
  };
}
