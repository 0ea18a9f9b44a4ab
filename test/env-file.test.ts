import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEntryPoint } from './helpers/child-process';
import { tempDir } from './helpers/temp-dir';

/**
 * Every entry point reads a `.env` file from its working directory before the configuration (Node's own
 * `process.loadEnvFile`), never replacing a variable already set. `npm run chat` is the cheapest witness: it
 * prints the bot URL it will talk to, from PORT and HOST as `npm start` reads them, and exits at the end of stdin.
 */
// Each test runs an entry point under tsx, slow to start on busy cores: 60 s of headroom.
describe('.env file', { timeout: 60_000 }, () => {
  const chat = (cwd: string, env: Record<string, string> = {}) =>
    runEntryPoint('scripts/chat.ts', [], { ENV_FILE: '', ...env }, { cwd });
  const withEnvFile = (text: string): string => {
    const dir = tempDir('env-file-');
    fs.writeFileSync(path.join(dir, '.env'), text);
    return dir;
  };

  it('gives npm run chat the port and host npm start listens on', async () => {
    const dir = withEnvFile('# local settings\nPORT=4567\nHOST=0.0.0.0\n');
    const { code, stdout } = await chat(dir);
    expect(code).toBe(0);
    expect(stdout).toContain('Chatting with http://127.0.0.1:4567 as user');
  });

  it('never replaces a variable already set', async () => {
    const { stdout } = await chat(withEnvFile('PORT=4567\n'), { PORT: '4600' });
    expect(stdout).toContain('Chatting with http://127.0.0.1:4600 ');
  });

  it('is optional, and 3978 is the default port', async () => {
    const { code, stdout } = await chat(tempDir('env-file-'));
    expect(code).toBe(0);
    expect(stdout).toContain('Chatting with http://127.0.0.1:3978 ');
  });

  it('is read from ENV_FILE when set, which must then exist', async () => {
    const file = path.join(withEnvFile('PORT=4999\n'), '.env');
    expect((await chat(tempDir('env-file-'), { ENV_FILE: file })).stdout).toContain('http://127.0.0.1:4999 ');
    const missing = await chat(tempDir('env-file-'), { ENV_FILE: '/nonexistent/settings.env' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ENV_FILE must be an existing file, or none (got "/nonexistent/settings.env")');
  });

  it('is read by the other entry points before their configuration', async () => {
    // A bad value only the file holds: the worker's start-up reports it by name, so it read the file first.
    const dir = withEnvFile('LOG_LEVEL=chatty\n');
    const { code, stderr } = await runEntryPoint('src/worker/run-worker.ts', ['--once'], { ENV_FILE: '' }, { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toContain(
      'Configuration error: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "chatty")',
    );
  });
});
