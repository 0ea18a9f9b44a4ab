import type { MeteringAlertKey } from '../domain/metering';
import type { Logger } from '../logger';
import type { Store } from '../store/store';

const ALERT_KEYS: readonly MeteringAlertKey[] = ['metering.auth', 'metering.call-refused'];

/**
 * The call-level alerts of the metering worker (README "Metering"): a Metering call refused as a whole (401/403, or
 * another answer that no retry changes) raises one, stored for every instance; the next answered call clears them
 * all, also those another worker raised.
 */
export class MeteringCallAlerts {
  /** Alerts this worker raised and has not seen cleared. */
  private readonly alerting = new Set<MeteringAlertKey>();

  constructor(
    private readonly deps: {
      store: Pick<Store, 'alerts'>;
      logger: Logger;
      /** A call-level alert raised (`raised: true`) or cleared by an answered call (operator alerts). */
      onAlert?: (change: { key: MeteringAlertKey; raised: boolean; message?: string }) => void;
    },
  ) {}

  async raise(key: MeteringAlertKey, message: string, now: Date): Promise<void> {
    if (!this.alerting.has(key)) this.deps.logger.error({ alert: key, err: message }, 'metering alert raised');
    this.alerting.add(key);
    this.deps.onAlert?.({ key, raised: true, message });
    // An alert must never keep the hours of the call from being settled: its write failing is only logged.
    await this.deps.store.alerts
      .raise(key, message, now)
      .catch((thrown) => this.deps.logger.warn({ alert: key, err: thrown }, 'could not store a metering alert'));
  }

  /** An answered call: the call-level problems are over (also those another worker raised). */
  async clear(now: Date): Promise<void> {
    for (const key of ALERT_KEYS) {
      let cleared: boolean;
      try {
        cleared = await this.deps.store.alerts.clear(key, now);
      } catch (thrown) {
        // Kept in `alerting`: the next answered call tries again.
        this.deps.logger.warn({ alert: key, err: thrown }, 'could not clear a metering alert');
        continue;
      }
      if (this.alerting.delete(key) || cleared) {
        this.deps.logger.info({ alert: key }, 'metering alert cleared');
        this.deps.onAlert?.({ key, raised: false });
      }
    }
  }
}
