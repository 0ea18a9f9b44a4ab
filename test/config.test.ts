import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadBootstrapConfig, loadConfig } from '../src/config';
import { logLines, spawnEntryPoint } from './helpers/child-process';
import { PRODUCTION_ENV } from './helpers/production-env';

const ROOT = path.resolve(__dirname, '..');
/** The smallest configuration production accepts. */
const production = PRODUCTION_ENV;

/** The message of what `load` throws. */
function problemsOf(load: () => unknown): string {
  try {
    load();
  } catch (thrown) {
    return (thrown as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('config', () => {
  it('runs with no settings at all in development: embedded store, offline model, dev seed, auth off', () => {
    const c = loadConfig({});
    expect(c.env).toBe('development');
    expect(c.port).toBe(3978);
    expect(c.sqliteFile).toBe(path.resolve('data', 'bot.sqlite'));
    expect(c.model.kind).toBe('offline');
    expect(c.devSeed).toBe(true);
    expect(c.bot.appId).toBe('');
    expect(Object.isFrozen(c) && Object.isFrozen(c.enforcement)).toBe(true);
    expect(c.emulator.enabled).toBe(true);
    expect(c.marketplace.apiBaseUrl).toBe('http://localhost:3978/emulator/api');
    expect(c.marketplace.auth.kind).toBe('emulator');
    expect(c.marketplace.webhook.jwksUrl).toBe('http://localhost:3978/emulator/keys');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be an integer between 0 and 65535 (got "eighty")'],
    [{ PORT: '70000' }, 'PORT must be an integer'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ STORE_MESSAGE_TEXT: 'maybe' }, 'STORE_MESSAGE_TEXT must be true or false'],
    [{ OPENAI_BASE_URL: 'localhost:1234' }, 'OPENAI_BASE_URL must be an absolute http(s) URL'],
    [{ AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com' }, 'AZURE_OPENAI_DEPLOYMENT must be set'],
    [{ MAX_BODY_BYTES: '10' }, 'MAX_BODY_BYTES must be an integer between 1024'],
  ])('names the variable of a bad value (%o)', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('picks the model from the settings', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'k' }).model).toMatchObject({ kind: 'openai', apiKey: 'k', model: 'gpt-4o-mini' });
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_MODEL: 'llama' }).model).toMatchObject({
      kind: 'openai',
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'llama',
    });
    expect(
      loadConfig({ AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com/', AZURE_OPENAI_DEPLOYMENT: 'gpt4o' }).model,
    ).toMatchObject({ kind: 'azure-openai', endpoint: 'https://x.openai.azure.com', deployment: 'gpt4o' });
  });

  describe('production guards', () => {
    it('accepts a complete production configuration: real Marketplace, managed identity, Entra webhook tokens', () => {
      const c = loadConfig(production);
      expect(c.publicUrl).toBe('https://bot.contoso.example');
      expect(c.links.landingPageUrl).toBe('https://bot.contoso.example/landing');
      expect(c.landing.sso).toEqual({
        clientId: 'landing-app-id',
        clientSecret: 'landing-secret',
        authority: 'https://login.microsoftonline.com/organizations',
      });
      expect(c.authOverrides).toEqual({});
      expect(c.devSeed).toBe(false);
      expect(c.host).toBe('0.0.0.0');
      expect(c.emulator.enabled).toBe(false);
      expect(c.marketplace.apiBaseUrl).toBe('https://marketplaceapi.microsoft.com/api');
      expect(c.marketplace.auth).toEqual({ kind: 'managed-identity' });
      expect(c.marketplace.webhook).toMatchObject({
        audience: 'fulfillment-app-id',
        tenantId: 'publisher-tenant',
        issuers: ['https://sts.windows.net/publisher-tenant/', 'https://login.microsoftonline.com/publisher-tenant/v2.0'],
        jwksUrl: 'https://login.microsoftonline.com/publisher-tenant/discovery/v2.0/keys',
        callerAppId: '20e940b3-4c77-4b0b-9a53-9e16a1b010a7',
      });
    });

    it.each([
      [{ BOT_ID: '' }, 'BOT_ID must be set in production'],
      [{ BOT_PASSWORD: '' }, 'BOT_PASSWORD must be set'],
      [{ BOT_TENANT_ID: '' }, 'BOT_TENANT_ID must be set'],
      [{ DEV_SEED: 'true' }, 'DEV_SEED must be off in production'],
      [{ OPENAI_API_KEY: '' }, 'the offline model is for development only'],
      [{ EMULATOR: 'true' }, 'EMULATOR must be off in production'],
      [{ MARKETPLACE_WEBHOOK_AUDIENCE: '' }, 'MARKETPLACE_WEBHOOK_AUDIENCE must be set in production'],
      [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET must be at least 32 characters'],
      // Marketplace requires Entra sign-in on the landing page of a transactable offer.
      [{ LANDING_SSO_CLIENT_ID: '' }, 'LANDING_SSO_CLIENT_ID must be set in production (Marketplace requires Entra sign-in'],
      [{ LANDING_SSO_CLIENT_SECRET: '' }, 'LANDING_SSO_CLIENT_SECRET must be set in production'],
      // The session cookie is Secure only behind an https PUBLIC_URL; links would point at localhost.
      [{ PUBLIC_URL: '' }, "PUBLIC_URL must be set in production to this service's https base URL"],
      [
        { PUBLIC_URL: 'http://bot.contoso.example' },
        'PUBLIC_URL must be an https URL in production (got "http://bot.contoso.example")',
      ],
      [
        { MARKETPLACE_API_BASE_URL: 'http://marketplace.example/api' },
        'MARKETPLACE_API_BASE_URL must be an https URL in production',
      ],
      [{ LANDING_PAGE_URL: 'http://bot.contoso.example/landing' }, 'LANDING_PAGE_URL must be an https URL in production'],
      [{ LANDING_SSO_AUTHORITY: 'http://login.example/tenant' }, 'LANDING_SSO_AUTHORITY must be an https URL in production'],
      [{ KEY_VAULT_URL: 'http://vault.example' }, 'KEY_VAULT_URL must be an https URL in production'],
      [
        { AZURE_OPENAI_ENDPOINT: 'http://x.openai.azure.com', AZURE_OPENAI_DEPLOYMENT: 'd' },
        'AZURE_OPENAI_ENDPOINT must be an https URL',
      ],
      [{ OPENAI_BASE_URL: 'http://10.0.0.5:8000/v1' }, 'OPENAI_BASE_URL must be an https URL in production'],
      // Test-only authentication overrides: refused without the opt-in, even over https.
      [
        { BOT_OPENID_METADATA_URL: 'https://keys.example/.well-known/openidconfiguration' },
        'BOT_OPENID_METADATA_URL must be unset in production: it replaces what inbound tokens are checked against',
      ],
      [{ BOT_TOKEN_ISSUER: 'https://issuer.example' }, 'BOT_TOKEN_ISSUER must be unset in production'],
      [{ MARKETPLACE_WEBHOOK_JWKS_URL: 'https://keys.example/jwks' }, 'MARKETPLACE_WEBHOOK_JWKS_URL must be unset in production'],
      [{ MARKETPLACE_WEBHOOK_ISSUER: 'https://issuer.example/' }, 'MARKETPLACE_WEBHOOK_ISSUER must be unset in production'],
      // With the opt-in, still only over https.
      ...(
        ['BOT_OPENID_METADATA_URL', 'BOT_TOKEN_ISSUER', 'MARKETPLACE_WEBHOOK_JWKS_URL', 'MARKETPLACE_WEBHOOK_ISSUER'] as const
      ).map(
        (name) =>
          [
            { ALLOW_AUTH_OVERRIDES: 'true', [name]: 'http://127.0.0.1:8080/keys' },
            `${name} must be an https URL in production (got "http://127.0.0.1:8080/keys")`,
          ] as [Record<string, string>, string],
      ),
    ])('refuses %o', (change, message) => {
      expect(() => loadConfig({ ...production, ...change })).toThrow(message);
    });

    it('reports every problem in one message, each naming its variable', () => {
      const message = problemsOf(() =>
        loadConfig({
          ...production,
          PUBLIC_URL: 'http://bot.contoso.example',
          BOT_ID: '',
          BOT_OPENID_METADATA_URL: 'http://127.0.0.1:9/metadata',
          MARKETPLACE_WEBHOOK_JWKS_URL: 'http://127.0.0.1:9/keys',
          MARKETPLACE_API_BASE_URL: 'http://127.0.0.1:9/api',
          LANDING_SSO_CLIENT_ID: '',
          LANDING_SSO_CLIENT_SECRET: '',
          PORT: 'eighty',
        }),
      );
      const lines = message.split('\n');
      expect(lines[0]).toBe('10 configuration problems:');
      expect(lines).toHaveLength(11);
      expect(lines.slice(1)).toEqual(
        expect.arrayContaining([
          '  - PORT must be an integer between 0 and 65535 (got "eighty")',
          '  - PUBLIC_URL must be an https URL in production (got "http://bot.contoso.example")',
          '  - BOT_OPENID_METADATA_URL must be an https URL in production (got "http://127.0.0.1:9/metadata")',
          expect.stringMatching(/^ {2}- BOT_OPENID_METADATA_URL must be unset in production: /),
          expect.stringMatching(/^ {2}- MARKETPLACE_WEBHOOK_JWKS_URL must be unset in production: /),
          expect.stringMatching(/^ {2}- BOT_ID must be set in production /),
          '  - MARKETPLACE_API_BASE_URL must be an https URL in production (got "http://127.0.0.1:9/api")',
          '  - MARKETPLACE_WEBHOOK_JWKS_URL must be an https URL in production (got "http://127.0.0.1:9/keys")',
          expect.stringMatching(/^ {2}- LANDING_SSO_CLIENT_ID must be set in production /),
          expect.stringMatching(/^ {2}- LANDING_SSO_CLIENT_SECRET must be set in production /),
        ]),
      );
    });

    it('accepts https authentication overrides with ALLOW_AUTH_OVERRIDES=true (a sovereign cloud), and lists them', () => {
      const overrides = {
        BOT_OPENID_METADATA_URL: 'https://login.botframework.azure.us/v1/.well-known/openidconfiguration',
        BOT_TOKEN_ISSUER: 'https://api.botframework.us',
        MARKETPLACE_WEBHOOK_JWKS_URL: 'https://login.microsoftonline.us/publisher-tenant/discovery/v2.0/keys',
        MARKETPLACE_WEBHOOK_ISSUER: 'https://login.microsoftonline.us/publisher-tenant/v2.0',
      };
      const c = loadConfig({ ...production, ...overrides, ALLOW_AUTH_OVERRIDES: 'true' });
      expect(c.authOverrides).toEqual(overrides);
      expect(c.bot).toMatchObject({
        openIdMetadataUrl: overrides.BOT_OPENID_METADATA_URL,
        tokenIssuer: 'https://api.botframework.us',
      });
      expect(c.marketplace.webhook.jwksUrl).toBe(overrides.MARKETPLACE_WEBHOOK_JWKS_URL);
    });

    it('lets a model server on loopback be plain http (a sidecar), nothing else', () => {
      expect(loadConfig({ ...production, OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }).model).toMatchObject({
        kind: 'openai',
        baseUrl: 'http://127.0.0.1:11434/v1',
      });
    });

    it('allows a managed-identity bot without a password', () => {
      expect(loadConfig({ ...production, BOT_PASSWORD: '', BOT_TYPE: 'UserAssignedMSI' }).bot.appType).toBe('UserAssignedMSI');
    });

    it('refuses to start the process with every problem in one message, naming each variable, without a stack', () => {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          ENV_FILE: 'none',
          NODE_ENV: 'production',
          OPENAI_API_KEY: 'sk-test',
          DATA_DIR: path.join(ROOT, 'data', 'never'),
        },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('Configuration error: 9 configuration problems:\n');
      for (const name of [
        'PUBLIC_URL',
        'BOT_ID',
        'BOT_PASSWORD',
        'BOT_TENANT_ID',
        'MARKETPLACE_WEBHOOK_AUDIENCE',
        'PUBLISHER_TENANT_ID',
        'LANDING_SSO_CLIENT_ID',
        'LANDING_SSO_CLIENT_SECRET',
        'SESSION_SECRET',
      ])
        expect(result.stderr).toMatch(new RegExp(`\\n  - ${name} must be `));
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  });

  it('warns loudly at start about authentication overrides allowed in production by ALLOW_AUTH_OVERRIDES=true', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-overrides-'));
    const overrides = {
      BOT_OPENID_METADATA_URL: 'https://login.botframework.azure.us/v1/.well-known/openidconfiguration',
      BOT_TOKEN_ISSUER: 'https://api.botframework.us',
    };
    const bot = spawnEntryPoint('src/index.ts', [], {
      ...production,
      ...overrides,
      ALLOW_AUTH_OVERRIDES: 'true',
      BOT_PASSWORD: 'bp-4b1e9d7c2a',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      RECONCILE_INTERVAL_MINUTES: '0',
      // Nothing listens there: the bot must not reach a real service from a test.
      MARKETPLACE_API_BASE_URL: 'https://127.0.0.1:9/api',
    });
    try {
      await vi.waitFor(
        () =>
          expect(logLines(bot.stdout())).toContainEqual(
            expect.objectContaining({
              level: 40,
              overrides,
              msg: expect.stringContaining('authentication overrides in use in production (ALLOW_AUTH_OVERRIDES=true)'),
            }),
          ),
        { timeout: 30_000, interval: 50 },
      );
      expect(bot.stdout()).not.toContain('bp-4b1e9d7c2a');
    } finally {
      bot.child.kill('SIGKILL');
      await bot.exited;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  describe('Key Vault references', () => {
    it('refuses a keyvault: value left unresolved after start-up, naming the variable, not echoing the value', () => {
      const message = problemsOf(() =>
        loadConfig({ BOT_PASSWORD: 'keyvault:bot-password', MARKETPLACE_CLIENT_SECRET: 'KeyVault:mp-secret' }),
      );
      expect(message).toBe(
        [
          '2 configuration problems:',
          '  - BOT_PASSWORD must be a plain value once started, but it is still a keyvault: reference (every entry point resolves them at start, through src/bootstrap.ts, from KEY_VAULT_URL)',
          '  - MARKETPLACE_CLIENT_SECRET must be a plain value once started, but it is still a keyvault: reference (every entry point resolves them at start, through src/bootstrap.ts, from KEY_VAULT_URL)',
        ].join('\n'),
      );
      expect(message).not.toContain('bot-password');
    });

    it('refuses references in the settings read before Key Vault is', () => {
      const message = problemsOf(() =>
        loadBootstrapConfig({
          AZURE_CLIENT_ID: 'keyvault:client-id',
          KEY_VAULT_URL: 'keyvault:vault-url',
          APPLICATIONINSIGHTS_CONNECTION_STRING: 'keyvault:insights',
          LOG_LEVEL: 'keyvault:level',
        }),
      );
      for (const name of ['AZURE_CLIENT_ID', 'KEY_VAULT_URL', 'APPLICATIONINSIGHTS_CONNECTION_STRING', 'LOG_LEVEL'])
        expect(message).toContain(`${name} must be a plain value, not a keyvault: reference (it is read before Key Vault`);
    });

    it('needs an https vault in production', () => {
      expect(() => loadBootstrapConfig({ NODE_ENV: 'production', KEY_VAULT_URL: 'http://vault.example' })).toThrow(
        'KEY_VAULT_URL must be an https URL in production',
      );
      expect(loadBootstrapConfig({ NODE_ENV: 'production', KEY_VAULT_URL: 'https://v.vault.azure.net/' }).keyVaultUrl).toBe(
        'https://v.vault.azure.net',
      );
    });
  });
});
