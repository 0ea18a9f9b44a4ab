import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import { MARKETPLACE_APP_ID } from '../../config';

/**
 * The emulator's stand-in for Entra: an RSA key pair made at start (never persisted: the bot refetches the JWKS
 * when it meets an unknown `kid`), published as a JWKS, and used to sign the tokens the emulator's webhook calls
 * carry.
 */

/** Object id of the Marketplace app's service principal: `sub`/`oid` of webhook tokens. Any stable value does. */
export const MARKETPLACE_SERVICE_PRINCIPAL_ID = 'f0d6a3c1-6b2e-4f43-9a8c-5e1b7d2c4a90';

/** Entra access tokens for apps live about an hour; the emulator's live 5 minutes, enough for one delivery. */
export const WEBHOOK_TOKEN_TTL_SECONDS = 5 * 60;

export interface WebhookSigner {
  readonly kid: string;
  /** The public key as the JWKS endpoint serves it. */
  jwks(): { keys: JWK[] };
  /** Signs `claims` with RS256; `header` overrides the protected header (tests forge bad tokens with it). */
  sign(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
}

export function createWebhookSigner(): WebhookSigner {
  // Made on first use: the bot mounts the emulator in every development and test start, most never sign anything.
  // Synchronous generation keeps the emulator's API synchronous; 2048-bit RSA takes tens of milliseconds.
  let keys: { privateKey: KeyObject; jwk: JWK } | undefined;
  const ensureKeys = () => {
    if (keys) return keys;
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicJwk = publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
    const jwk: JWK = {
      kty: publicJwk.kty,
      n: publicJwk.n,
      e: publicJwk.e,
      kid: jwkThumbprint(publicJwk),
      use: 'sig',
      alg: 'RS256',
    };
    keys = { privateKey, jwk };
    return keys;
  };
  return {
    get kid() {
      return ensureKeys().jwk.kid!;
    },
    jwks: () => ({ keys: [{ ...ensureKeys().jwk }] }),
    sign: (claims, header = {}) => {
      const { privateKey, jwk } = ensureKeys();
      return signWith(privateKey, claims, { alg: 'RS256', kid: jwk.kid, typ: 'JWT', ...header });
    },
  };
}

function signWith(key: KeyObject, claims: Record<string, unknown>, header: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
}

/** RFC 7638 thumbprint: a `kid` that changes exactly when the key does. */
function jwkThumbprint(jwk: { kty: string; n: string; e: string }): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

export interface WebhookClaimInput {
  issuer: string;
  audience: string;
  tenantId: string;
  /** The emulator's clock, so fake-clock tests get tokens valid at their fake "now". */
  now: Date;
}

/**
 * The claims of an Entra v2 app token issued to the Marketplace's app for our fulfillment app, as our webhook
 * checks them: `aud` our app, `tid` our tenant, `azp` the Marketplace app.
 */
export function webhookClaims(input: WebhookClaimInput): Record<string, unknown> {
  const iat = Math.floor(input.now.getTime() / 1000);
  return {
    iss: input.issuer,
    aud: input.audience,
    tid: input.tenantId,
    azp: MARKETPLACE_APP_ID,
    azpacr: '1',
    ver: '2.0',
    sub: MARKETPLACE_SERVICE_PRINCIPAL_ID,
    oid: MARKETPLACE_SERVICE_PRINCIPAL_ID,
    iat,
    nbf: iat,
    exp: iat + WEBHOOK_TOKEN_TTL_SECONDS,
  };
}
