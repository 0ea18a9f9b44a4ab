import type { Config } from '../config';
import { DAY, type Clock } from '../domain/clock';
import type { Logger } from '../logger';
import { LANDING_SSO_SECRET, DEFAULT_SECRET_WARN_DAYS, secretExpiryStatus } from '../secrets/secret-expiry';

export interface SecretExpiryWatch {
  /** What `/healthz` adds: the secrets that need action, if any. */
  health: () => Record<string, unknown>;
  /** Stops the daily warning. */
  stop: () => void;
}

/**
 * The Marketplace client secret's expiry, when configured: warned about in the logs daily and on /healthz (which
 * stays 200: a new instance would not fix it). Only meaningful when a client secret is what we authenticate with.
 * Warns once now, then daily; `checkSecrets` raises the operator alerts each time.
 */
export function watchSecretExpiry(deps: {
  config: Readonly<Config>;
  clock: Clock;
  logger: Logger;
  checkSecrets: () => void;
}): SecretExpiryWatch {
  const { config, clock, logger } = deps;
  const secretExpiry = () =>
    secretExpiryStatus(
      config.marketplace.auth.kind === 'client-secret' ? config.marketplaceSecretExpiresAt : undefined,
      clock.now(),
    );
  // The landing sign-in secret lapses the same way (a certificate credential has no date here: nothing to warn).
  const landingSecretExpiry = () =>
    secretExpiryStatus(config.landing.sso?.secretExpiresAt, clock.now(), DEFAULT_SECRET_WARN_DAYS, LANDING_SSO_SECRET);
  const needsAction = (status: ReturnType<typeof secretExpiry>) => status.state === 'expiring' || status.state === 'expired';
  const warnSecretExpiry = () => {
    for (const status of [secretExpiry(), landingSecretExpiry()]) {
      if (status.state === 'expired') logger.error({ daysLeft: status.daysLeft }, status.message);
      else if (status.state === 'expiring') logger.warn({ daysLeft: status.daysLeft }, status.message);
    }
    deps.checkSecrets();
  };
  warnSecretExpiry();
  const expiryWarner = setInterval(warnSecretExpiry, DAY);
  expiryWarner.unref();
  return {
    health: () => {
      const status = secretExpiry();
      const landing = landingSecretExpiry();
      return {
        ...(needsAction(status) ? { marketplaceSecret: status } : {}),
        ...(needsAction(landing) ? { landingSignInSecret: landing } : {}),
      };
    },
    stop: () => clearInterval(expiryWarner),
  };
}
