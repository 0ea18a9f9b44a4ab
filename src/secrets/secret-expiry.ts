import { DAY } from '../domain/clock';

export type SecretExpiryState = 'unknown' | 'ok' | 'expiring' | 'expired';

export interface SecretExpiryStatus {
  state: SecretExpiryState;
  /** Whole days left (0 on the last day), negative days since once expired. Absent when unknown. */
  daysLeft?: number;
  /** For logs and /healthz when something needs doing; absent when nothing does. */
  message?: string;
}

export const DEFAULT_SECRET_WARN_DAYS = 30;

const ROTATE = 'rotate it in Entra ID and update MARKETPLACE_CLIENT_SECRET';

/**
 * Where the Marketplace client secret stands against its configured expiry date (Entra client secrets last at
 * most two years; when one lapses every Marketplace call fails, so webhooks, activation and metering stop).
 * Days left are rounded down so the warning never promises more time than is left.
 */
export function secretExpiryStatus(
  expiresAt: Date | undefined,
  now: Date,
  warnDays = DEFAULT_SECRET_WARN_DAYS,
): SecretExpiryStatus {
  if (!expiresAt) return { state: 'unknown' };
  const leftMs = expiresAt.getTime() - now.getTime();
  // Toward zero (`|| 0` turns -0 into 0): "expires in 12 days" for 12.9, "expired 1 day ago" for 1.9 days ago.
  const daysLeft = Math.trunc(leftMs / DAY) || 0;
  const date = expiresAt.toISOString().slice(0, 10);
  if (leftMs <= 0) {
    const ago = -daysLeft;
    const when = ago === 0 ? 'today' : `${ago} day${ago === 1 ? '' : 's'} ago`;
    return {
      state: 'expired',
      daysLeft,
      message: `The Marketplace client secret expired ${when} (${date}): Marketplace calls fail until you ${ROTATE}.`,
    };
  }
  if (leftMs > warnDays * DAY) return { state: 'ok', daysLeft };
  const within = daysLeft === 0 ? 'in less than a day' : `in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`;
  return {
    state: 'expiring',
    daysLeft,
    message: `The Marketplace client secret expires ${within} (${date}): ${ROTATE}.`,
  };
}
