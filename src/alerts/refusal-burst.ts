import type { Clock } from '../domain/clock';
import { refusalsBurstAlert, WEBHOOK_REFUSALS_PROBLEM } from '../domain/alert-triggers';
import { WebhookAuthError } from '../marketplace/webhook-auth';
import type { OperatorAlerts } from './operator-alerts';

/**
 * Counts Marketplace webhook calls refused for their token in a sliding window: `threshold` of them within
 * `windowMs` raises `webhook.refusals_burst` (one alert per burst); a full window without a refusal ends the burst,
 * so the next one alerts again. Per process: each instance sees its own share of the calls.
 */
export class RefusalBurstDetector {
  private readonly times: number[] = [];
  private inBurst = false;

  constructor(
    private readonly deps: { alerts: OperatorAlerts; clock: Clock; threshold: number; windowMs: number },
  ) {}

  refused(reason: string): void {
    const now = this.deps.clock.now().getTime();
    this.forget(now);
    this.times.push(now);
    if (this.times.length >= this.deps.threshold && !this.inBurst) {
      this.inBurst = true;
      this.deps.alerts.raiseLater(
        refusalsBurstAlert({ refusals: this.times.length, windowMinutes: Math.round(this.deps.windowMs / 60_000), lastReason: reason }),
      );
    }
  }

  /** Called on accepted calls too, so a burst ends once its window is quiet. */
  accepted(): void {
    this.forget(this.deps.clock.now().getTime());
  }

  private forget(now: number): void {
    const since = now - this.deps.windowMs;
    while (this.times.length && this.times[0]! <= since) this.times.shift();
    if (this.inBurst && this.times.length === 0) {
      this.inBurst = false;
      void this.deps.alerts.resolve(WEBHOOK_REFUSALS_PROBLEM);
    }
  }
}

/**
 * The webhook's token check, reporting its refusals (WebhookAuthError: a token that is missing, forged, expired or
 * for someone else) to the detector. Other failures, such as the Marketplace's signing keys out of reach (answered
 * 503, retried by the Marketplace), say nothing about the callers' tokens and are not counted.
 */
export function watchRefusals<T>(
  verify: (authorization: string | undefined) => Promise<T>,
  detector: RefusalBurstDetector,
): (authorization: string | undefined) => Promise<T> {
  return async (authorization) => {
    try {
      const caller = await verify(authorization);
      detector.accepted();
      return caller;
    } catch (thrown) {
      if (thrown instanceof WebhookAuthError) detector.refused(thrown.reason);
      throw thrown;
    }
  };
}
