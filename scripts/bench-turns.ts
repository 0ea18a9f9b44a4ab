/**
 * `npm run bench:turns [-- --turns N --rounds R --warmup W --concurrency C]`: message turns over real HTTP
 * (expectReplies) against a zero-latency model, N through a bare teams-ai app and N with subscription enforcement and
 * usage tracking on. The servers run the compiled build, as in production (`npm run start:prod`), each in its own
 * process pinned to the last CPU when `taskset` exists, with this load generator on the others, so the two do not
 * fight over a core. After W warm-up turns each (JIT, caches, a grown WAL: a server that has been up a while), the
 * N turns are split into R rounds; each round runs both servers back to back, alternating which goes first, so that
 * a pair shares the shared host's mood. The figures are medians over rounds: with many short rounds, one noisy
 * moment moves one round, not the result. Server CPU time per turn (from /proc) is printed too. The last line printed
 * is one JSON object: {"turns":N,"bareTurnsPerSec":…,"enforcedTurnsPerSec":…,"ratio":…,"p50AddedMs":…,"p99AddedMs":…}
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { cpuMicros } from './bench/process-cpu';
import { postTurn } from './bench/post-turn';

const { values } = parseArgs({
  options: {
    turns: { type: 'string', default: '30000' },
    concurrency: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3000' },
  },
});
const BENCH_TENANT = 'bench-tenant';
const TURNS = Number(values.turns);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const WARMUP = Number(values.warmup);
const PER_ROUND = Math.ceil(TURNS / ROUNDS);

const CPUS = os.availableParallelism();
const ROOT = path.resolve(__dirname, '..');
/** The servers run the compiled JavaScript, as in production (`npm run start:prod`), built first. */
const SERVER_SCRIPT = path.join(ROOT, 'dist/scripts/bench/turn-server.js');
const HAS_TASKSET = CPUS > 1 && spawnSync('taskset', ['-V']).status === 0;

async function startServer(mode: 'bare' | 'enforced', dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const args = [
    // Between its rounds a server idles while the other one runs; V8's memory reducer then shrinks the heap, which
    // the next round pays to grow again (the bigger heap more). A bot under steady load never idles like that.
    '--no-memory-reducer',
    SERVER_SCRIPT,
    '--mode',
    mode,
    '--data-dir',
    dataDir,
    '--tenant',
    BENCH_TENANT,
  ];
  const [command, argv] = HAS_TASKSET
    ? ['taskset', ['-c', String(CPUS - 1), process.execPath, ...args]]
    : [process.execPath, args];
  const child = spawn(command, argv, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(/READY (\S+)/);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { url, child };
}

/** Teams gives message activities increasing ids (the message's timestamp in ms); the bench does the same. */
let nextActivityId = Date.now();

function activity(i: number) {
  return JSON.stringify({
    type: 'message',
    id: String(nextActivityId++),
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/',
    deliveryMode: 'expectReplies',
    from: { id: `29:user-${i % 50}`, aadObjectId: `user-${i % 50}`, name: `User ${i % 50}` },
    recipient: { id: '28:bot' },
    conversation: { id: `conv-${i % 50}`, tenantId: BENCH_TENANT, conversationType: 'personal' },
    text: `Question number ${i}: what is the weather like?`,
  });
}

/** Sends `turns` turns with `CONCURRENCY` in flight; returns throughput and sorted latencies (ms). */
async function drive(url: string, turns: number) {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < turns) {
      const i = next++;
      const t0 = performance.now();
      await postTurn(url, activity(i));
      latencies.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSec: turns / seconds, latencies };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  if (HAS_TASKSET) spawnSync('taskset', ['-cp', `0-${CPUS - 2}`, String(process.pid)]);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-turns-'));
  const servers = { bare: await startServer('bare', dataDir), enforced: await startServer('enforced', dataDir) };
  try {
    for (const s of Object.values(servers)) await drive(s.url, WARMUP);
    const rounds: { bare: Awaited<ReturnType<typeof drive>>; enforced: Awaited<ReturnType<typeof drive>> }[] = [];
    const cpu = { bare: 0, enforced: 0 };
    const timed = async (mode: 'bare' | 'enforced') => {
      const before = cpuMicros(servers[mode].child.pid!);
      const result = await drive(servers[mode].url, PER_ROUND);
      cpu[mode] += cpuMicros(servers[mode].child.pid!) - before;
      return result;
    };
    for (let r = 0; r < ROUNDS; r++) {
      let bare, enforced;
      if (r % 2 === 0) {
        bare = await timed('bare');
        enforced = await timed('enforced');
      } else {
        enforced = await timed('enforced');
        bare = await timed('bare');
      }
      rounds.push({ bare, enforced });
      console.log(
        `round ${r + 1}: bare ${round(bare.perSec, 1)} turns/s (p50 ${round(quantile(bare.latencies, 0.5))} ms), ` +
          `enforced ${round(enforced.perSec, 1)} turns/s (p50 ${round(quantile(enforced.latencies, 0.5))} ms), ratio ${round(enforced.perSec / bare.perSec, 3)}`,
      );
    }
    console.log(
      `servers pinned to CPU ${HAS_TASKSET ? CPUS - 1 : 'none (no taskset)'}; concurrency ${CONCURRENCY}; medians of ${ROUNDS} rounds`,
    );
    if (cpu.bare > 0) {
      const per = (mode: 'bare' | 'enforced') => Math.round(cpu[mode] / (PER_ROUND * ROUNDS));
      console.log(
        `server CPU per turn: bare ${per('bare')} µs, enforced ${per('enforced')} µs (+${per('enforced') - per('bare')} µs, ${round(per('bare') / per('enforced'), 3)} as a ratio)`,
      );
    }
    console.log(
      JSON.stringify({
        turns: PER_ROUND * ROUNDS,
        bareTurnsPerSec: round(median(rounds.map((r) => r.bare.perSec)), 1),
        enforcedTurnsPerSec: round(median(rounds.map((r) => r.enforced.perSec)), 1),
        ratio: round(median(rounds.map((r) => r.enforced.perSec / r.bare.perSec)), 3),
        p50AddedMs: round(median(rounds.map((r) => quantile(r.enforced.latencies, 0.5) - quantile(r.bare.latencies, 0.5))), 3),
        p99AddedMs: round(median(rounds.map((r) => quantile(r.enforced.latencies, 0.99) - quantile(r.bare.latencies, 0.99))), 3),
      }),
    );
  } finally {
    for (const s of Object.values(servers)) s.child.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
