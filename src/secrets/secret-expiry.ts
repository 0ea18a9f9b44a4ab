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

/** Which secret a status is about: its name in messages and the variable to update after rotating it. */
export interface SecretSubject {
  label: string;
  variable: string;
  /** What stops when it lapses. */
  consequence: string;
}

export const MARKETPLACE_SECRET: SecretSubject = {
  label: 'The Marketplace client secret',
  variable: 'MARKETPLACE_CLIENT_SECRET',
  consequence: 'Marketplace calls fail',
};

export const LANDING_SSO_SECRET: SecretSubject = {
  label: 'The landing page sign-in secret',
  variable: 'LANDING_SSO_CLIENT_SECRET',
  consequence: 'buyers cannot sign in to the landing page',
};

/**
 * Where the Marketplace client secret stands against its configured expiry date (Entra client secrets last at
 * most two years; when one lapses every Marketplace call fails, so webhooks, activation and metering stop).
 * Days left are rounded down so the warning never promises more time than is left.
 */
export function secretExpiryStatus(
  expiresAt: Date | undefined,
  now: Date,
  warnDays = DEFAULT_SECRET_WARN_DAYS,
  subject: SecretSubject = MARKETPLACE_SECRET,
): SecretExpiryStatus {
  const rotate = `rotate it in Entra ID and update ${subject.variable}`;
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
      message: `${subject.label} expired ${when} (${date}): ${subject.consequence} until you ${rotate}.`,
    };
  }
  if (leftMs > warnDays * DAY) return { state: 'ok', daysLeft };
  const within = daysLeft === 0 ? 'in less than a day' : `in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`;
  return {
    state: 'expiring',
    daysLeft,
    message: `${subject.label} expires ${within} (${date}): ${rotate}.`,
  };
}
