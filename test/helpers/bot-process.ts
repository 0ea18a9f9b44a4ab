import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

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
