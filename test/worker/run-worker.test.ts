import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { HOUR } from '../../src/domain/clock';
import { spawnEntryPoint, type RunningEntryPoint } from '../helpers/child-process';
import { FakeClock } from '../helpers/fake-clock';
import { startMeteringHarness } from '../helpers/metering-harness';
import { tempDir } from '../helpers/temp-dir';

/**
 * `npm run worker` without `--once` is a long-running process (a second App Service, a WebJob): it must keep
 * polling after its first pass and stop only on SIGTERM/SIGINT, cleanly. (It used to exit 0 right after its first
 * pass: its poll timer is unref'd and nothing else held the event loop.)
 */
describe('the standalone metering worker (npm run worker)', () => {
  it('keeps polling after its first pass, then stops on SIGTERM with exit code 0', async () => {
    const dir = tempDir();
    const now = Date.now();
    // The subscription was bought 5 hours ago; the emulator's clock then stands at the real time.
    const clock = new FakeClock(new Date(now - 5 * HOUR));
    const h = await startMeteringHarness(clock, { file: path.join(dir, 'bot.sqlite') });
    let worker: RunningEntryPoint | undefined;
    try {
      const s = await h.subscribe('business', 'tenant-standalone');
      clock.set(new Date(now));
      await h.priorUsage(s, 'messages', 5000, new Date(now - 4 * HOUR));
      expect(await h.turn(s, new Date(now - 3 * HOUR))).toBe(true);

      worker = spawnEntryPoint('src/worker/run-worker.ts', [], {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATA_DIR: dir,
        EMULATOR: 'false',
        DEV_SEED: 'false',
        MARKETPLACE_API_BASE_URL: `${h.emulatorUrl}/api`,
        MARKETPLACE_AUTH: 'emulator',
        PUBLISHER_TENANT_ID: 'publisher-tenant',
        MARKETPLACE_WEBHOOK_AUDIENCE: 'fulfillment-app',
        METERING_POLL_SECONDS: '1',
        // A lone due hour is sent at once instead of waiting for more to fill a batch.
        METERING_MAX_BATCH_WAIT_MINUTES: '0',
      });
      const running = worker;
      const alive = () => expect(running.child.exitCode, running.stderr()).toBeNull();

      // First pass: the overage hour is accepted and settled in the store.
      await vi.waitFor(
        async () => {
          alive();
          expect(h.emulator.acceptedUsage()).toHaveLength(1);
          expect((await h.store.metering.list()).map((r) => r.status)).toEqual(['Accepted']);
        },
        { timeout: 30_000, interval: 50 },
      );
      // New usage after that pass is billed by a later pass: the process stayed up and kept polling.
      expect(await h.turn(s, new Date(now - 2 * HOUR))).toBe(true);
      await vi.waitFor(
        () => {
          alive();
          expect(h.emulator.acceptedUsage()).toHaveLength(2);
        },
        { timeout: 30_000, interval: 50 },
      );
      alive();

      running.child.kill('SIGTERM');
      expect(await running.exited).toEqual({ code: 0, signal: null });
      expect(running.stdout()).toContain('"signal":"SIGTERM","msg":"metering worker stopping after the pass in progress"');
      expect(running.stderr()).toBe('');
    } finally {
      if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await h.close();
    }
  }, 90_000);
});
