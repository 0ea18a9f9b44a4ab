import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { SignedInUser } from '../../domain/landing-access';

/**
 * The checks an id_token must pass before we believe who it names: the provider's signature (keys from its JWKS,
 * RS256 only, so `alg: none` and HMAC tricks fail), `iss` (Entra's multi-tenant issuer with the token's own `tid`),
 * `aud` = our client id, `exp`/`nbf`/`iat` within a small skew, and the `nonce` of this attempt.
 */

/** Personal Microsoft accounts: the Marketplace landing page is for work and school accounts. */
export const CONSUMER_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';
export const CLOCK_SKEW_SECONDS = 120;

export class IdTokenInvalid extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'IdTokenInvalid';
  }
}

/** Keys could not be fetched: the provider is down, not the token bad. */
export class KeysUnavailable extends Error {
  constructor(options: { cause?: unknown } = {}) {
    super('the identity provider keys could not be fetched', options);
    this.name = 'KeysUnavailable';
  }
}

export async function verifyIdToken(
  idToken: string,
  options: { keys: JWTVerifyGetKey; issuer: string; clientId: string; nonce: string; now: Date },
): Promise<SignedInUser> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(idToken, options.keys, {
      algorithms: ['RS256'],
      audience: options.clientId,
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: options.now,
      requiredClaims: ['exp', 'iat', 'iss', 'nonce'],
    }));
  } catch (thrown) {
    // A timeout, a network error or a non-200 JWKS answer: the provider is down, not the token bad.
    const unreachable =
      thrown instanceof errors.JWKSTimeout ||
      (thrown instanceof errors.JOSEError && /Expected 200 OK/.test(thrown.message)) ||
      (thrown instanceof Error && !(thrown instanceof errors.JOSEError));
    if (unreachable)
      throw new KeysUnavailable({ cause: thrown });
    throw new IdTokenInvalid(`id_token refused: ${(thrown as Error).message}`, { cause: thrown });
  }
  const tid = typeof payload.tid === 'string' ? payload.tid : undefined;
  const oid = typeof payload.oid === 'string' ? payload.oid : undefined;
  if (!tid || !oid) throw new IdTokenInvalid('id_token refused: no tid or oid claim');
  const expectedIssuer = options.issuer.replace('{tenantid}', tid);
  if (payload.iss !== expectedIssuer) throw new IdTokenInvalid('id_token refused: unexpected issuer');
  if (payload.nonce !== options.nonce) throw new IdTokenInvalid('id_token refused: nonce does not match this sign-in');
  return {
    oid,
    tid,
    ...(typeof payload.name === 'string' && payload.name ? { name: payload.name } : {}),
    ...(typeof payload.preferred_username === 'string' && payload.preferred_username
      ? { upn: payload.preferred_username }
      : {}),
    ...(Array.isArray(payload.roles) ? { roles: payload.roles.filter((r): r is string => typeof r === 'string') } : {}),
  };
}
