import path from 'node:path';
import { loadConfig, processEnvironment } from '../../src/config';
import type { EntraSignIn } from '../../src/web/entra-sign-in/entra-sign-in';

/**
 * Child process of test/dev/emulator-loading.test.ts: loads the configuration from its environment, starts the app
 * as src/index.ts does (its module required after the configuration), then prints the repository's modules loaded
 * by then (paths under src/, one JSON array) and stops. The landing sign-in is a stub that is always ready, so a
 * production configuration starts without reaching Entra.
 */
const ROOT = path.resolve(__dirname, '../..');

const readySignIn: EntraSignIn = {
  ready: () => Promise.resolve(),
  begin: () => Promise.reject(new Error('not used')),
  finish: () => Promise.reject(new Error('not used')),
  adminConsentUrl: () => 'https://login.invalid/adminconsent',
};

async function main(): Promise<void> {
  const config = loadConfig(processEnvironment());
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- required after the config is read, as an entry point does
  const { startApp } = require('../../src/app') as typeof import('../../src/app.js');
  const app = await startApp(config, { signIn: readySignIn, startWorker: false });
  const loaded = Object.keys(require.cache)
    .filter((file) => file.startsWith(path.join(ROOT, 'src') + path.sep))
    .map((file) => path.relative(ROOT, file).split(path.sep).join('/'));
  process.stdout.write(`${JSON.stringify(loaded)}\n`);
  await app.close();
}

main().then(
  () => process.exit(0),
  (thrown: unknown) => {
    process.stderr.write(`${String(thrown)}\n`);
    process.exit(1);
  },
);
