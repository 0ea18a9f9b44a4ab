import { randomUUID, X509Certificate, createPrivateKey } from 'node:crypto';
import { createRemoteJWKSet, SignJWT, type JWTVerifyGetKey } from 'jose';
import { HOUR, MINUTE, SECOND, type Clock } from '../../domain/clock';
import { coerceError } from '../../domain/errors';
import type { SignedInUser } from '../../domain/landing-access';
import type { Logger } from '../../logger';
import { CONSUMER_TENANT_ID, IdTokenInvalid, KeysUnavailable, verifyIdToken } from './id-token';
import { fetchProviderMetadata, ProviderMetadataError, type ProviderMetadata } from './provider-metadata';
import { classifyProviderError, type ProviderError } from './provider-error';
import { ATTEMPT_LIFETIME_MS, codeChallenge, ConsumedStates, newSignInAttempt, type SignInAttempt } from './sign-in-attempt';

/**
 * Entra sign-in (OpenID Connect authorization code flow with PKCE and a nonce) for every page of ours that needs to
 * know who the user is: the landing page now, the publisher console next. Each page keeps the attempt in its own
 * session and renders the outcome in its own words; this module does the protocol and the checks, and keeps
 * nothing per user (no token cache: the id_token is read once and dropped, no access or refresh token is asked for).
 *
 * Not msal-node: it does not check the id_token's signature, keeps every user's tokens in an in-memory cache, asks
 * for `offline_access` (refresh tokens) by itself and refuses a plain-http authority (the local emulator's).
 */

export type ClientCredential =
  | { kind: 'secret'; secret: string }
  /** private_key_jwt: a certificate registered on the app instead of a secret (PEM, private key and certificate). */
  | { kind: 'certificate'; privateKeyPem: string; certificatePem: string };

export interface EntraSignInOptions {
  clientId: string;
  credential: ClientCredential;
  /** e.g. https://login.microsoftonline.com/organizations (any work or school account). */
  authority: string;
  /** Production: the authority and every endpoint it names must be https. */
  requireHttps: boolean;
  clock: Clock;
  logger: Logger;
  /** Per call to the provider. @defaultValue 10 s */
  timeoutMs?: number;
}

export type SignInResult =
  | { kind: 'signed-in'; user: SignedInUser }
  /** The provider sent an error for our own attempt (its state matched): shown to the user with what to do. */
  | { kind: 'provider-error'; providerError: ProviderError; adminConsentUrl: string }
  /** An administrator just granted consent for their organization (the admin consent endpoint's answer). */
  | { kind: 'admin-consent-granted' }
  /** Not a valid answer to an attempt of this browser: no attempt, wrong or replayed state, code or token refused. */
  | { kind: 'refused'; reason: RefusalReason }
  /** The provider could not be reached (token endpoint or keys): try again later. */
  | { kind: 'unavailable' };

export type RefusalReason =
  | 'no-attempt'
  | 'state-mismatch'
  | 'attempt-expired'
  | 'state-replayed'
  | 'no-code'
  | 'code-refused'
  | 'token-invalid';

export interface EntraSignIn {
  /** Fetches and checks the provider's discovery document; throws `ProviderMetadataError`. */
  ready(): Promise<void>;
  /** Starts an attempt: the URL to send the browser to, and the attempt to keep in the session. */
  begin(redirectUri: string, options?: { loginHint?: string }): Promise<{ url: string; attempt: SignInAttempt }>;
  /** Reads the provider's answer at the redirect URI. The attempt is consumed whatever the result. */
  finish(query: URLSearchParams, attempt: SignInAttempt | undefined, redirectUri: string): Promise<SignInResult>;
  /** Where an administrator of `tenant` (default: any organization) allows the app once for everyone. */
  adminConsentUrl(redirectUri: string, tenant?: string): string;
}

/** Asked for: who the user is (`openid`), their name and UPN (`profile`). No API access, no refresh token. */
export const SIGN_IN_SCOPES = 'openid profile';
export const DEFAULT_TIMEOUT_MS = 10 * SECOND;

