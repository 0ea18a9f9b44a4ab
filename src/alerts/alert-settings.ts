import { MINUTE, SECOND } from '../domain/clock';
import type { ConfigProblems, Reader } from '../config-reader';

/** A webhook secret shorter than this is refused in production (HMAC-SHA256 wants a key of 32 bytes or more). */
export const MIN_WEBHOOK_SECRET_CHARS = 32;

export interface AlertWebhookSettings {
  /** Where events are POSTed (`ALERT_WEBHOOK_URL`); https in production. */
  url: string;
  /** The shared HMAC-SHA256 key (`ALERT_WEBHOOK_SECRET`); never logged. */
  secret: string;
  /** One POST's time limit. @defaultValue 5000 */
  timeoutMs: number;
  /** Attempts before a delivery is `failed` (kept in the log). @defaultValue 8 */
  maxAttempts: number;
}

export interface AlertSettings {
  /** The signed outgoing webhook, when `ALERT_WEBHOOK_URL` is set. */
  webhook?: AlertWebhookSettings;
  /** How often pending deliveries are looked for (new alerts are sent at once). @defaultValue 15 s */
  pollMs: number;
  /** Teams deliveries: attempts before `failed`. @defaultValue 8 */
  teamsMaxAttempts: number;
  /** Webhook calls refused for a bad token: this many within `refusalWindowMs` is a burst. @defaultValue 10 */
  refusalBurst: number;
  /** @defaultValue 5 minutes */
  refusalWindowMs: number;
}

/**
 * Operator alert settings (README "Operator alerts"). In production the webhook must be https and its secret at
 * least 32 characters; a URL without a secret is refused everywhere (an unsigned event could not be trusted).
 */
export function loadAlertSettings(r: Reader, problems: ConfigProblems): AlertSettings {
  const url = r.url('ALERT_WEBHOOK_URL');
  const secret = r.str('ALERT_WEBHOOK_SECRET');
  if (url && !secret) problems.add('ALERT_WEBHOOK_SECRET', 'set with ALERT_WEBHOOK_URL (events are signed with it)');
  if (secret && r.production && secret.length < MIN_WEBHOOK_SECRET_CHARS)
    problems.add('ALERT_WEBHOOK_SECRET', `at least ${MIN_WEBHOOK_SECRET_CHARS} characters in production`);
  return {
    ...(url && secret
      ? {
          webhook: {
            url,
            secret,
            timeoutMs: r.int('ALERT_WEBHOOK_TIMEOUT_MS', 5 * SECOND, 100, 60 * SECOND),
            maxAttempts: r.int('ALERT_WEBHOOK_MAX_ATTEMPTS', 8, 1, 50),
          },
        }
      : {}),
    pollMs: r.int('ALERT_POLL_SECONDS', 15, 1, 3600) * SECOND,
    teamsMaxAttempts: r.int('ALERT_TEAMS_MAX_ATTEMPTS', 8, 1, 50),
    refusalBurst: r.int('ALERT_WEBHOOK_REFUSAL_BURST', 10, 1, 100_000),
    refusalWindowMs: r.int('ALERT_WEBHOOK_REFUSAL_WINDOW_MINUTES', 5, 1, 24 * 60) * MINUTE,
  };
}
