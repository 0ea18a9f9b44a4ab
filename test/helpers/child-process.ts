import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '../..');

export interface RunningEntryPoint {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** tsx's loader by URL, so that a child started in another working directory (a temp dir) finds it too. */
const TSX_LOADER = pathToFileURL(require.resolve('tsx', { paths: [ROOT] })).href;

export interface EntryPointOptions {
  /** @defaultValue the repository root */
  cwd?: string;
}

/**
 * Starts an entry point (`src/worker/run-worker.ts`, `scripts/reconcile.ts`, …) as `npm run …` would, under tsx,
 * with exactly `env` (plus PATH): nothing leaks in from the test runner's environment, nor from a developer's
 * `.env` file (`ENV_FILE=none` unless `env` names one).
 */
export function spawnEntryPoint(
  script: string,
  args: string[],
  env: Record<string, string>,
  options: EntryPointOptions = {},
): RunningEntryPoint {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, path.resolve(ROOT, script), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH, ENV_FILE: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs an entry point to its end. */
export async function runEntryPoint(
  script: string,
  args: string[],
  env: Record<string, string>,
  options: EntryPointOptions = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const running = spawnEntryPoint(script, args, env, options);
  const { code } = await running.exited;
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}

/** The pino lines a child wrote to stdout (other lines, such as a JSON result, are skipped). */
export function logLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{"level"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
