import path from 'node:path';
import { startApp, type AppOptions, type RunningApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { tempDir } from './temp-dir';

/** Environment of a test app: ephemeral port on 127.0.0.1, its own data dir, no logs, no dev seed. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: tempDir(),
    LOG_LEVEL: 'silent',
    DEV_SEED: 'false',
    ENTITLEMENT_CACHE_SECONDS: '0',
    RECONCILE_INTERVAL_MINUTES: '0',
    // Tests that meter drive the worker themselves.
    WORKER: 'off',
    // The Marketplace emulator runs standalone in the tests that need it; elsewhere nothing answers there.
    EMULATOR: 'false',
    MARKETPLACE_API_BASE_URL: 'http://127.0.0.1:9/api',
    MARKETPLACE_AUTH: 'emulator',
    PUBLISHER_TENANT_ID: 'test-publisher-tenant',
    MARKETPLACE_WEBHOOK_AUDIENCE: 'test-fulfillment-app',
    PROMPTS_DIR: path.resolve(__dirname, '../../prompts'),
    ...overrides,
  };
}

export async function startTestApp(env: Record<string, string | undefined> = {}, options: AppOptions = {}): Promise<RunningApp> {
  return startApp(loadConfig(testEnv(env)), options);
}
