import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { afterEach, describe, expect, it } from 'vitest';
import { azureIdentityOf, loadBootstrapConfig, loadConfig } from '../../src/config';
import { chooseAzureCredential, createAzureCredential } from '../../src/secrets/azure-credential';

/**
 * Which credential Azure clients use: the managed identity credential itself where App Service provides one
 * (`IDENTITY_ENDPOINT`), DefaultAzureCredential's chain elsewhere (a developer's machine).
 */
describe('Azure credential choice', () => {
  const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };
  const servers: http.Server[] = [];
  afterEach(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  it('uses the managed identity credential when IDENTITY_ENDPOINT is configured, the default chain otherwise', () => {
    const inAzure = azureIdentityOf(
      loadConfig({ NODE_ENV: 'test', AZURE_CLIENT_ID: 'mi-client', IDENTITY_ENDPOINT: 'http://127.0.0.1:41234/msi/token' }),
    );
    expect(inAzure).toEqual({ clientId: 'mi-client', identityEndpoint: 'http://127.0.0.1:41234/msi/token' });
    expect(chooseAzureCredential(inAzure)).toBe('managed-identity');
    expect(createAzureCredential(inAzure)).toBeInstanceOf(ManagedIdentityCredential);

    const local = azureIdentityOf(loadConfig({ NODE_ENV: 'test', AZURE_CLIENT_ID: 'mi-client' }));
    expect(chooseAzureCredential(local)).toBe('default-chain');
    expect(createAzureCredential(local)).toBeInstanceOf(DefaultAzureCredential);
    expect(chooseAzureCredential({})).toBe('default-chain');
    expect(loadBootstrapConfig({ IDENTITY_ENDPOINT: 'http://127.0.0.1:41234/msi/token' }).identityEndpoint).toBe(
      'http://127.0.0.1:41234/msi/token',
    );
  });

  it('fetches its token from the App Service identity endpoint alone, for the configured identity', async () => {
    const requests: { url: string; header: string | undefined }[] = [];
    const server = http.createServer((req, res) => {
      requests.push({ url: req.url ?? '', header: req.headers['x-identity-header'] as string | undefined });
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          access_token: 'mi-access-token',
          expires_on: String(Math.floor(Date.now() / 1000) + 3600),
          resource: 'https://vault.azure.net',
          token_type: 'Bearer',
          client_id: 'mi-client',
        }),
      );
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/msi/token`;
    // What App Service sets for the process (the SDK reads them itself).
    process.env.IDENTITY_ENDPOINT = endpoint;
    process.env.IDENTITY_HEADER = 'identity-header-secret';

    const credential = createAzureCredential({ clientId: 'mi-client', identityEndpoint: endpoint });
    const token = await credential.getToken('https://vault.azure.net/.default');

    expect(token?.token).toBe('mi-access-token');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.header).toBe('identity-header-secret');
    const query = new URL(requests[0]!.url, endpoint).searchParams;
    expect(query.get('resource')).toBe('https://vault.azure.net');
    expect(query.get('client_id')).toBe('mi-client');
  });
});

describe('telemetry offline storage folder', () => {
  it('is under /home on App Service (kept across restarts), under ./data elsewhere, or as configured', () => {
    expect(loadBootstrapConfig({ WEBSITE_SITE_NAME: 'contoso-bot' }).telemetryStorageDir).toBe('/home/data/telemetry');
    expect(loadBootstrapConfig({}).telemetryStorageDir).toMatch(/\/data\/telemetry$/);
    expect(loadBootstrapConfig({ TELEMETRY_STORAGE_DIR: '/mnt/telemetry' }).telemetryStorageDir).toBe('/mnt/telemetry');
  });
});
