import type { Config } from '../config';
import { HOUR, MINUTE, type Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import { RetentionJob } from '../retention/retention-job';

export interface BackgroundJobs {
  /** Stops every timer; waits for the retention job's step in progress. */
  stop(): Promise<void>;
}

/**
 * The bot process's periodic jobs: the stale-claim and expired-history sweep (each minute), the feedback purge
 * (hourly), the retention job, and reconciliation with the Fulfillment API. The sweep and the purge also run once
 * now, before the server listens. Every timer is unref'd: none of them keeps the process alive.
 */
export async function startBackgroundJobs(
  config: Readonly<Config>,
  deps: { store: Store; clock: Clock; logger: Logger; reconcile: () => Promise<unknown> },
): Promise<BackgroundJobs> {
  const { store, clock, logger, reconcile } = deps;
  // Claims left by a crash (the process died between claim and settle) go back, with the quota they held: the
  // activity can then be answered again (by any instance) and the units are free. The same minute's sweep deletes
  // the conversation histories that have expired (already unread since their expiry: this frees the rows).
  const sweep = async () => {
    try {
      const released = await store.usage.releaseStale(new Date(clock.now().getTime() - config.enforcement.reservationTimeoutMs));
      if (released) logger.warn({ released }, 'released stale turn claims');
    } catch (thrown) {
      logger.error({ err: thrown }, 'stale reservation sweep failed');
    }
    try {
      // With history off, the rows a previous setting left are deleted as they expire too.
      const deleted = await store.history.deleteExpired(clock.now());
      if (deleted) logger.info({ deleted }, 'expired conversation histories deleted');
    } catch (thrown) {
      logger.error({ err: thrown }, 'conversation history sweep failed');
    }
  };
  await sweep();
  const sweeper = setInterval(() => void sweep(), MINUTE);
  sweeper.unref();

  // Feedback retention: the rated answers' text, then the feedback itself, go when their time is up.
  const purgeFeedback = async () => {
    const now = clock.now().getTime();
    try {
      const purged = await store.feedback.purge({
        textBefore: new Date(now - config.feedback.textRetentionMs),
        rowsBefore: new Date(now - config.feedback.retentionMs),
      });
      if (purged.deleted || purged.textCleared) logger.info(purged, 'feedback past its retention purged');
    } catch (thrown) {
      logger.error({ err: thrown }, 'feedback purge failed');
    }
  };
  await purgeFeedback();
  const feedbackPurger = setInterval(() => void purgeFeedback(), HOUR);
  feedbackPurger.unref();
  // Usage rolled up into daily aggregates, old raw usage and message text deleted (one instance at a time).
  const retentionJob = new RetentionJob({
    retention: store.retention,
    clock,
    logger: logger.child({ component: 'retention' }),
    policy: config.retention,
    batchSize: config.retention.batchSize,
  });
  retentionJob.start(config.retention.intervalMs);

  // Webhooks can be missed: repair drift from the Fulfillment API now and then.
  const reconcileQuietly = () => reconcile().catch((thrown) => logger.error({ err: thrown }, 'reconciliation failed'));
  const reconciler =
    config.marketplace.reconcileIntervalMs > 0
      ? setInterval(() => void reconcileQuietly(), config.marketplace.reconcileIntervalMs)
      : undefined;
  reconciler?.unref();

  return {
    async stop() {
      clearInterval(sweeper);
      clearInterval(feedbackPurger);
      await retentionJob.stop();
      if (reconciler) clearInterval(reconciler);
    },
  };
}
