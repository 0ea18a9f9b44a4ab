import type { Config } from '../config';
import type { Logger } from '../logger';
import { openSqliteStore } from './sqlite/sqlite-store';
import type { Store } from './store';

/** The store the configuration asks for. */
export async function openStore(config: Readonly<Config>, logger: Logger): Promise<Store> {
  if (config.store.kind === 'mssql') {
    // Loaded only here, so that an embedded-store run never loads mssql and tedious.
    const { openMssqlStore } = await import('./mssql/mssql-store.js');
    const { server, database } = config.store;
    logger.debug(
      { server, database, connectionString: config.store.connectionString !== undefined },
      'opening the Azure SQL store',
    );
    return openMssqlStore(
      {
        store: config.store,
        ...(config.azureClientId ? { azureClientId: config.azureClientId } : {}),
        ...(config.identityEndpoint ? { identityEndpoint: config.identityEndpoint } : {}),
      },
      logger,
    );
  }
  logger.debug({ file: config.sqliteFile }, 'opening the embedded store');
  return openSqliteStore(config.sqliteFile);
}
