import path from 'node:path';
import { ConfigProblems, type Env } from '../config-reader';

/**
 * Names the settings file read at start. @defaultValue `.env` in the working directory, optional; a file named
 * here must exist; `none` reads no file (tests that start entry points from the repository use it).
 */
export const ENV_FILE_VARIABLE = 'ENV_FILE';

let envFileRead = false;

/**
 * The process environment: entry points hand it to the loaders above (this module is its only reader). The first
 * call adds the settings of the `.env` file (see `ENV_FILE_VARIABLE`) with Node's own `process.loadEnvFile`, which
 * never replaces a variable already set, even to an empty value: the shell and App Service settings win.
 */
export function processEnvironment(): Env {
  if (!envFileRead) {
    envFileRead = true;
    readEnvFile(process.env);
  }
  return process.env;
}

function readEnvFile(env: Env): void {
  const named = env[ENV_FILE_VARIABLE]?.trim();
  if (named?.toLowerCase() === 'none') return;
  // Node 20.12+ and 21.7+; on an older Node the file is not read (the engines range allows 20.19+ only).
  const loadEnvFile = (process as { loadEnvFile?: (file: string) => void }).loadEnvFile;
  if (!loadEnvFile) return;
  const file = path.resolve(named || '.env');
  try {
    loadEnvFile(file);
  } catch (thrown) {
    const code = (thrown as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !named) return;
    const problems = new ConfigProblems();
    problems.add(ENV_FILE_VARIABLE, code === 'ENOENT' ? 'an existing file, or none' : 'a readable settings file', file);
    problems.throwIfAny();
  }
}
