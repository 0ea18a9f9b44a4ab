import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOUR } from '../../src/domain/clock';
import { logLines, runEntryPoint, spawnEntryPoint } from '../helpers/child-process';
import { FakeClock } from '../helpers/fake-clock';
import { startMeteringHarness, type MeteringHarness } from '../helpers/metering-harness';
import { startStubKeyVault, type StubKeyVault } from '../helpers/stub-key-vault';

/** Secret values: none may ever appear in a child's output. */
const BOT_PASSWORD = 'bp-7f3a9c1e5d2b';
const ADMIN_API_TOKEN = 'admin-token-0123456789abcdef0123456789';

/**
 * Every entry point starts through src/bootstrap.ts, so each resolves `keyvault:<name>` settings exactly as the
 * bot does (`npm run reconcile` used to call the Marketplace with the literal "keyvault:…"). The children read a
 * stub vault through the real Key Vault SDK; the Marketplace API's base URL itself comes from the vault, so a
 * child that reaches the emulator at all has used a resolved value, and BOT_PASSWORD / ADMIN_API_TOKEN
 * references would stop it if they were left unresolved.
 */
describe('Key Vault references in every entry point', () => {
  let vault: StubKeyVault;
  let h: MeteringHarness;
  let dir: string;
  let env: Record<string, string>;
  const clock = new FakeClock();

  beforeAll(async () => {
    // Lives for the whole suite (the helper's temp dirs are removed after each test).
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'entry-points-kv-'));
    const now = Date.now();
    clock.set(new Date(now - 5 * HOUR));
    h = await startMeteringHarness(clock, { file: path.join(dir, 'bot.sqlite') });
    // One subscription with an hour of overage to bill, bought 5 hours ago.
    const s = await h.subscribe('business', 'tenant-kv');
    clock.set(new Date(now));
    await h.priorUsage(s, 'messages', 5000, new Date(now - 4 * HOUR));
    await h.turn(s, new Date(now - 3 * HOUR));
    vault = await startStubKeyVault({
      'marketplace-api-base-url': `${h.emulatorUrl}/api`,
      'bot-password': BOT_PASSWORD,
      'admin-api-token': ADMIN_API_TOKEN,
      'public-url': 'https://bot.contoso.example',
      // A secret whose value is itself a reference: not followed, so it is still one after start-up.
      chained: 'keyvault:bot-password',
    });
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATA_DIR: dir,
      EMULATOR: 'false',
      DEV_SEED: 'false',
      MARKETPLACE_AUTH: 'emulator',
      PUBLISHER_TENANT_ID: 'publisher-tenant',
      MARKETPLACE_WEBHOOK_AUDIENCE: 'fulfillment-app',
      METERING_MAX_BATCH_WAIT_MINUTES: '0',
      KEY_VAULT_URL: vault.url,
      NODE_EXTRA_CA_CERTS: vault.caFile,
      MARKETPLACE_API_BASE_URL: 'keyvault:marketplace-api-base-url',
      BOT_PASSWORD: 'keyvault:bot-password',
      ADMIN_API_TOKEN: 'keyvault:admin-api-token',
    };
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await vault?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The names read from the vault since `from`, and no secret value in what the child wrote. */
  function expectResolved(from: number, output: string, names: string[]): void {
    expect(vault.reads.slice(from).sort()).toEqual([...names].sort());
    expect(output).not.toContain(BOT_PASSWORD);
    expect(output).not.toContain(ADMIN_API_TOKEN);
  }

  it('npm run reconcile', async () => {
    const from = vault.reads.length;
    const run = await runEntryPoint('scripts/reconcile.ts', [], env);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { checked: number };
    expect(summary.checked).toBe(1);
    expect(logLines(run.stdout)).toContainEqual(
      expect.objectContaining({ msg: 'resolved Key Vault references', variables: expect.arrayContaining(['BOT_PASSWORD']) }),
    );
    expectResolved(from, run.stdout + run.stderr, ['marketplace-api-base-url', 'bot-password', 'admin-api-token']);
  }, 60_000);

  it('npm run worker -- --once', async () => {
    const from = vault.reads.length;
    const run = await runEntryPoint('src/worker/run-worker.ts', ['--once'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(h.emulator.acceptedUsage()).toHaveLength(1);
    expectResolved(from, run.stdout + run.stderr, ['marketplace-api-base-url', 'bot-password', 'admin-api-token']);
  }, 60_000);

  it('npm run simulate', async () => {
    const from = vault.reads.length;
    const before = h.emulator.subscriptions().length;
    const run = await runEntryPoint(
      'scripts/simulate.ts',
      ['--tenants', '1', '--hours', '1', '--events', '20', '--out', path.join(dir, 'expected.json')],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    // It bought its tenant on the emulator whose URL came from the vault.
    expect(h.emulator.subscriptions()).toHaveLength(before + 1);
    expectResolved(from, run.stdout + run.stderr, ['marketplace-api-base-url', 'bot-password', 'admin-api-token']);
  }, 60_000);

  it('npm run emulator', async () => {
    const from = vault.reads.length;
    const emulator = spawnEntryPoint('src/dev/marketplace-emulator/run-emulator.ts', [], {
      ...env,
      EMULATOR_PORT: '0',
      PUBLIC_URL: 'keyvault:public-url',
    });
    try {
      // It calls the bot's webhook under PUBLIC_URL, read from the vault.
      await vi.waitFor(
        () => {
          expect(emulator.child.exitCode, emulator.stderr()).toBeNull();
          expect(logLines(emulator.stdout())).toContainEqual(
            expect.objectContaining({
              msg: 'Marketplace emulator listening',
              webhook: 'https://bot.contoso.example/api/webhook',
            }),
          );
        },
        { timeout: 30_000, interval: 50 },
      );
      emulator.child.kill('SIGTERM');
      expect(await emulator.exited, emulator.stdout() + emulator.stderr()).toEqual({ code: 0, signal: null });
      expectResolved(from, emulator.stdout() + emulator.stderr(), [
        'marketplace-api-base-url',
        'bot-password',
        'admin-api-token',
        'public-url',
      ]);
    } finally {
      if (emulator.child.exitCode === null) emulator.child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses a value that is still a keyvault: reference after start-up, naming the variable', async () => {
    const run = await runEntryPoint('scripts/reconcile.ts', [], { ...env, BOT_PASSWORD: 'keyvault:chained' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Configuration error: BOT_PASSWORD must be a plain value once started, but it is still a keyvault: reference',
    );
    expect(run.stderr).not.toContain('keyvault:bot-password');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('stops start-up when the vault does not have a secret, naming the variable and the secret', async () => {
    const run = await runEntryPoint('src/worker/run-worker.ts', ['--once'], {
      ...env,
      SESSION_SECRET: 'keyvault:no-such-secret',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Configuration error: SESSION_SECRET: Key Vault secret "no-such-secret" could not be read (404 SecretNotFound)',
    );
  }, 60_000);
});
