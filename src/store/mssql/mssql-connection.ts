import type { TokenCredential } from '@azure/identity';
import * as sql from 'mssql';
import type { Config } from '../../config';
import { AppError } from '../../domain/errors';
import { createAzureCredential } from '../../secrets/azure-credential';

export type MssqlStoreConfig = Extract<Config['store'], { kind: 'mssql' }>;

export interface ConnectionInput {
  store: MssqlStoreConfig;
  /** User-assigned managed identity (`AZURE_CLIENT_ID`); none = the system-assigned one or the developer's login. */
  azureClientId?: string;
  /** App Service's managed identity endpoint (`IDENTITY_ENDPOINT`): the managed identity credential is used directly. */
  identityEndpoint?: string;
  /** Builds the Entra credential; tests pass a fake. */
  makeCredential?: (clientId: string | undefined) => TokenCredential;
}

const APP_NAME = 'teams-saas-bot';
/** Azure SQL serverless can take tens of seconds to resume from auto-pause. */
const CONNECT_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const IDLE_TIMEOUT_MS = 30_000;

/**
 * The pool configuration for a connection string, or for server + database with an Entra token and no password.
 * One credential object serves the whole pool (tedious' own `azure-active-directory-default` would build one per
 * connection and fetch a token for each); it caches and refreshes the token. Always encrypted; transactions are
 * aborted by the server on any error (XACT_ABORT), so a failed statement can never leave half a transaction open.
 */
export function buildConnectionConfig(input: ConnectionInput): sql.config {
  const { store } = input;
  const credential = () => ({
    type: 'token-credential',
    options: {
      credential: input.makeCredential
        ? input.makeCredential(input.azureClientId)
        : createAzureCredential({
            ...(input.azureClientId ? { clientId: input.azureClientId } : {}),
            ...(input.identityEndpoint ? { identityEndpoint: input.identityEndpoint } : {}),
          }),
    },
  });
  const common = {
    connectionTimeout: CONNECT_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    pool: { max: store.poolMax, min: 0, idleTimeoutMillis: IDLE_TIMEOUT_MS },
  };
  const options = { useUTC: true, abortTransactionOnError: true, appName: APP_NAME };

  if (store.connectionString) {
    let parsed: sql.config;
    try {
      parsed = sql.ConnectionPool.parseConnectionString(store.connectionString);
    } catch {
      // The parser's message can quote the string, password included: it stays out of errors and logs.
      throw new AppError('ConfigInvalid', 'MSSQL_CONNECTION_STRING could not be parsed');
    }
    if (!parsed.server) throw new AppError('ConfigInvalid', 'MSSQL_CONNECTION_STRING must name a server (Server=…)');
    // No user, no token, no secret: an Entra login through the managed identity, as with server + database
    // (mssql reads `Authentication=Active Directory Default` as SQL authentication without a user).
    const entra =
      !parsed.user &&
      !parsed.token &&
      !parsed.clientSecret &&
      !parsed.msiEndpoint &&
      (parsed.authentication_type === undefined ||
        parsed.authentication_type === 'default' ||
        parsed.authentication_type === 'azure-active-directory-default');
    // Timeouts written in the string win over the defaults; the pool size is ours (MSSQL_POOL_MAX).
    return {
      ...common,
      ...parsed,
      pool: { ...parsed.pool, ...common.pool },
      options: { ...parsed.options, ...options, encrypt: true },
      ...(entra ? { authentication: credential() } : {}),
    };
  }

  if (!store.server || !store.database) {
    throw new AppError('ConfigInvalid', 'MSSQL_SERVER and MSSQL_DATABASE must be set when there is no MSSQL_CONNECTION_STRING');
  }
  const { host, port } = parseServer(store.server);
  return {
    ...common,
    server: host,
    port,
    database: store.database,
    options: { ...options, encrypt: true, trustServerCertificate: false },
    authentication: credential(),
  };
}

/** `myserver.database.windows.net`, `tcp:myserver.database.windows.net,1433` (as the Azure portal shows it). */
export function parseServer(server: string): { host: string; port: number } {
  const match = /^(?:tcp:)?([^,\s]+)(?:,(\d+))?$/i.exec(server.trim());
  if (!match) throw new AppError('ConfigInvalid', `MSSQL_SERVER must be a host name, optionally ",port" (got "${server}")`);
  return { host: match[1]!, port: match[2] ? Number(match[2]) : 1433 };
}
