import path from 'node:path';
import type { PromptCompletionModel } from '@microsoft/teams-ai';
import { startApp, type RunningApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { Clock } from '../../src/domain/clock';
import type { Logger } from '../../src/logger';
import type { Store } from '../../src/store/store';
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
    PROMPTS_DIR: path.resolve(__dirname, '../../prompts'),
    ...overrides,
  };
}

export async function startTestApp(
  env: Record<string, string | undefined> = {},
  options: { clock?: Clock; store?: Store; model?: PromptCompletionModel; logger?: Logger } = {},
): Promise<RunningApp> {
  return startApp(loadConfig(testEnv(env)), options);
}
