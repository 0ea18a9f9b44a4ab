/**
 * `npm run bench:soak [-- --turns N --conversations C --tenants T --every K]`: memory over a long run (issue 14).
 * 100,000 message turns over real HTTP (expectReplies, zero-latency model) over 10,000 conversations of 1,000
 * tenants, against the compiled build (`npm run build`, then the real app in a child process: gate, quota, usage
 * recording, teams-ai conversation state). Prints the server's RSS (from /proc) every 10,000 turns. After the
 * warm-up (the first fifth of the turns: every conversation has been seen and its state has reached its size), RSS
 * must stay flat (at most 10 % above the level at the end of the warm-up) and under 250 MB. Last line, one JSON
 * object: {"turns":…,"rssMb":[…],"warmRssMb":…,"finalRssMb":…,"maxRssMb":…,"growthAfterWarmup":…,"flat":…,"under250":…}
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { postTurn } from './bench/post-turn';

const { values } = parseArgs({
  options: {
    turns: { type: 'string', default: '100000' },
    conversations: { type: 'string', default: '10000' },
    tenants: { type: 'string', default: '1000' },
    every: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '8' },
  },
});
const TURNS = Number(values.turns);
const CONVERSATIONS = Number(values.conversations);
const TENANTS = Number(values.tenants);
const EVERY = Number(values.every);
const CONCURRENCY = Number(values.concurrency);
const ROOT = path.resolve(__dirname, '..');
const TENANT = 'soak';
/**
 * The V8 flags of `npm run start:prod` (package.json), so that the soak measures the process as deployed; SOAK_NODE_FLAGS
 * overrides them (space-separated) to try others.
 */
const NODE_FLAGS = (
  process.env.SOAK_NODE_FLAGS ??
  /node ((?:--\S+ )*)dist/.exec(
    (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> })
      .scripts['start:prod']!,
  )?.[1] ??
  ''
)
  .split(' ')
  .filter(Boolean);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** The server's memory after a full collection (what is really retained), asked for with SIGUSR2. */
let lastMem = '';
async function retained(child: ChildProcess): Promise<string> {
  lastMem = '';
  child.kill('SIGUSR2');
  const until = Date.now() + 5000;
  while (!lastMem && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return lastMem;
}

async function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      ...NODE_FLAGS,
      '--expose-gc',
      path.join(ROOT, 'dist/scripts/bench/turn-server.js'),
      '--mode',
      'enforced',
      '--data-dir',
      dataDir,
      '--tenant',
      TENANT,
      '--tenants',
      String(TENANTS),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(/READY (\S+)/);
      if (m) resolve(m[1]!);
      const mem = /MEM (\{[^\n]*\})\n/.exec(out);
      if (mem) {
        lastMem = mem[1]!;
        out = out.slice(mem.index + mem[0].length);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, child };
}

let nextActivityId = Date.now();
/** Turn i: conversation i mod C (each of one user), of tenant conversation mod T. */
function activity(i: number): string {
  const conversation = i % CONVERSATIONS;
  const tenant = `${TENANT}-${conversation % TENANTS}`;
  const user = `user-${conversation}`;
  return JSON.stringify({
    type: 'message',
    id: String(nextActivityId++),
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/',
    deliveryMode: 'expectReplies',
    from: { id: `29:${user}`, aadObjectId: user, name: `User ${conversation}` },
    recipient: { id: '28:bot' },
    conversation: { id: `a:conversation-${conversation}`, tenantId: tenant, conversationType: 'personal' },
    text: `Question number ${i}: what is the weather like in the city where conversation ${conversation} lives?`,
  });
}

async function main(): Promise<void> {
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-soak-'));
  const server = await startServer(dataDir);
  const pid = server.child.pid!;
  const samples: number[] = [];
  console.log(`node flags: ${NODE_FLAGS.join(' ') || 'none'}; idle: RSS ${round(rssMb(pid))} MB`);
  if (process.env.SOAK_HEAP === '1') console.log(`  after a full GC: ${await retained(server.child)}`);
  const started = performance.now();
  try {
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < TURNS) {
        const i = next++;
        await postTurn(server.url, activity(i));
        done += 1;
        if (done % EVERY === 0) {
          const rss = rssMb(pid);
          samples.push(round(rss));
          const seconds = (performance.now() - started) / 1000;
          console.log(`${done} turns: RSS ${round(rss)} MB (${round(done / seconds, 0)} turns/s)`);
          // After the RSS sample: the collection it asks for must not flatter the figure.
          if (process.env.SOAK_HEAP === '1') console.log(`  after a full GC: ${await retained(server.child)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    server.child.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const warmIndex = Math.max(0, Math.ceil(samples.length / 5) - 1);
  const warm = samples[warmIndex]!;
  const after = samples.slice(warmIndex);
  const max = Math.max(...samples);
  const growth = Math.max(...after) / warm - 1;
  console.log(
    JSON.stringify({
      turns: TURNS,
      conversations: CONVERSATIONS,
      tenants: TENANTS,
      rssMb: samples,
      warmRssMb: warm,
      finalRssMb: samples[samples.length - 1],
      maxRssMb: max,
      growthAfterWarmup: round(growth, 3),
      flat: growth <= 0.1,
      under250: max < 250,
    }),
  );
}

main().catch((thrown) => {
  console.error(thrown);
  process.exit(1);
});
