import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import { AppError } from '../domain/errors';
import { loggable } from '../domain/external-ids';

export interface WebhookCaller {
  appId: string;
  tenantId: string;
}

/** Why a token was refused, for the logs (never the token itself). */
export class WebhookAuthError extends AppError {
  constructor(readonly reason: string) {
    super('Unauthorized', `webhook token refused: ${reason}`);
    this.name = 'WebhookAuthError';
  }
}

/**
 * Verifies the Entra bearer token on a Marketplace webhook call: RS256 signature against the issuer's published keys
 * (never `alg: none`, never a key from the token), `iss` one of the configured issuers (compared exactly: Entra v1
 * issuers end with `/`), `aud` = our fulfillment app, `tid` = our tenant, `appid` (v1) / `azp` (v2) = the Marketplace
 * app, `exp` and `iat` required and finite, `iat` not in the future, small clock skew.
 */
export function createWebhookVerifier(webhook: Config['marketplace']['webhook'], clock: Clock) {
  const keys = createRemoteJWKSet(new URL(webhook.jwksUrl), {
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
    timeoutDuration: 5000,
  });
  return async function verify(authorization: string | undefined): Promise<WebhookCaller> {
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(authorization?.trim() ?? '');
    if (!match) throw new WebhookAuthError('no bearer token');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, keys, {
        algorithms: ['RS256'],
        issuer: [...webhook.issuers],
        audience: webhook.audience,
        clockTolerance: webhook.clockSkewSeconds,
        currentDate: clock.now(),
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (thrown) {
      // Not being able to fetch the signing keys is our problem, not the caller's: 503, so Marketplace retries.
      if (thrown instanceof errors.JWKSTimeout || !(thrown instanceof errors.JOSEError)) {
        throw new AppError('UpstreamFailed', 'cannot fetch the webhook signing keys', { cause: thrown, retryable: true });
      }
      throw new WebhookAuthError(describe(thrown));
    }
    const timeProblem = timeClaimProblem(payload, clock.now(), webhook.clockSkewSeconds);
    if (timeProblem) throw new WebhookAuthError(timeProblem);
    if (payload.tid !== webhook.tenantId) throw new WebhookAuthError(`tid ${loggable(payload.tid)} is not the publisher tenant`);
    // v1 tokens name the calling app in `appid`, v2 tokens in `azp`.
    const appId = payload.ver === '1.0' ? payload.appid : (payload.azp ?? payload.appid);
    if (appId !== webhook.callerAppId) throw new WebhookAuthError(`caller app ${loggable(appId)} is not the Marketplace`);
    return { appId, tenantId: payload.tid };
  };
}

/**
 * What jose leaves to us about the token's times: it accepts an `exp` of 1e400 (JSON reads it as Infinity, a token
 * that never expires) and does not look at `iat` without a maximum age. `exp`, `iat` and `nbf` must be finite
 * numbers, and a token cannot have been issued in the future beyond the allowed clock skew.
 */
export function timeClaimProblem(payload: JWTPayload, now: Date, skewSeconds: number): string | null {
  for (const claim of ['exp', 'iat', 'nbf'] as const) {
    const value = payload[claim];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) return `claim ${claim} is not a finite number`;
  }
  if (payload.iat !== undefined && payload.iat > now.getTime() / 1000 + skewSeconds) return 'claim iat is in the future';
  return null;
}

function describe(thrown: unknown): string {
  if (thrown instanceof errors.JWTExpired) return 'expired';
  if (thrown instanceof errors.JWTClaimValidationFailed) return `claim ${thrown.claim} invalid (${thrown.reason})`;
  if (thrown instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (thrown instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (thrown instanceof errors.JWKSNoMatchingKey) return 'no matching signing key';
  return (thrown as errors.JOSEError).code;
}
