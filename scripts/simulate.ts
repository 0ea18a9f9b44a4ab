/**
 * `npm run simulate -- --tenants N --hours H --events E [--out file] [--seed S]`
 *
 * Writes realistic usage into the configured store through the product's own recording path (the subscription
 * gate, then the usage recorder: quota, counters, usage events and usage-queue rows), with timestamps spread over
 * the past H hours: several plans, some tenants crossing their allowance, some not. Prints, and writes to a JSON
 * file, the billable overage expected per (subscription, dimension, hour), to compare with what the metering worker
 * bills. With the local emulator configured (the development default), the tenants are bought there too, activated
 * H + 1 hours ago, so that `npm run worker -- --once` can bill their hours.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrap } from '../src/bootstrap';
import { azureIdentityOf, EMULATOR_PREFIX, type Config } from '../src/config';
import { HOUR } from '../src/domain/clock';
import { coerceError } from '../src/domain/errors';
import type { Subscription } from '../src/domain/subscription';
import { createLogger, logDestination } from '../src/logger';
import { FulfillmentClient } from '../src/marketplace/fulfillment-client';
import { openMarketplaceHttp } from '../src/marketplace/open-marketplace-http';
import { toDomainSubscription } from '../src/marketplace/subscription-mapping';
import { loadPlanCatalog } from '../src/plan-catalog-source';
import { openStore } from '../src/store/open-store';
import {
  makeTenants,
  PLAN_MIX,
  SimulationClock,
  simulatedTenant,
  UsageSimulation,
  type SimulatedTenant,
} from './simulation/usage-simulation';
import { mulberry32 } from '../src/domain/seeded-random';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenants: { type: 'string', default: '10' },
      hours: { type: 'string', default: '6' },
      events: { type: 'string', default: '5000' },
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
  });
  const tenants = Number(values.tenants);
  const hours = Number(values.hours);
  const events = Number(values.events);
  if (![tenants, hours, events].every((n) => Number.isInteger(n) && n > 0) || hours > 23) {
    throw new Error('--tenants, --hours (1 to 23: older hours could not be billed) and --events must be positive integers');
  }
  // The same start-up as the bot (Key Vault references resolved), so the store written is the bot's.
  const { config, shutdown } = await bootstrap();
  const logger = createLogger(
    config.logLevel === 'info' ? 'warn' : config.logLevel,
    logDestination(config.logFormat, config.env === 'production'),
  );
  const catalog = loadPlanCatalog(config.planCatalogFile);
  const store = await openStore(config, logger);
  const out = path.resolve(values.out ?? path.join(config.dataDir, 'simulation-expected.json'));
  try {
    const now = Date.now();
    const from = now - hours * HOUR;
    const random = mulberry32(Number(values.seed));
    const runId = now.toString(36);
    let simulated: SimulatedTenant[];
    const emulatorBase = config.marketplace.apiBaseUrl.endsWith(`${EMULATOR_PREFIX}/api`)
      ? config.marketplace.apiBaseUrl.slice(0, -'/api'.length)
      : undefined;
    if (emulatorBase && config.marketplace.auth.kind === 'emulator') {
      simulated = await buyOnEmulator(emulatorBase, config, catalog, tenants, new Date(from - HOUR), runId, random);
    } else {
      logger.warn('not the local emulator: simulated subscriptions exist only in the store (the worker will hold their usage)');
      simulated = makeTenants(catalog, tenants, new Date(from - 2 * HOUR), random, `sim-${runId}`);
    }
    const clock = new SimulationClock(from);
    const simulation = new UsageSimulation({ store, catalog, clock, logger, random }, simulated);
    await simulation.setUp(new Date(from - 30 * 60_000));
    const started = Date.now();
    await simulation.simulateWindow(new Date(from), new Date(now), events);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(simulation.expectedJson(), null, 2)}\n`);
    console.log(
      JSON.stringify({
        tenants,
        hours,
        recorded: simulation.recorded,
        refused: simulation.refused,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        billableBuckets: simulation.expected.size,
        expectedOverage: simulation.expectedTotal(),
        expectedFile: out,
      }),
    );
  } finally {
    await store.close();
    await shutdown();
  }
}

/** Buys the tenants on the local emulator, already activated at `activatedAt`, and returns them as stored. */
async function buyOnEmulator(
  emulatorBase: string,
  config: Readonly<Config>,
  catalog: ReturnType<typeof loadPlanCatalog>,
  count: number,
  activatedAt: Date,
  runId: string,
  random: () => number,
): Promise<SimulatedTenant[]> {
  const fulfillment = new FulfillmentClient(
    await openMarketplaceHttp(config.marketplace, createLogger('warn'), azureIdentityOf(config)),
  );
  const result: SimulatedTenant[] = [];
  for (let i = 0; i < count; i++) {
    const planId = PLAN_MIX[i % PLAN_MIX.length]!;
    const res = await fetch(`${emulatorBase}/buy`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        planId,
        quantity: 5 + Math.floor(random() * 20),
        tenantId: `sim-${runId}-tenant-${i}`,
        objectId: `sim-${runId}-admin-${i}`,
        name: `Simulated tenant ${i}`,
        activatedAt: activatedAt.toISOString(),
      }),
    });
    if (res.status !== 201)
      throw new Error(
        `the emulator refused the purchase (HTTP ${res.status}): is the bot running with the emulator (npm start)?`,
      );
    const { subscriptionId } = (await res.json()) as { subscriptionId: string };
    const subscription: Subscription = toDomainSubscription(
      await fulfillment.getSubscription(subscriptionId),
      undefined,
      activatedAt,
    );
    result.push(simulatedTenant({ ...subscription, activatedAt }, catalog, i, random));
  }
  return result;
}

main().catch((thrown) => {
  console.error(`Simulation failed: ${coerceError(thrown).message}`);
  process.exit(1);
});
