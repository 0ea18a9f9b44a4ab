/**
 * `npm run bench:metering -- --chaos [--events N --subscriptions S --hours H --workers W]`
 *
 * The metering pipeline under the worst a deployment meets, on real boundaries: usage recorded through the product's
 * recording path into a real SQLite file, billed to the local Marketplace emulator over HTTP by W metering worker
 * *processes* at once (`src/worker/run-worker.ts`, the standalone worker), which are killed with SIGKILL every
 * couple of seconds and started again, through a 2-hour Marketplace outage (every call 503), a burst of 403 (an
 * expired secret), and random 5xx, throttling and lost answers the rest of the time.
 *
 * Simulated time: each simulated hour is one phase of a few real seconds. Workers run on real time shifted by
 * CLOCK_OFFSET_SECONDS so that they see the phase's hour as just closed; the emulator shares that clock. Between
 * phases every worker is killed (time then jumps an hour, and a worker that lived on would see its own leases from
 * the past as someone else's).
 *
 * The last line is one JSON object, the normal benchmark's fields plus:
 *  - `duplicateSubmissions`: events the Marketplace answered Duplicate that no failure explains, i.e. sent by another
 *    process than the one whose submission was accepted, while that one was alive (a stolen lease). Must be 0.
 *  - `resendsAfterKill` / `resendsAfterLostAnswer`: re-sends the failures do explain (the first sender was killed
 *    before it could record the answer; or the answer was lost and the same process asked again). Settled as done.
 *  - `failedUnits`: units in buckets that ended Failed or in Conflict. Must be 0.
 *  - `kills`, `workerStarts`, `authAlertSeen` (the 403 burst raised the operator alert), `authAlertCleared`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DAY, HOUR, MINUTE, type Clock } from '../../src/domain/clock';
import { hourStart } from '../../src/domain/metering';
import { mulberry32 } from '../../src/domain/seeded-random';
import type { Subscription } from '../../src/domain/subscription';
import { createLogger } from '../../src/logger';
import { loadPlanCatalog } from '../../src/plan-catalog-source';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import { startLocalMarketplace } from '../simulation/local-marketplace';
import { overageKey, PLAN_MIX, SimulationClock, simulatedTenant, UsageSimulation } from '../simulation/usage-simulation';

export interface ChaosOptions {
  events: number;
  subscriptions: number;
  hours: number;
  workers: number;
}

const ROOT = path.resolve(__dirname, '../..');
const GRACE = 5 * MINUTE;
/** Real time of one simulated hour's phase (at most; a phase ends early once its hours are settled). */
const PHASE_MS = 8000;
/** A random worker is killed this often (real time). */
const KILL_EVERY_MS = 1500;
/** Simulated hours (0-based) with the Marketplace down, and the one that starts with a burst of 403. */
const OUTAGE_HOURS = new Set([5, 6]);
const FORBIDDEN_HOUR = 11;
/** The 403s last until the operator alert shows (or this long), then calls are answered again. */
const FORBIDDEN_MAX_MS = 5000;

/** Real time shifted by `offsetMs`: the simulated "now" of the emulator (the workers get the same offset). */
class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<void>;
}

