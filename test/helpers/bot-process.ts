import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Settings of a bot process in a test, sharing its store in `dataDir` with the test (and other processes): on
 * 127.0.0.1 on an ephemeral port, logging at info (startBot reads the "bot listening" line), no worker, emulator, dev
 * seed or reconciliation, Marketplace calls going nowhere; `overrides` adds or replaces settings.
 */
export function botProcessEnv(dataDir: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DEV_SEED: 'false',
    WORKER: 'off',
    EMULATOR: 'false',
    RECONCILE_INTERVAL_MINUTES: '0',
    MARKETPLACE_API_BASE_URL: 'http://127.0.0.1:9/api',
    MARKETPLACE_AUTH: 'emulator',
    PUBLISHER_TENANT_ID: 'publisher',
    MARKETPLACE_WEBHOOK_AUDIENCE: 'fulfillment-app',
    PROMPTS_DIR: path.join(ROOT, 'prompts'),
    ...overrides,
  };
}

/** Starts the bot (`src/index.ts`) as a child process and resolves with its URL once it listens. */
export function startBot(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ENV_FILE: 'none', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(/"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"bot listening"/);
      if (m) {
        out = '';
        resolve({ url: m[1]!, child });
      }
    });
    child.once('exit', (code) => reject(new Error(`bot exited with ${code}: ${err.slice(-500)}`)));
  });
}
