import type { Server } from 'restify';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { Telemetry } from '../telemetry/telemetry';
import type { InFlight } from '../in-flight';
import type { OpenedUsageQueue } from '../queue/open-queue';
import type { MeteringWorker } from '../worker/metering-worker';
import type { Emulator } from '../dev/marketplace-emulator/emulator';
import type { BackgroundJobs } from './background-jobs';
import type { Outreach } from './outreach';
import type { SecretExpiryWatch } from './secret-expiry-watch';

/** How long shutdown lets background turns run before ending them (the process is forced out after 15 s). */
const SHUTDOWN_TURN_GRACE_MS = 10_000;

/** What the app stops, in the order below. */
export interface ShutdownParts {
  inFlight: InFlight;
  secretExpiry: SecretExpiryWatch;
  jobs: BackgroundJobs;
  emulator: Emulator | undefined;
  server: Server;
  /** The turns running in the background after their acknowledgement. */
  turns: Set<AbortController>;
  usageQueue: OpenedUsageQueue;
  worker: MeteringWorker | undefined;
  outreach: Pick<Outreach, 'stop'>;
  telemetry: Telemetry;
  /** The store, when the app opened it (a store passed in is closed by its owner). */
  ownStore: Store | undefined;
  logger: Logger;
}

/**
 * The app's `close()`: stops taking turns, lets those in flight finish, stops timers, closes the store (if it opened
 * it). Runs once: every later call gets the same promise.
 */
export function shutdownOnce(parts: ShutdownParts): () => Promise<void> {
  const { inFlight, server, turns, usageQueue, logger } = parts;
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      inFlight.accepting = false;
      parts.secretExpiry.stop();
      await parts.jobs.stop();
      await parts.emulator?.close();
      // Stop accepting connections, let the turns in flight finish and their usage be written, then drop idle
      // keep-alive sockets (closing waits for them otherwise, seconds for nothing).
      const closed = new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      // Turns still running in the background get a moment, then are ended like at their deadline (claims
      // released, nothing more sent), before the process's forced exit (src/index.ts) could cut them anywhere.
      const cutOff = setTimeout(() => {
        if (turns.size) logger.warn({ turns: turns.size }, 'shutting down: ending the turns still running');
        for (const turn of turns) turn.abort();
      }, SHUTDOWN_TURN_GRACE_MS);
      await inFlight.idle();
      clearTimeout(cutOff);
      server.server.closeIdleConnections();
      await closed;
      // The relay and the worker finish what they are doing (a batch in flight is settled) before anything closes.
      await usageQueue.relay?.stop();
      await parts.worker?.stop();
      await parts.outreach.stop();
      await usageQueue.queue.close();
      await parts.telemetry.flush();
      await parts.ownStore?.close();
    })();
    return closing;
  };
}