export async function runMeteringChaos(options: ChaosOptions): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-chaos-'));
  const logger = createLogger('warn');
  const catalog = loadPlanCatalog(undefined);
  // The simulated day ends 10 days before today: within the ±30 days CLOCK_OFFSET_SECONDS allows.
  const start = hourStart(new Date(Date.now() - 10 * DAY - options.hours * HOUR)).getTime();
  const clock = new ShiftedClock();
  clock.offsetMs = start - HOUR - Date.now();
  const store = openSqliteStore(path.join(dir, 'bot.sqlite'));
  const market = await startLocalMarketplace({ clock, logger, plans: catalog.plans });
  const emulator = market.emulator;
  const workers = new Set<WorkerProcess>();
  const killed = new Set<number>();
  let workerStarts = 0;
  const workerLog = fs.openSync(path.join(dir, 'workers.log'), 'a');
  const env = {
    PATH: process.env.PATH ?? '',
    // Exactly these settings: not a developer's .env file either.
    ENV_FILE: 'none',
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATA_DIR: dir,
    EMULATOR: 'false',
    DEV_SEED: 'false',
    MARKETPLACE_API_BASE_URL: market.apiUrl,
    MARKETPLACE_AUTH: 'emulator',
    MARKETPLACE_TIMEOUT_MS: '2000',
    MARKETPLACE_MAX_RETRIES: '1',
    METERING_POLL_SECONDS: '1',
    USAGE_QUEUE_LOCK_SECONDS: '5',
    PUBLISHER_TENANT_ID: 'publisher-tenant',
    MARKETPLACE_WEBHOOK_AUDIENCE: 'fulfillment-app',
  };
  const startWorker = (offsetMs: number, once = false): WorkerProcess => {
    const args = ['--import', 'tsx', 'src/worker/run-worker.ts', ...(once ? ['--once'] : [])];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...env, CLOCK_OFFSET_SECONDS: String(Math.round(offsetMs / 1000)) },
      stdio: ['ignore', workerLog, workerLog],
    });
    workerStarts += 1;
    const worker: WorkerProcess = {
      child,
      pid: child.pid!,
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
    };
    workers.add(worker);
    void worker.exited.then(() => workers.delete(worker));
    return worker;
  };
  const kill = async (worker: WorkerProcess) => {
    killed.add(worker.pid);
    worker.child.kill('SIGKILL');
    await worker.exited;
  };

  try {
    const random = mulberry32(11);
    console.log(`buying and activating ${options.subscriptions} subscriptions on the emulator…`);
    const subscriptions: Subscription[] = [];
    for (let i = 0; i < options.subscriptions; i++) {
      const planId = PLAN_MIX[i % PLAN_MIX.length]!;
      subscriptions.push(await market.buyActivated(planId, `chaos-tenant-${i}`, 10 + (i % 40)));
    }
    const simClock = new SimulationClock(start - HOUR);
    const simulation = new UsageSimulation(
      // The simulation's own warnings (turns past their token ceiling, billed within their holds) are not the subject.
      { store, catalog, clock: simClock, logger: createLogger('error'), random, concurrency: 256 },
      subscriptions.map((s, i) => simulatedTenant(s, catalog, i, random)),
    );
    await simulation.setUp(new Date(start - 30 * MINUTE));

    const perHour = Math.floor(options.events / options.hours);
    const dice = mulberry32(5);
    let authAlertSeen = false;
    let authAlertCleared = false;
    const noisy = { errorRate: 0.1, throttleRate: 0.05, lostResponseRate: 0.05, seed: 3 };
    const t0 = performance.now();
    for (let h = 0; h < options.hours; h++) {
      const hour = start + h * HOUR;
      const target = simulation.recorded + (h === options.hours - 1 ? options.events - perHour * (options.hours - 1) : perHour);
      for (let round = 0; simulation.recorded < target && round < 20; round++)
        await simulation.simulateHour(new Date(hour), target - simulation.recorded);
      // The phase: the hour has just closed (plus the grace); W workers run, one is killed and replaced every
      // KILL_EVERY_MS, until the due hours are settled (or the phase's time is up: always, during the outage).
      clock.offsetMs = hour + HOUR + GRACE + MINUTE - Date.now();
      const phaseOffset = clock.offsetMs;
      if (OUTAGE_HOURS.has(h)) emulator.configure({ outage: { status: 503, code: 'ServiceUnavailable', message: 'down' } });
      else if (h === FORBIDDEN_HOUR)
        emulator.configure({
          outage: { status: 403, code: 'Forbidden', message: 'The subscription was published with a different Azure AD App ID.' },
        });
      else emulator.configure({ outage: undefined, faults: noisy });
      for (let i = 0; i < options.workers; i++) startWorker(phaseOffset);
      const phaseStart = performance.now();
      let nextKill = phaseStart + KILL_EVERY_MS;
      while (performance.now() - phaseStart < PHASE_MS) {
        await new Promise((r) => setTimeout(r, 100));
        if (h === FORBIDDEN_HOUR) {
          const alerts = await store.alerts.active();
          if (alerts.some((a) => a.key === 'metering.auth')) authAlertSeen = true;
          if ((authAlertSeen || performance.now() - phaseStart > FORBIDDEN_MAX_MS) && emulator.options.outage)
            emulator.configure({ outage: undefined, faults: noisy });
          if (authAlertSeen && !emulator.options.outage && alerts.length === 0) authAlertCleared = true;
        }
        if (performance.now() >= nextKill) {
          nextKill += KILL_EVERY_MS;
          const list = [...workers];
          const victim = list[Math.floor(dice() * list.length)];
          if (victim) {
            await kill(victim);
            startWorker(phaseOffset);
          }
        }
        const quiet = !OUTAGE_HOURS.has(h) && (h !== FORBIDDEN_HOUR || authAlertCleared);
        if (quiet && settledBefore(store, hour + HOUR)) break;
      }
      await Promise.all([...workers].map(kill));
      process.stdout.write(
        `hour ${h + 1}/${options.hours}: ${simulation.recorded} recorded, ${emulator.acceptedUsage().length} hours accepted, ${killed.size} kills\n`,
      );
    }
    // The end: no faults; one last worker, once every lease has run out, sends whatever is left.
    emulator.configure({ outage: undefined, faults: {} });
    clock.offsetMs = start + options.hours * HOUR + GRACE + 10 * MINUTE - Date.now();
    const last = startWorker(clock.offsetMs, true);
    await last.exited;
    // The answered calls after the 403 burst cleared the operator alert.
    if (authAlertSeen && (await store.alerts.active()).length === 0) authAlertCleared = true;
    const elapsedMs = performance.now() - t0;

    const reports = await store.metering.list();
    const failedUnits = reports
      .filter((r) => r.status === 'Failed' || r.status === 'Conflict')
      .reduce((s, r) => s + r.quantity, 0);
    const pending = reports.filter((r) => r.status !== 'Accepted' && r.status !== 'Expired');
    const accepted = emulator.acceptedUsage();
    const acceptedQuantity = accepted.reduce((sum, u) => sum + u.quantity, 0);
    // Units that reached a worker after their hour was sent went into a later hour (carried): totals stay exact.
    const hoursAsRecorded = accepted.filter(
      (u) => simulation.expected.get(overageKey(u.resourceId, u.dimension, new Date(u.effectiveStartTime))) === u.quantity,
    ).length;
    const resends = classifyResends(emulator.usageSubmissions(), killed);
    console.log(
      `${options.workers} workers, ${workerStarts} starts, ${killed.size} kills, ${(elapsedMs / 1000).toFixed(0)} s; ` +
        `${accepted.length} hours accepted (${hoursAsRecorded} exactly as recorded, the others with carried units), ` +
        `${pending.length} buckets not settled; ` +
        `store and worker logs in ${dir} until exit`,
    );
    console.log(
      JSON.stringify({
        events: simulation.recorded,
        billableBuckets: simulation.expected.size,
        apiCalls: emulator.callCounts().batchUsageEvent ?? 0,
        optimalApiCalls: Math.ceil(simulation.expected.size / 25),
        acceptedQuantity,
        expectedQuantity: simulation.expectedTotal(),
        duplicateSubmissions: resends.unexplained,
        resendsAfterKill: resends.afterKill,
        resendsAfterLostAnswer: resends.afterLostAnswer,
        failedUnits,
        kills: killed.size,
        workerStarts,
        authAlertSeen,
        authAlertCleared,
      }),
    );
  } finally {
    await Promise.all([...workers].map(kill));
    fs.closeSync(workerLog);
    await market.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** True when every bucket of an hour before `before` is settled (nothing Open, InFlight, Retry or Held). */
function settledBefore(store: ReturnType<typeof openSqliteStore>, before: number): boolean {
  const row = store.db
    .prepare(
      `SELECT COUNT(*) AS n FROM metered_usage_reports WHERE hour_start < ? AND status IN ('Open', 'InFlight', 'Retry', 'Held')`,
    )
    .get(before) as { n: number };
  return row.n === 0;
}

/**
 * Why was an event sent again after the Marketplace had accepted it? The accepted submission's process was killed
 * (it could not record the answer), or the same process asked again (its answer was lost): both are expected and
 * settled by the duplicate rule. Anything else is a worker that took a lease another live worker held.
 */
export function classifyResends(
  submissions: readonly { key: string; status: string; userAgent?: string }[],
  killed: ReadonlySet<number>,
): { afterKill: number; afterLostAnswer: number; unexplained: number } {
  const pidOf = (ua: string | undefined) => Number(/pid (\d+)/.exec(ua ?? '')?.[1] ?? NaN);
  const acceptedBy = new Map<string, number>();
  const out = { afterKill: 0, afterLostAnswer: 0, unexplained: 0 };
  for (const s of submissions) {
    if (s.status === 'Accepted') acceptedBy.set(s.key, pidOf(s.userAgent));
    if (s.status !== 'Duplicate') continue;
    const first = acceptedBy.get(s.key);
    if (first === undefined) continue;
    if (first === pidOf(s.userAgent)) out.afterLostAnswer += 1;
    else if (killed.has(first)) out.afterKill += 1;
    else out.unexplained += 1;
  }
  return out;
}
