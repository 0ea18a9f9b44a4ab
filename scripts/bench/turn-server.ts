/**
 * One bot server for `npm run bench:turns`, in its own process so the load generator does not share its event
 * loop. `--mode enforced`: the real app (gate, quota, usage recorder, SQLite). `--mode bare`: a plain teams-ai
 * Application with the same adapter, route, prompt and zero-latency model, without any of our checks.
 * Prints `READY <url>` once listening.
 */
import { parseArgs } from 'node:util';
import { ActionPlanner, Application, PromptManager } from '@microsoft/teams-ai';
import { startApp } from '../../src/app';
import { benchSubscription } from './bench-subscription';
import { BoundedMemoryStorage } from './bounded-memory-storage';
import { ZeroLatencyModel } from './zero-latency-model';
import { createTeamsAdapter } from '../../src/bot/teams-adapter';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createHttpServer, listen } from '../../src/web/http-server';
import { addMessagesRoute } from '../../src/web/messages-route';
import { InFlight } from '../../src/in-flight';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string' },
      'data-dir': { type: 'string' },
      'sqlite-file': { type: 'string' },
      tenant: { type: 'string' },
      tenants: { type: 'string' },
      // bench:scale: the plan of the subscriptions this script creates (the big store's tenant is on enterprise).
      plan: { type: 'string' },
    },
  });
  const tenantId = values.tenant ?? 'bench-tenant';
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DEV_SEED: 'false',
    // The turn path only: metering runs in its own worker (usage is still recorded, counters and outbox included).
    WORKER: 'off',
    DATA_DIR: values['data-dir'],
    // bench:scale: a store file built beforehand (its tenant's subscription is already there).
    SQLITE_FILE: values['sqlite-file'],
    RETENTION_INTERVAL_MINUTES: '0',
  });
  const logger = createLogger('warn');
  let url: string;
  if (values.mode === 'enforced') {
    const app = await startApp(config, { logger, model: new ZeroLatencyModel() });
    const now = new Date();
    // bench:soak: tenants `<tenant>-0` … `<tenant>-<n-1>` besides the one named.
    const tenants = [tenantId, ...Array.from({ length: Number(values.tenants ?? 0) }, (_, i) => `${tenantId}-${i}`)];
    for (const [i, tenant] of tenants.entries()) {
      if ((await app.store.subscriptions.listForTenant(tenant)).length > 0) continue;
      await app.store.subscriptions.upsert(
        benchSubscription(i === 0 ? 'bench-subscription' : `bench-subscription-${i}`, tenant, now, values.plan),
      );
    }
    url = app.url;
  } else {
    const adapter = createTeamsAdapter(config.bot, config.delivery, logger);
    const app = new Application({
      adapter,
      storage: new BoundedMemoryStorage(),
      ai: {
        planner: new ActionPlanner({
          model: new ZeroLatencyModel({ plainTeamsAi: true }),
          prompts: new PromptManager({ promptsFolder: config.promptsDir }),
          defaultPrompt: 'chat',
        }),
      },
    });
    const server = createHttpServer({ maxBodyBytes: config.maxBodyBytes, logger });
    addMessagesRoute(server, {
      adapter,
      logic: async (context) => void (await app.run(context)),
      logger,
      inFlight: new InFlight(),
      delivery: config.delivery,
    });
    url = await listen(server, 0, '127.0.0.1');
  }
  process.once('SIGINT', () => process.exit(0));
  // bench:soak: on SIGUSR2, a full collection (with --expose-gc) then one line of memory figures, in MB.
  process.on('SIGUSR2', () => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const mb = (n: number) => Math.round(n / 104857.6) / 10;
    process.stdout.write(
      `MEM ${JSON.stringify({ rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) })}\n`,
    );
  });
  process.stdout.write(`READY ${url}\n`);
}

void main();
