import { bootstrap } from './bootstrap';
import { coerceError } from './domain/errors';

/**
 * Process entry point: telemetry and configuration first (src/bootstrap.ts), then the app, and a graceful stop on
 * SIGTERM/SIGINT. The app is imported only after telemetry started, so that its HTTP stack is instrumented.
 */
async function main(): Promise<void> {
  const { config, logger, clock, telemetry, shutdown } = await bootstrap();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
  const { startApp } = require('./app') as typeof import('./app.js');
  const app = await startApp(config, { logger, clock, ...(telemetry ? { telemetry } : {}) });
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing turns in flight');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    app
      .close()
      .then(shutdown)
      .then(
        () => process.exit(0),
        (thrown: unknown) => {
          logger.error({ err: thrown }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((thrown) => {
  console.error(`Start failed: ${coerceError(thrown).message}`);
  process.exit(1);
});
