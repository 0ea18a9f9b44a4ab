import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The outgoing webhook's signature (README "Operator alerts"): HMAC-SHA256, keyed with the shared secret, over
 * `<timestamp>.<body>` where the timestamp is Unix seconds, sent in `X-Alert-Timestamp`; the hex digest goes in
 * `X-Alert-Signature` as `v1=<hex>`. Signing the timestamp with the body lets a receiver refuse a replay: a
 * captured request is only valid within its tolerance window, and the event id (`X-Alert-Id`) deduplicates inside
 * it. Each retry is signed again with its own timestamp.
 */
export const SIGNATURE_HEADER = 'x-alert-signature';
export const TIMESTAMP_HEADER = 'x-alert-timestamp';
export const EVENT_ID_HEADER = 'x-alert-id';
export const EVENT_TYPE_HEADER = 'x-alert-type';
/** A receiver's default tolerance: 5 minutes either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'mismatch' };

/** The receiver's side, as the README's sample does it: the signature matches and the timestamp is recent. */
export function verifySignature(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowSeconds: number;
  toleranceSeconds?: number;
}): VerifyResult {
  if (!input.timestamp || !input.signature || !/^\d{1,12}$/.test(input.timestamp)) return { ok: false, reason: 'missing' };
  const timestamp = Number(input.timestamp);
  if (Math.abs(input.nowSeconds - timestamp) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS))
    return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signatureOf(input.secret, timestamp, input.body));
  const given = Buffer.from(input.signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
