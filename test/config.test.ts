import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';

const ROOT = path.resolve(__dirname, '..');
const production = {
  NODE_ENV: 'production',
  BOT_ID: 'bot-app-id',
  BOT_PASSWORD: 'secret',
  BOT_TENANT_ID: 'publisher-tenant',
  OPENAI_API_KEY: 'sk-test',
  PUBLISHER_TENANT_ID: 'publisher-tenant',
  MARKETPLACE_WEBHOOK_AUDIENCE: 'fulfillment-app-id',
  SESSION_SECRET: 'x'.repeat(40),
};

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
    ])('refuses %o', (change, message) => {
      expect(() => loadConfig({ ...production, ...change })).toThrow(message);
    });

    it('allows a managed-identity bot without a password', () => {
      expect(loadConfig({ ...production, BOT_PASSWORD: '', BOT_TYPE: 'UserAssignedMSI' }).bot.appType).toBe('UserAssignedMSI');
    });

    it('refuses to start the process without a bot app id, naming the variable', () => {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'production',
          OPENAI_API_KEY: 'sk-test',
          DATA_DIR: path.join(ROOT, 'data', 'never'),
        },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('Configuration error: BOT_ID must be set in production');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  });
});
