import { startApp } from './app';
import { loadConfig } from './config';
import { coerceError } from './domain/errors';
import { createLogger } from './logger';

/** Process entry point: config from the environment, the app, and a graceful stop on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (thrown) {
    console.error(`Configuration error: ${coerceError(thrown).message}`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, { logger });
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing turns in flight');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (thrown) => {
        logger.error({ err: coerceError(thrown).message }, 'shutdown failed');
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
