/**
 * `npm run bench:console [-- --subscriptions N --events N --days D --runs R --dir path]`
 *
 * The publisher console at a publisher's real size (issue 12): 10,000 subscriptions and 10,000,000 answered turns
 * over a year in the embedded SQLite store (built once by scripts/bench/console-data.ts and kept under the OS temp
 * dir, so later runs start at once), the real app on an ephemeral port, signed in with the development sign-in;
 * each page is requested `runs` times after two warm-up requests, one at a time. The last line printed is one
 * JSON object: {"subscriptions":…,"events":…,"runs":…,"p95Ms":{"<page>":…},"loadAverage":…}.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startApp } from '../src/app';
import { loadConfig, PLAYGROUND_USER_ID } from '../src/config';
import { consoleDataFile, ensureConsoleData, subscriptionId, tenantId } from './bench/console-data';

const { values } = parseArgs({
  options: {
    subscriptions: { type: 'string', default: '10000' },
    events: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '365' },
    runs: { type: 'string', default: '20' },
    dir: { type: 'string', default: path.join(os.tmpdir(), 'teams-saas-bench-console') },
  },
});

const NOW = new Date('2026-03-15T12:00:00.000Z');
const spec = { subscriptions: Number(values.subscriptions), events: Number(values.events), days: Number(values.days), now: NOW };
const runs = Number(values.runs);

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]! * 10) / 10;
}

async function main(): Promise<void> {
  const file = consoleDataFile(values.dir, spec);
  const t0 = performance.now();
  const built = ensureConsoleData(file, spec, (line) => process.stderr.write(`bench:console ${line}\n`));
  if (built) process.stderr.write(`bench:console data built in ${Math.round((performance.now() - t0) / 1000)} s: ${file}\n`);
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: path.dirname(file),
    SQLITE_FILE: path.basename(file),
    LOG_LEVEL: 'silent',
    DEV_SEED: 'false',
    WORKER: 'off',
    EMULATOR: 'false',
    RECONCILE_INTERVAL_MINUTES: '0',
    // The retention job rolls usage up every few minutes in production; here it is done once below, before measuring.
    RETENTION_INTERVAL_MINUTES: '0',
    MARKETPLACE_AUTH: 'emulator',
    MARKETPLACE_API_BASE_URL: 'http://127.0.0.1:9/api',
    PUBLISHER_TENANT_ID: 'bench-publisher',
    MARKETPLACE_WEBHOOK_AUDIENCE: 'bench-app',
    CONSOLE_DEV_SIGN_IN: 'true',
    OPERATOR_IDS: PLAYGROUND_USER_ID,
  });
  const app = await startApp(config, { clock: { now: () => NOW }, startWorker: false });
  // As in production, where the retention job keeps usage rolled up to the last few minutes (kept in the file).
  const t1 = performance.now();
  let rolled = 0;
  for (let n = await app.store.retention.rollUp(50_000); n > 0; n = await app.store.retention.rollUp(50_000)) rolled += n;
  if (rolled) process.stderr.write(`bench:console rolled up ${rolled} events in ${Math.round((performance.now() - t1) / 1000)} s\n`);
  try {
    let cookie = '';
    const keep = (res: Response) => {
      const match = res.headers.get('set-cookie')?.match(/console_session=([^;]*)/);
      if (match) cookie = `console_session=${match[1]}`;
      return res;
    };
    const signIn = await keep(await fetch(`${app.url}/console/sign-in`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(signIn)![1]!;
    keep(
      await fetch(`${app.url}/console/dev-sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, next: '/console' }).toString(),
      }),
    );
    const busiest = (app.store as unknown as { db: import('better-sqlite3').Database }).db
      .prepare('SELECT subscription_id AS id FROM metered_usage_reports GROUP BY subscription_id ORDER BY COUNT(*) DESC LIMIT 1')
      .get() as { id: string };
    const middle = Math.floor(spec.subscriptions / 2);
    const pages: Record<string, string> = {
      home: '/',
      overview: '/console',
      subscriptions: '/console/subscriptions',
      subscriptionsSearch: `/console/subscriptions?q=${tenantId(middle)}`,
      subscriptionsFiltered: '/console/subscriptions?offer=teams-ai-assistant&status=Subscribed&page=100',
      subscription: `/console/subscriptions/${subscriptionId(middle)}`,
      metering: '/console/metering',
      ledger: `/console/metering/ledger/${busiest.id}`,
      operations: '/console/operations',
      billed: '/console/billed',
    };
    const result: Record<string, number> = {};
    for (const [name, url] of Object.entries(pages)) {
      const samples: number[] = [];
      for (let i = 0; i < runs + 2; i++) {
        const started = performance.now();
        const res = await fetch(`${app.url}${url}`, { headers: { cookie } });
        await res.text();
        if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
        if (i >= 2) samples.push(performance.now() - started);
      }
      result[name] = p95(samples);
    }
    console.log(
      JSON.stringify({
        subscriptions: spec.subscriptions,
        events: spec.events,
        days: spec.days,
        runs,
        p95Ms: result,
        loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
      }),
    );
  } finally {
    await app.close();
  }
}

main().catch((thrown) => {
  console.error(thrown);
  process.exit(1);
});
