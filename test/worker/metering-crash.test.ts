import fs from 'node:fs';
import os from 'node:os';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, type Clock } from '../../src/domain/clock';
import { hourStart } from '../../src/domain/metering';
import type { Subscription } from '../../src/domain/subscription';
import { silentLogger } from '../../src/logger';
import { loadPlanCatalog } from '../../src/plan-catalog-source';
import type { Emulator } from '../../src/dev/marketplace-emulator/emulator';
import { startLocalMarketplace, type LocalMarketplace } from '../../scripts/simulation/local-marketplace';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store';
import {
  overageKey,
  PLAN_MIX,
  SimulationClock,
  simulatedTenant,
  UsageSimulation,
} from '../../scripts/simulation/usage-simulation';
import { mulberry32 } from '../../src/domain/seeded-random';

const ROOT = path.resolve(__dirname, '../..');
const TRIALS = 20;

/** Real time shifted by `offset`: the emulator sees the subscriptions activated hours ago. */
class ShiftedClock implements Clock {
  offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}

/**
 * Runs `npm run worker -- --once` as a child process. With `killAfterMs`, kills it with SIGKILL that long after its
 * first log line (it logs just before opening the store), so kills land in the work rather than in start-up.
 */
function runWorker(
  env: Record<string, string>,
  killAfterMs?: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker/run-worker.ts', '--once'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ENV_FILE: 'none', ...env, LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', () => {
      if (killAfterMs !== undefined && !timer) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

/**
 * Crash safety: the worker process is killed with SIGKILL at random points (inside transactions, between the
 * in-flight write and the HTTP call, between the call and the settlement). After each restart the totals must be
 * exact: every hour accepted once, with exactly the expected quantity.
 */
describe('metering worker killed -9 at random points', () => {
  let market: LocalMarketplace;
  let emulator: Emulator;
  let store: SqliteStore;
  let dir: string;
  let env: Record<string, string>;
  let simulation: UsageSimulation;
  let firstHour: number;
  const clock = new ShiftedClock();

  beforeAll(async () => {
    // Lives for the whole suite (the helper's temp dirs are removed after each test).
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metering-crash-'));
    const catalog = loadPlanCatalog(undefined);
    market = await startLocalMarketplace({ clock, logger: silentLogger, plans: catalog.plans });
    emulator = market.emulator;
    store = openSqliteStore(path.join(dir, 'bot.sqlite'));

    // Subscriptions activated 22 hours ago; usage in the 20 closed hours since.
    const now = Date.now();
    firstHour = hourStart(new Date(now - 21 * HOUR)).getTime();
    clock.offset = -22 * HOUR;
    const random = mulberry32(2026);
    const subscriptions: Subscription[] = [];
    for (let i = 0; i < 60; i++) {
      subscriptions.push(await market.buyActivated(PLAN_MIX[i % PLAN_MIX.length]!, `crash-${i}`, 10));
    }
    clock.offset = 0;
    simulation = new UsageSimulation(
      { store, catalog, clock: new SimulationClock(firstHour), logger: silentLogger, random, concurrency: 64 },
      subscriptions.map((s, i) => simulatedTenant(s, catalog, i, random, 40)),
    );
    await simulation.setUp(new Date(firstHour - 30 * 60_000));
    // Each call takes 400 ms: a run always outlasts its kill timer (at most 350 ms after its first log line).
    emulator.configure({ faults: { latencyMs: 400 } });
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: dir,
      EMULATOR: 'false',
      DEV_SEED: 'false',
      MARKETPLACE_API_BASE_URL: market.apiUrl,
      MARKETPLACE_AUTH: 'emulator',
      MARKETPLACE_TIMEOUT_MS: '2000',
      // Messages a killed worker had received come back after their lock: 2 s here, so the test need not wait long.
      USAGE_QUEUE_LOCK_SECONDS: '2',
      PUBLISHER_TENANT_ID: 'publisher-tenant',
      MARKETPLACE_WEBHOOK_AUDIENCE: 'fulfillment-app',
    };
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await market?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`ends with exact totals after ${TRIALS} kills and a final run`, async () => {
    const random = mulberry32(99);
    let killed = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      // Each trial brings an hour of new usage (all hours are closed: due at once), then a worker killed at a
      // random point of its work: opening the store, the drain, an in-flight write, an HTTP call, a settlement.
      await simulation.simulateHour(new Date(firstHour + trial * HOUR), 800);
      const result = await runWorker(env, Math.floor(random() * 350));
      if (result.signal === 'SIGKILL') killed += 1;
      else expect(result.code, result.stderr).toBe(0);
      // Between crashes: no hour has two different accepted quantities, nothing is in conflict.
      const reports = await store.metering.list();
      expect(reports.filter((r) => r.status === 'Conflict' || r.status === 'Failed')).toEqual([]);
    }
    expect(killed).toBeGreaterThanOrEqual(TRIALS - 1);

    expect(simulation.expected.size).toBeGreaterThan(100);
    // The last run comes 5 minutes later (its clock shifted): the queue locks and the leases of hours that killed
    // workers had claimed have run out, as they would in production. No worker ever takes a live lease.
    const final = await runWorker({ ...env, CLOCK_OFFSET_SECONDS: '300' });
    expect(final.code, final.stderr).toBe(0);
    const reports = await store.metering.list();
    expect(reports.every((r) => r.status === 'Accepted')).toBe(true);

    const accepted = new Map<string, number>();
    for (const u of emulator.acceptedUsage()) {
      const key = overageKey(u.resourceId, u.dimension, new Date(u.effectiveStartTime));
      expect(accepted.has(key), `two events for ${key}`).toBe(false);
      accepted.set(key, u.quantity);
    }
    expect(Object.fromEntries(accepted)).toEqual(Object.fromEntries(simulation.expected));
    for (const r of reports)
      expect(r.acceptedQuantity).toBe(accepted.get(overageKey(r.subscriptionId, r.dimension, r.hourStart)));
  }, 300_000);
});

/**
 * Several workers at once (processes, as with a standalone worker and bots running the in-process one): no worker
 * takes a bucket another holds, so each hour is submitted exactly once, and all usage is billed.
 */
describe('three metering workers at once', () => {
  it('submit each hour exactly once, and bill every unit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metering-three-'));
    const clock = new ShiftedClock();
    const catalog = loadPlanCatalog(undefined);
    const market = await startLocalMarketplace({ clock, logger: silentLogger, plans: catalog.plans });
    const emulator = market.emulator;
    const store = openSqliteStore(path.join(dir, 'bot.sqlite'));
    try {
      const firstHour = hourStart(new Date(Date.now() - 10 * HOUR)).getTime();
      clock.offset = -11 * HOUR;
      const random = mulberry32(3);
      const subscriptions: Subscription[] = [];
      for (let i = 0; i < 40; i++) {
        const planId = PLAN_MIX[i % PLAN_MIX.length]!;
        subscriptions.push(await market.buyActivated(planId, `three-${i}`, 10));
      }
      clock.offset = 0;
      const simulation = new UsageSimulation(
        { store, catalog, clock: new SimulationClock(firstHour), logger: silentLogger, random, concurrency: 64 },
        subscriptions.map((s, i) => simulatedTenant(s, catalog, i, random, 40)),
      );
      await simulation.setUp(new Date(firstHour - 30 * 60_000));
      // Slow calls, so that the three workers' passes overlap.
      emulator.configure({ faults: { latencyMs: 150 } });
      const env = {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATA_DIR: dir,
        EMULATOR: 'false',
        DEV_SEED: 'false',
        MARKETPLACE_API_BASE_URL: market.apiUrl,
        MARKETPLACE_AUTH: 'emulator',
        PUBLISHER_TENANT_ID: 'publisher-tenant',
        MARKETPLACE_WEBHOOK_AUDIENCE: 'fulfillment-app',
      };
      for (let round = 0; round < 3; round++) {
        for (let k = 0; k < 3; k++) await simulation.simulateHour(new Date(firstHour + (round * 3 + k) * HOUR), 600);
        const results = await Promise.all([runWorker(env), runWorker(env), runWorker(env)]);
        for (const r of results) expect(r.code, r.stderr).toBe(0);
      }
      expect(simulation.expected.size).toBeGreaterThan(50);
      const perKey = new Map<string, number>();
      for (const sub of emulator.usageSubmissions()) perKey.set(sub.key, (perKey.get(sub.key) ?? 0) + 1);
      expect([...perKey.values()].filter((n) => n > 1)).toEqual([]);
      const accepted = new Map<string, number>();
      for (const u of emulator.acceptedUsage())
        accepted.set(overageKey(u.resourceId, u.dimension, new Date(u.effectiveStartTime)), u.quantity);
      expect(Object.fromEntries(accepted)).toEqual(Object.fromEntries(simulation.expected));
      expect((await store.metering.list()).every((r) => r.status === 'Accepted')).toBe(true);
    } finally {
      await store.close();
      await market.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