export function createEntraSignIn(options: EntraSignInOptions): EntraSignIn {
  const { clientId, clock, logger } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const authority = options.authority.replace(/\/+$/, '');
  const consumed = new ConsumedStates();
  let metadata: ProviderMetadata | undefined;
  let keys: JWTVerifyGetKey | undefined;

  /** Loaded at start; loaded again on demand if it failed then (a provider down at start that came back). */
  const provider = async () => {
    if (!metadata) {
      metadata = await fetchProviderMetadata(authority, { requireHttps: options.requireHttps, timeoutMs });
      // Cached for a day, refetched at once (30 s apart at most) when a token names a key we do not know: rotation.
      keys = createRemoteJWKSet(new URL(metadata.jwksUri), {
        timeoutDuration: timeoutMs,
        cooldownDuration: 30 * SECOND,
        cacheMaxAge: 24 * HOUR,
      });
    }
    return { metadata, keys: keys! };
  };

  const clientAuthentication = async (tokenEndpoint: string): Promise<Record<string, string>> => {
    const credential = options.credential;
    if (credential.kind === 'secret') return { client_secret: credential.secret };
    const certificate = new X509Certificate(credential.certificatePem);
    const now = Math.floor(clock.now().getTime() / 1000);
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({
        alg: 'RS256',
        typ: 'JWT',
        x5t: Buffer.from(certificate.fingerprint.replace(/:/g, ''), 'hex').toString('base64url'),
      })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenEndpoint)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + (5 * MINUTE) / 1000)
      .sign(createPrivateKey(credential.privateKeyPem));
    return {
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    };
  };

  const adminConsentUrl = (redirectUri: string, tenant?: string) => {
    // The authority's last segment is the tenant (organizations, common or an id): the admin picks theirs.
    const base = authority.replace(/\/v2\.0$/, '').replace(/\/[^/]+$/, '');
    const tenantSegment = tenant ?? authority.replace(/\/v2\.0$/, '').split('/').at(-1) ?? 'organizations';
    const query = new URLSearchParams({ client_id: clientId, scope: SIGN_IN_SCOPES, redirect_uri: redirectUri });
    return `${base}/${encodeURIComponent(tenantSegment)}/v2.0/adminconsent?${query.toString()}`;
  };

  return {
    async ready() {
      await provider();
    },

    async begin(redirectUri, beginOptions = {}) {
      const { metadata: m } = await provider();
      const attempt = newSignInAttempt(clock.now().getTime());
      const url = new URL(m.authorizationEndpoint);
      const query = {
        client_id: clientId,
        response_type: 'code',
        response_mode: 'query',
        redirect_uri: redirectUri,
        scope: SIGN_IN_SCOPES,
        state: attempt.state,
        nonce: attempt.nonce,
        code_challenge: codeChallenge(attempt.verifier),
        code_challenge_method: 'S256',
        // The account picker every time: a buyer refused with one account can choose another.
        prompt: 'select_account',
        ...(beginOptions.loginHint ? { login_hint: beginOptions.loginHint } : {}),
      };
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
      return { url: url.toString(), attempt };
    },

    async finish(query, attempt, redirectUri) {
      const nowMs = clock.now().getTime();
      const refused = (reason: RefusalReason, detail?: string): SignInResult => {
        logger.warn({ reason, ...(detail ? { detail } : {}) }, 'sign-in refused');
        return { kind: 'refused', reason };
      };
      // The admin consent endpoint answers without a state of ours; it grants nothing to this browser.
      if (query.get('admin_consent')?.toLowerCase() === 'true' && !query.get('code')) return { kind: 'admin-consent-granted' };
      if (!attempt) return refused('no-attempt');
      const state = query.get('state');
      if (!state || state !== attempt.state) return refused('state-mismatch');
      if (!consumed.consume(state, nowMs)) return refused('state-replayed');
      if (nowMs - attempt.startedAt > ATTEMPT_LIFETIME_MS) return refused('attempt-expired');
      const error = query.get('error');
      if (error) {
        // Only for our own attempt (the state matched): a forged link cannot put its words on our page.
        const providerError = classifyProviderError(error, query.get('error_description'));
        logger.info({ error: providerError.error, problem: providerError.problem }, 'sign-in: the identity provider answered an error');
        return { kind: 'provider-error', providerError, adminConsentUrl: adminConsentUrl(redirectUri) };
      }
      const code = query.get('code');
      if (!code) return refused('no-code');

      let m: ProviderMetadata;
      let verifyKeys: JWTVerifyGetKey;
      try {
        ({ metadata: m, keys: verifyKeys } = await provider());
      } catch (thrown) {
        logger.error({ err: thrown }, 'sign-in: identity provider metadata unavailable');
        return { kind: 'unavailable' };
      }
      let response: Response;
      try {
        response = await fetch(m.tokenEndpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams({
            client_id: clientId,
            grant_type: 'authorization_code',
            code,
            redirect_uri: redirectUri,
            code_verifier: attempt.verifier,
            scope: SIGN_IN_SCOPES,
            ...(await clientAuthentication(m.tokenEndpoint)),
          }).toString(),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (thrown) {
        logger.error({ err: thrown }, 'sign-in: token endpoint unreachable');
        return { kind: 'unavailable' };
      }
      let body: Record<string, unknown> = {};
      try {
        body = (await response.json()) as Record<string, unknown>;
      } catch {
        // Not JSON: judged by the status below.
      }
      if (response.status >= 500 || response.status === 429) {
        logger.error({ status: response.status }, 'sign-in: token endpoint failed');
        return { kind: 'unavailable' };
      }
      if (!response.ok || typeof body.id_token !== 'string') {
        // The error code only: descriptions can be long and carry trace ids, and never a code or token.
        return refused('code-refused', typeof body.error === 'string' ? body.error.slice(0, 60) : `status ${response.status}`);
      }
      let user: SignedInUser;
      try {
        user = await verifyIdToken(body.id_token, {
          keys: verifyKeys,
          issuer: m.issuer,
          clientId,
          nonce: attempt.nonce,
          now: clock.now(),
        });
      } catch (thrown) {
        if (thrown instanceof KeysUnavailable) {
          logger.error({ err: thrown.cause }, 'sign-in: identity provider keys unavailable');
          return { kind: 'unavailable' };
        }
        return refused('token-invalid', thrown instanceof IdTokenInvalid ? thrown.message : coerceError(thrown).message);
      }
      if (user.tid === CONSUMER_TENANT_ID)
        return {
          kind: 'provider-error',
          providerError: { error: 'personal_account', problem: 'account-not-allowed' },
          adminConsentUrl: adminConsentUrl(redirectUri),
        };
      return { kind: 'signed-in', user };
    },

    adminConsentUrl,
  };
}

/** For the start-up message: what is wrong with LANDING_SSO_AUTHORITY, in one line. */
export function describeProviderProblem(thrown: unknown): string {
  if (thrown instanceof ProviderMetadataError)
    return thrown.kind === 'unreachable' ? `reachable (${thrown.message})` : `a working OpenID provider (${thrown.message})`;
  return `a working OpenID provider (${coerceError(thrown).message})`;
}
