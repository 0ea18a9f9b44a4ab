import { alertPayload, type AlertEvent } from '../domain/alert-events';
import type { AlertWebhookSettings } from './alert-settings';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signatureOf } from './webhook-signature';

export type WebhookAttempt =
  | { ok: true; status: number; durationMs: number }
  | { ok: false; status?: number; durationMs: number; detail: string };

/**
 * One signed POST of an event to the publisher's webhook. A 2xx answer is a delivery; anything else (another
 * status, a timeout, a network error) is a failed attempt for the dispatcher to retry. The body and the secret are
 * never logged; the detail is a status line or an error code.
 */
export async function postAlertWebhook(settings: AlertWebhookSettings, event: AlertEvent, now: Date): Promise<WebhookAttempt> {
  const body = JSON.stringify(alertPayload(event));
  const timestamp = Math.floor(now.getTime() / 1000);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(settings.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'teams-saas-bot-alerts/1',
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signatureOf(settings.secret, timestamp, body),
        [EVENT_ID_HEADER]: event.id,
        [EVENT_TYPE_HEADER]: event.type,
      },
      body,
      signal: AbortSignal.timeout(settings.timeoutMs),
      redirect: 'manual',
    });
    // The receiver's answer is not read beyond its status: drain it so the socket is reused.
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, durationMs: elapsed() };
    return { ok: false, status: res.status, durationMs: elapsed(), detail: `HTTP ${res.status}` };
  } catch (thrown) {
    const e = thrown as { name?: string; cause?: { code?: string } };
    const detail = e?.name === 'TimeoutError' ? 'timeout' : (e?.cause?.code ?? e?.name ?? 'network error');
    return { ok: false, durationMs: elapsed(), detail: String(detail).slice(0, 100) };
  }
}
