/**
 * `npm run bench:metering [-- --events N --subscriptions S --hours H]`
 * `npm run bench:metering -- --chaos [--events N --subscriptions S --hours H --workers W]`: the same pipeline with
 * worker processes killed -9, an outage, a 403 burst and several workers at once (scripts/bench/metering-chaos.ts).
 *
 * Simulates usage (1,000,000 events over 1,000 subscriptions and 24 hours by default) through the product's
 * recording path into a real SQLite file, then drains the usage queue and bills the overage to the local Marketplace
 * emulator with the metering worker, hour after hour, as it would run live (one fake clock for the simulation,
 * the worker and the emulator). The last line printed is one JSON object:
 * {"events":…,"eventsPerSec":…,"billableBuckets":…,"apiCalls":…,"optimalApiCalls":…,"acceptedQuantity":…,
 *  "expectedQuantity":…,"peakRssMb":…}
 * `eventsPerSec` is the drain rate (queue → hourly buckets); optimal calls = ceil(billable buckets / 25).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { HOUR, MINUTE } from '../src/domain/clock';
import type { Subscription } from '../src/domain/subscription';
import { createLogger } from '../src/logger';
import { MarketplaceHttp } from '../src/marketplace/marketplace-http';
import { MeteringClient } from '../src/marketplace/metering-client';
import { loadPlanCatalog } from '../src/plan-catalog-source';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store';
import { MeteringWorker } from '../src/worker/metering-worker';
import { LOCAL_API_TOKEN, startLocalMarketplace } from './simulation/local-marketplace';
import { PLAN_MIX, SimulationClock, simulatedTenant, UsageSimulation } from './simulation/usage-simulation';
import { mulberry32 } from '../src/domain/seeded-random';
import { runMeteringChaos } from './bench/metering-chaos';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    subscriptions: { type: 'string', default: '1000' },
    hours: { type: 'string', default: '24' },
    chaos: { type: 'boolean', default: false },
    workers: { type: 'string', default: '3' },
  },
});
const EVENTS = Number(values.events);
const SUBSCRIPTIONS = Number(values.subscriptions);
const HOURS = Number(values.hours);
const GRACE = 5 * MINUTE;

let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

async function main(): Promise<void> {
  const sampler = setInterval(sampleRss, 100);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-metering-'));
  const logger = createLogger('warn');
  const catalog = loadPlanCatalog(undefined);
  // One clock for everything; it starts an hour before the first simulated hour.
  const start = Date.UTC(2026, 2, 10, 0, 0, 0);
  const clock = new SimulationClock(start - HOUR);
  const store = openSqliteStore(path.join(dir, 'bench.sqlite'));
  const market = await startLocalMarketplace({ clock, logger, plans: catalog.plans });
  const emulator = market.emulator;
  try {
    const http = new MarketplaceHttp({
      baseUrl: market.apiUrl,
      apiVersion: '2018-08-31',
      tokens: { getToken: () => Promise.resolve(LOCAL_API_TOKEN) },
      timeoutMs: 10_000,
      maxRetries: 2,
      logger,
    });
    const random = mulberry32(1);

    console.log(`buying and activating ${SUBSCRIPTIONS} subscriptions on the emulator…`);
    const subscriptions: Subscription[] = [];
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      const planId = PLAN_MIX[i % PLAN_MIX.length]!;
      subscriptions.push(await market.buyActivated(planId, `bench-tenant-${i}`, 10 + (i % 40)));
    }
    const simulation = new UsageSimulation(
      { store, catalog, clock, logger, random, concurrency: 256 },
      subscriptions.map((s, i) => simulatedTenant(s, catalog, i, random)),
    );
    await simulation.setUp(new Date(start - 30 * MINUTE));

    const worker = new MeteringWorker({
      queue: store.outboxQueue({ clock }),
      store,
      metering: new MeteringClient(http),
      catalog,
      clock,
      logger,
      config: {
        mode: 'off',
        graceMs: GRACE,
        pollMs: 30_000,
        maxAttempts: 8,
        maxBatchWaitMs: HOUR,
        holdRetryMs: 30 * MINUTE,
        queueLockMs: MINUTE,
      },
    });

    let drainMs = 0;
    let drained = 0;
    let recordMs = 0;
    const drainTimed = async () => {
      const t0 = performance.now();
      const summary = await worker.drain();
      drainMs += performance.now() - t0;
      drained += summary.received;
      sampleRss();
    };
    const perHour = Math.floor(EVENTS / HOURS);
    for (let h = 0; h < HOURS; h++) {
      const hour = start + h * HOUR;
      const count = h === HOURS - 1 ? EVENTS - perHour * (HOURS - 1) : perHour;
      const t0 = performance.now();
      // Turns refused at a hard cap record nothing: simulate more until the hour has its share of usage events.
      const target = simulation.recorded + count;
      for (let round = 0; simulation.recorded < target && round < 20; round++)
        await simulation.simulateHour(new Date(hour), target - simulation.recorded);
      recordMs += performance.now() - t0;
      // The worker's pass once the hour has closed, plus the grace: drain, then send full batches of due hours.
      clock.ms = hour + HOUR + GRACE + MINUTE;
      await drainTimed();
      await worker.flush({ flushAll: false });
      const m = process.memoryUsage();
      process.stdout.write(
        `hour ${h + 1}/${HOURS}: ${simulation.recorded} recorded, ${drained} drained (rss ${Math.round(m.rss / 1048576)} MB, heap ${Math.round(m.heapUsed / 1048576)} MB, external ${Math.round(m.external / 1048576)} MB)\n`,
      );
    }
    // The end of the run: whatever is due goes, partial batch included.
    await drainTimed();
    await worker.flush({ flushAll: true });

    const accepted = emulator.acceptedUsage();
    const acceptedQuantity = accepted.reduce((sum, u) => sum + u.quantity, 0);
    const apiCalls = emulator.callCounts().batchUsageEvent ?? 0;
    const notAccepted = (await store.metering.list()).filter((r) => r.status !== 'Accepted').length;
    sampleRss();
    console.log(
      `recorded ${simulation.recorded} turns (${simulation.refused} refused at hard caps) in ${(recordMs / 1000).toFixed(1)} s; ` +
        `drained ${drained} in ${(drainMs / 1000).toFixed(2)} s; ${accepted.length} hours accepted, ${notAccepted} reports not accepted`,
    );
    console.log(
      JSON.stringify({
        events: drained,
        eventsPerSec: Math.round(drained / (drainMs / 1000)),
        billableBuckets: simulation.expected.size,
        apiCalls,
        optimalApiCalls: Math.ceil(simulation.expected.size / 25),
        acceptedQuantity,
        expectedQuantity: simulation.expectedTotal(),
        peakRssMb: Math.round(peakRss / (1024 * 1024)),
      }),
    );
  } finally {
    clearInterval(sampler);
    await market.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (values.chaos)
  void runMeteringChaos({
    // The chaos run records its usage in the bench process and bills it with worker processes: a smaller default.
    events: process.argv.includes('--events') ? EVENTS : 200_000,
    subscriptions: process.argv.includes('--subscriptions') ? SUBSCRIPTIONS : 300,
    hours: HOURS,
    workers: Number(values.workers),
  });
else void main();
