import { secretExpiringAlert, type AlertDraft } from '../domain/alert-triggers';
import { DEFAULT_SECRET_WARN_DAYS, secretExpiryStatus, type SecretSubject } from '../secrets/secret-expiry';

/** The `secret.expiring` alert of a secret with a configured expiry date, when it is within 30 days or lapsed. */
export function secretExpiryAlert(subject: SecretSubject, expiresAt: Date | undefined, now: Date): AlertDraft | undefined {
  if (!expiresAt) return undefined;
  const status = secretExpiryStatus(expiresAt, now, DEFAULT_SECRET_WARN_DAYS, subject);
  if (status.state !== 'expiring' && status.state !== 'expired') return undefined;
  return secretExpiringAlert({
    variable: subject.variable,
    label: subject.label,
    daysLeft: status.daysLeft ?? 0,
    expired: status.state === 'expired',
    expiresAt,
  });
}
