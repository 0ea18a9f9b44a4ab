import { MINUTE, SECOND, type Clock } from '../domain/clock';
import { coerceError } from '../domain/errors';
import type { Logger } from '../logger';
import type { ProactiveMessenger } from '../bot/proactive/proactive-messenger';
import type { DeliveryAttempt, DueDelivery } from '../store/outreach-repos';
import type { Store } from '../store/store';
import { alertCard } from './alert-card';
import type { AlertSettings } from './alert-settings';
import { postAlertWebhook } from './alert-webhook-sender';
import { OPERATORS_CONVERSATION } from './operator-alerts';

/** First retry after 30 s, doubling up to 30 min (with ±20 % jitter so instances do not retry in step). */
const FIRST_RETRY_MS = 30 * SECOND;
const MAX_RETRY_MS = 30 * MINUTE;
/** A claimed delivery is ours this long: longer than one webhook POST or connector call can take. */
const LEASE_MS = 2 * MINUTE;
const BATCH = 50;

export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Delivers stored alerts: each pending delivery is claimed under a lease (so instances sharing the store do not send
 * it twice), sent, and settled with a line in the delivery log: delivered; retried with capped exponential backoff;
 * failed after the channel's last attempt; skipped when Teams has no operators' chat (`alerts here` not typed).
 * Polls every `pollMs` and runs at once when an alert is raised.
 */
export class AlertDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly deps: {
      store: Store;
      messenger: ProactiveMessenger;
      settings: AlertSettings;
      clock: Clock;
      logger: Logger;
      random?: () => number;
    },
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.kick(), this.deps.settings.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Sends what is due now (one pass at a time; a kick during a pass runs another after it). */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.runOnce();
        } while (this.again);
      } catch (thrown) {
        this.deps.logger.error({ err: thrown }, 'alert delivery pass failed');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** One pass: every delivery due now. Returns how many were attempted. */
  async runOnce(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const now = this.deps.clock.now();
      const due = await this.deps.store.alertEvents.claimDue({ now, leaseUntil: new Date(now.getTime() + LEASE_MS), limit: BATCH });
      for (const delivery of due) await this.deps.store.alertEvents.settle(await this.deliver(delivery));
      attempted += due.length;
      if (due.length < BATCH) return attempted;
    }
  }

  private async deliver(d: DueDelivery): Promise<DeliveryAttempt> {
    const at = this.deps.clock.now();
    const base = { eventId: d.event.id, channel: d.channel, at };
    const fail = (detail: string, maxAttempts: number, extra: Partial<DeliveryAttempt> = {}): DeliveryAttempt => {
      const last = d.attempts + 1 >= maxAttempts;
      this.deps.logger.warn(
        { alertId: d.event.id, channel: d.channel, attempt: d.attempts + 1, detail, final: last },
        'operator alert delivery failed',
      );
      return last
        ? { ...base, ...extra, outcome: 'failed', detail }
        : {
            ...base,
            ...extra,
            outcome: 'retry',
            detail,
            nextAttemptAt: new Date(at.getTime() + retryDelayMs(d.attempts + 1, this.deps.random)),
          };
    };
    if (d.channel === 'webhook') {
      const webhook = this.deps.settings.webhook;
      if (!webhook) return { ...base, outcome: 'skipped', detail: 'no webhook configured' };
      const result = await postAlertWebhook(webhook, d.event, at);
      const extra = { durationMs: result.durationMs, ...(result.status !== undefined ? { httpStatus: result.status } : {}) };
      return result.ok ? { ...base, ...extra, outcome: 'delivered' } : fail(result.detail, webhook.maxAttempts, extra);
    }
    try {
      const started = performance.now();
      const outcome = await this.deps.messenger.toConversation(OPERATORS_CONVERSATION, (recipient) => ({
        card: alertCard(d.event, recipient.locale),
        text: d.event.summary,
      }));
      const durationMs = Math.round(performance.now() - started);
      return outcome === 'sent'
        ? { ...base, outcome: 'delivered', durationMs }
        : { ...base, outcome: 'skipped', detail: 'no operators chat (type "alerts here" there)' };
    } catch (thrown) {
      const status = (thrown as { statusCode?: unknown }).statusCode;
      return fail(coerceError(thrown).message.slice(0, 200), this.deps.settings.teamsMaxAttempts, {
        ...(typeof status === 'number' ? { httpStatus: status } : {}),
      });
    }
  }
}
