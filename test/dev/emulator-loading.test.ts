import { describe, expect, it } from 'vitest';
import { runEntryPoint } from '../helpers/child-process';
import { PRODUCTION_ENV } from '../helpers/production-env';
import { tempDir } from '../helpers/temp-dir';

/** The smallest configuration production accepts, on an ephemeral port. */
const production = {
  ...PRODUCTION_ENV,
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  RECONCILE_INTERVAL_MINUTES: '0',
};

/** The src/ modules a started app has loaded (test/helpers/started-app-modules.ts in a child process). */
async function modulesLoadedBy(env: Record<string, string>): Promise<string[]> {
  const run = await runEntryPoint('test/helpers/started-app-modules.ts', [], { DATA_DIR: tempDir('emulator-loading-'), ...env });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as string[];
}

/**
 * The Marketplace emulator (src/dev/marketplace-emulator/) is a development tool: src/wiring/dev-emulator.ts imports
 * it only when EMULATOR is on, so a production process never loads its code (nor its fixed tokens and signing keys).
 */
describe('the Marketplace emulator is loaded only when enabled', () => {
  it('a production start loads none of its modules', async () => {
    const loaded = await modulesLoadedBy(production);
    expect(loaded).toContain('src/app.ts');
    expect(loaded).toContain('src/marketplace/webhook-processor.ts');
    expect(loaded.filter((file) => file.startsWith('src/dev/'))).toEqual([]);
  }, 60_000);

  it('a development start with EMULATOR=true loads it (the check above is not vacuous)', async () => {
    const loaded = await modulesLoadedBy({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', EMULATOR: 'true', DEV_SEED: 'false' });
    expect(loaded).toContain('src/dev/marketplace-emulator/emulator.ts');
    expect(loaded).toContain('src/dev/marketplace-emulator/emulator-state.ts');
  }, 60_000);
});
