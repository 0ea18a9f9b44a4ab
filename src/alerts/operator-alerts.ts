import type { Clock } from '../domain/clock';
import { timeOrderedId } from '../domain/ids';
import type { AlertEvent } from '../domain/alert-events';
import type { AlertDraft } from '../domain/alert-triggers';
import type { Logger } from '../logger';
import type { AlertChannel } from '../store/outreach-repos';
import type { Store } from '../store/store';

/** The operators' chat or channel, as captured by the operator command `alerts here`. */
export const OPERATORS_CONVERSATION = 'operators';

/**
 * Where every trigger raises operator alerts (the seam other features call: `raise(billingMismatchAlert(…))`,
 * `raise(contentReportAlert(…))`). An alert is stored with one pending delivery per channel, deduplicated by its
 * problem and state (src/domain/alert-events.ts), then handed to the dispatcher at once. Raising never throws: an
 * alert that cannot be stored is logged, and the code that raised it goes on.
 */
export class OperatorAlerts {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      logger: Logger;
      /** The signed webhook is configured: events get a webhook delivery too. */
      webhook: boolean;
      /** Called after an alert is recorded (the dispatcher sends it without waiting for its next poll). */
      onRecorded?: () => void;
    },
  ) {}

  get channels(): AlertChannel[] {
    return this.deps.webhook ? ['teams', 'webhook'] : ['teams'];
  }

  /** Records the alert unless the same problem is already alerted in the same state. Returns what happened. */
  async raise(draft: AlertDraft | undefined): Promise<'recorded' | 'duplicate' | 'error' | 'none'> {
    if (!draft) return 'none';
    const now = this.deps.clock.now();
    const event: AlertEvent = { ...draft, id: timeOrderedId(now.getTime()), occurredAt: now };
    try {
      const outcome = await this.deps.store.alertEvents.record(event, this.channels);
      if (outcome === 'recorded') {
        this.deps.logger.warn(
          { alert: event.type, alertId: event.id, subscriptionId: event.subscriptionId, tenantId: event.tenantId },
          'operator alert raised',
        );
        this.deps.onRecorded?.();
      }
      return outcome;
    } catch (thrown) {
      this.deps.logger.error({ alert: event.type, err: thrown }, 'could not record an operator alert');
      return 'error';
    }
  }

  /** Not a promise to wait on: for callers on a hot or synchronous path (telemetry hooks). */
  raiseLater(draft: AlertDraft | undefined): void {
    void this.raise(draft);
  }

  /** The problem is over (the worker authenticates again, the burst stopped): its next occurrence alerts again. */
  async resolve(problem: string): Promise<void> {
    try {
      await this.deps.store.alertEvents.resolve(problem, this.deps.clock.now());
    } catch (thrown) {
      this.deps.logger.warn({ problem, err: thrown }, 'could not resolve an operator alert');
    }
  }
}
