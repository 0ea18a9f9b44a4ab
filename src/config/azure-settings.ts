import type { Config } from '../config';
import type { ConfigProblems, Reader } from '../config-reader';

/** Where the data and the queue live (embedded or Azure), and the Azure identity, vault and telemetry settings. */
export type AzureSettings = Pick<
  Config,
  | 'store'
  | 'queue'
  | 'azureClientId'
  | 'identityEndpoint'
  | 'keyVaultUrl'
  | 'applicationInsightsConnectionString'
  | 'marketplaceSecretExpiresAt'
  | 'adminApiToken'
>;

export function loadAzure(r: Reader, problems: ConfigProblems): AzureSettings {
  const settings: AzureSettings = { store: { kind: 'sqlite' }, queue: { kind: 'outbox' } };
  const storeKind = r.oneOf('STORE', ['sqlite', 'mssql'], 'sqlite');
  if (storeKind === 'mssql') {
    const connectionString = r.str('MSSQL_CONNECTION_STRING');
    const server = r.str('MSSQL_SERVER');
    const database = r.str('MSSQL_DATABASE');
    if (!connectionString && !(server && database))
      problems.add('MSSQL_SERVER', 'set with MSSQL_DATABASE (or MSSQL_CONNECTION_STRING) when STORE=mssql');
    settings.store = {
      kind: 'mssql',
      ...(connectionString ? { connectionString } : {}),
      ...(server ? { server } : {}),
      ...(database ? { database } : {}),
      poolMax: r.int('MSSQL_POOL_MAX', 10, 1, 200),
    };
  }
  const queueKind = r.oneOf('QUEUE', ['outbox', 'servicebus'], 'outbox');
  if (queueKind === 'servicebus') {
    const connectionString = r.str('SERVICEBUS_CONNECTION_STRING');
    const namespace = r.str('SERVICEBUS_NAMESPACE');
    if (!connectionString && !namespace)
      problems.add('SERVICEBUS_NAMESPACE', 'set (or SERVICEBUS_CONNECTION_STRING) when QUEUE=servicebus');
    settings.queue = {
      kind: 'servicebus',
      ...(connectionString ? { connectionString } : {}),
      ...(namespace ? { namespace } : {}),
      queueName: r.str('SERVICEBUS_QUEUE', 'usage-reporting-queue')!,
    };
  }
  const clientId = r.str('AZURE_CLIENT_ID');
  if (clientId) settings.azureClientId = clientId;
  const identityEndpoint = r.str('IDENTITY_ENDPOINT');
  if (identityEndpoint) settings.identityEndpoint = identityEndpoint;
  const vault = r.url('KEY_VAULT_URL');
  if (vault) settings.keyVaultUrl = vault;
  const insights = r.str('APPLICATIONINSIGHTS_CONNECTION_STRING');
  if (insights) settings.applicationInsightsConnectionString = insights;
  const expires = r.str('MARKETPLACE_CLIENT_SECRET_EXPIRES_AT');
  if (expires) {
    const date = new Date(expires);
    if (Number.isNaN(date.getTime()))
      problems.add('MARKETPLACE_CLIENT_SECRET_EXPIRES_AT', 'an ISO date (e.g. 2027-03-31)', expires);
    else settings.marketplaceSecretExpiresAt = date;
  }
  const adminToken = r.str('ADMIN_API_TOKEN');
  if (adminToken) {
    if (adminToken.length < 32) problems.add('ADMIN_API_TOKEN', 'at least 32 characters');
    settings.adminApiToken = adminToken;
  }
  return settings;
}
