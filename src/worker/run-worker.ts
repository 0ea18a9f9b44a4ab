/**
 * `npm run worker` runs the metering worker as its own process (the bot then runs with WORKER=off);
 * `npm run worker -- --once` drains the queue, sends every due hour and exits (scripts, tests, cron).
 */
import { bootstrap } from '../bootstrap';
import { coerceError } from '../domain/errors';

async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  const { config, logger: rootLogger, clock, telemetry, shutdown } = await bootstrap();
  const logger = rootLogger.child({ component: 'metering-worker' });
  // Loaded after telemetry started, so that its HTTP clients are instrumented.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
  const { createMeteringWorker } = require('./create-metering-worker') as typeof import('./create-metering-worker.js');
  const { worker, relay, close } = await createMeteringWorker(config, {
    clock,
    logger,
    ...(telemetry ? { telemetry } : {}),
  });
  if (once) {
    try {
      // With Service Bus, move what the outbox holds onto the bus first, so this pass sees all recorded usage.
      await relay?.runOnce();
      const result = await worker.runOnce();
      logger.info(result, 'metering worker: one pass done');
      console.log(JSON.stringify(result));
    } finally {
      await close();
      await shutdown();
    }
    return;
  }
  worker.start();
  // The worker's own poll timer is unref'd so that it never holds a bot process open on its own. Alone in this
  // process nothing else holds the event loop, and the worker exited (code 0) after its first pass: this ref'd
  // timer keeps the process up until SIGTERM/SIGINT.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  logger.info({ pollMs: config.worker.pollMs }, 'metering worker running');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'metering worker stopping after the pass in progress');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    worker
      .stop()
      .then(close)
      .then(shutdown)
      .then(
        () => {
          clearInterval(keepAlive);
          process.exit(0);
        },
        (thrown: unknown) => {
          logger.error({ err: thrown }, 'metering worker shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((thrown) => {
  console.error(`Metering worker failed: ${coerceError(thrown).message}`);
  process.exit(1);
});
