import { createHash, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { jwtVerify } from 'jose';
import { MINUTE, type Clock } from '../../domain/clock';
import { createWebhookSigner, type WebhookSigner } from './webhook-signer';

/**
 * The emulator playing Microsoft Entra for sign-in (development and tests only): OpenID discovery, keys, an
 * authorize endpoint with an account picker, a token endpoint, admin consent. It behaves like Entra where our
 * sign-in depends on it: multi-tenant issuer `…/{tenantid}/v2.0`, single-use codes bound to the client, the
 * redirect URI and the PKCE challenge, `consent_required` (AADSTS65001) for tenants that need an admin's approval.
 * Tests choose the users and tenants, and can make the next id_token defective to prove our checks refuse it.
 */

export interface IdpUser {
  oid: string;
  tid: string;
  name: string;
  /** `preferred_username`; also what `login_hint` matches. */
  upn: string;
}

export interface IdpClient {
  clientId: string;
  /** Accepted as client_secret. */
  clientSecret?: string;
  /** Accepted as a private_key_jwt client assertion signed by this certificate's key. */
  certificatePem?: string;
  redirectUris: string[];
}

/** Ways the next id_token is made wrong, each one a check of ours that must refuse it. */
export type IdTokenDefect =
  | 'unknown-key'
  | 'alg-none'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-audience'
  | 'wrong-issuer'
  | 'wrong-nonce';

export interface AuthorizeRequest {
  tenant: string;
  clientId: string;
  redirectUri: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

interface IssuedCode {
  user: IdpUser;
  clientId: string;
  redirectUri: string;
  nonce?: string;
  codeChallenge?: string;
  expiresAt: number;
}

export type TokenAnswer = { status: 200; body: Record<string, unknown> } | { status: 400 | 401; body: { error: string; error_description: string } };

/** Entra's codes live about ten minutes and are single-use. */
const CODE_LIFETIME_MS = 10 * MINUTE;
const ID_TOKEN_LIFETIME_SECONDS = 3600;

/** Someone of another organization, always offered by the picker: the user who must be refused. */
export const OUTSIDER: IdpUser = {
  oid: 'aa2f6f0e-0a8c-4c1b-9d6e-5b0c2f4e7a11',
  tid: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
  name: 'Mallory Outsider',
  upn: 'mallory@fabrikam.example',
};

export class EmulatorIdentityProvider {
  readonly signer: WebhookSigner = createWebhookSigner();
  /** A key nobody publishes: tokens signed with it must be refused. */
  private readonly strangerSigner: WebhookSigner = createWebhookSigner();
  private readonly users = new Map<string, IdpUser>();
  private readonly clients = new Map<string, IdpClient>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly needConsent = new Set<string>();
  private nextDefect: IdTokenDefect | undefined;
  /** Calls per endpoint (discovery, keys, authorize, token), for assertions. */
  readonly counts: Record<string, number> = {};

  constructor(
    private readonly options: {
      clock: Clock;
      /** The emulator's public base URL (with its prefix); the IdP lives under `${baseUrl}/idp`. */
      baseUrl: () => string;
      /** Users the picker offers besides the added ones (the emulator derives purchasers and colleagues). */
      knownUsers?: () => IdpUser[];
      /** Refuse an authorization request without an S256 PKCE challenge. @defaultValue true */
      requirePkce?: boolean;
    },
  ) {}

  /** e.g. http://127.0.0.1:4000/emulator/idp/organizations: what LANDING_SSO_AUTHORITY names. */
  authority(tenant = 'organizations'): string {
    return `${this.options.baseUrl()}/idp/${tenant}`;
  }

  issuerTemplate(): string {
    return `${this.options.baseUrl()}/idp/{tenantid}/v2.0`;
  }

  count(endpoint: string): void {
    this.counts[endpoint] = (this.counts[endpoint] ?? 0) + 1;
  }

  registerClient(client: IdpClient): void {
    this.clients.set(client.clientId, { ...client, redirectUris: [...client.redirectUris] });
  }

  client(clientId: string): IdpClient | undefined {
    return this.clients.get(clientId);
  }

  addUser(user: IdpUser): IdpUser {
    this.users.set(userKey(user), { ...user });
    return user;
  }

  /** The picker's choices: added users, then those the emulator knows of, then the outsider; no duplicates. */
  pickableUsers(): IdpUser[] {
    const all = new Map<string, IdpUser>();
    for (const user of [...this.users.values(), ...(this.options.knownUsers?.() ?? []), OUTSIDER])
      if (!all.has(userKey(user))) all.set(userKey(user), user);
    return [...all.values()];
  }

  findUser(key: string): IdpUser | undefined {
    return this.pickableUsers().find((u) => userKey(u) === key || u.upn.toLowerCase() === key.toLowerCase());
  }

  /** The tenant allows only apps an administrator approved: sign-ins answer `consent_required` until then. */
  requireAdminConsent(tenantId: string): void {
    this.needConsent.add(tenantId);
  }

  grantAdminConsent(tenantId: string): void {
    this.needConsent.delete(tenantId);
  }

  needsConsent(tenantId: string): boolean {
    return this.needConsent.has(tenantId);
  }

  /** The next id_token issued carries this defect (then they are sound again). */
  misbehaveOnce(defect: IdTokenDefect): void {
    this.nextDefect = defect;
  }

  /**
   * Checks an authorization request the way Entra does before it shows anything: a known client and one of its
   * redirect URIs (else an error page, never a redirect to an unknown place), then the PKCE challenge.
   */
  checkAuthorize(request: AuthorizeRequest): { ok: true } | { ok: false; redirect: boolean; error: string; description: string } {
    const client = this.clients.get(request.clientId);
    if (!client)
      return {
        ok: false,
        redirect: false,
        error: 'unauthorized_client',
        description: `AADSTS700016: Application with identifier '${request.clientId}' was not found in the directory.`,
      };
    if (!client.redirectUris.includes(request.redirectUri))
      return {
        ok: false,
        redirect: false,
        error: 'invalid_request',
        description: `AADSTS50011: The redirect URI '${request.redirectUri}' specified in the request does not match the redirect URIs configured for the application.`,
      };
    if ((this.options.requirePkce ?? true) && (!request.codeChallenge || request.codeChallengeMethod !== 'S256'))
      return {
        ok: false,
        redirect: true,
        error: 'invalid_request',
        description: 'AADSTS9002325: Proof Key for Code Exchange is required for this application (code_challenge with S256).',
      };
    return { ok: true };
  }

  /** The user picked an account: a code for the redirect URI, or the error Entra would send there. */
  authorize(request: AuthorizeRequest, user: IdpUser): { code: string } | { error: string; description: string } {
    if (this.needConsent.has(user.tid))
      return {
        error: 'consent_required',
        description: `AADSTS65001: The user or administrator has not consented to use the application with ID '${request.clientId}'. Send an interactive authorization request for this user and resource.`,
      };
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, {
      user,
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      ...(request.nonce ? { nonce: request.nonce } : {}),
      ...(request.codeChallenge ? { codeChallenge: request.codeChallenge } : {}),
      expiresAt: this.options.clock.now().getTime() + CODE_LIFETIME_MS,
    });
    return { code };
  }

  /** The token endpoint (authorization_code grant). */
  async redeem(form: Record<string, string | undefined>): Promise<TokenAnswer> {
    const fail = (status: 400 | 401, error: string, description: string): TokenAnswer => ({
      status,
      body: { error, error_description: description },
    });
    if (form.grant_type !== 'authorization_code')
      return fail(400, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
    const client = this.clients.get(form.client_id ?? '');
    if (!client || !(await this.clientAuthenticated(client, form)))
      return fail(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.');
    const issued = this.codes.get(form.code ?? '');
    // Single use: a code is gone after its first redemption, whatever happens next.
    if (form.code) this.codes.delete(form.code);
    if (!issued || issued.expiresAt < this.options.clock.now().getTime())
      return fail(400, 'invalid_grant', 'AADSTS70008: The provided authorization code or refresh token has expired or was already redeemed.');
    if (issued.clientId !== client.clientId || issued.redirectUri !== form.redirect_uri)
      return fail(400, 'invalid_grant', 'AADSTS70002: The authorization code was issued to another client or redirect URI.');
    if (issued.codeChallenge || (this.options.requirePkce ?? true)) {
      const verifier = form.code_verifier ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (!verifier || challenge !== issued.codeChallenge)
        return fail(400, 'invalid_grant', 'AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.');
    }
    return { status: 200, body: await this.tokenResponse(issued, client.clientId) };
  }

  private async clientAuthenticated(client: IdpClient, form: Record<string, string | undefined>): Promise<boolean> {
    if (form.client_secret !== undefined) return !!client.clientSecret && form.client_secret === client.clientSecret;
    if (form.client_assertion && client.certificatePem) {
      try {
        const key = new X509Certificate(client.certificatePem).publicKey;
        await jwtVerify(form.client_assertion, key, { issuer: client.clientId, subject: client.clientId });
        return true;
      } catch {
        return false;
      }
    }
    return false;
  }

  private async tokenResponse(issued: IssuedCode, clientId: string): Promise<Record<string, unknown>> {
    const defect = this.nextDefect;
    this.nextDefect = undefined;
    const now = Math.floor(this.options.clock.now().getTime() / 1000);
    const { user } = issued;
    const claims: Record<string, unknown> = {
      ver: '2.0',
      iss: this.issuerTemplate().replace('{tenantid}', user.tid),
      aud: clientId,
      sub: createHash('sha256').update(`${user.oid}:${clientId}`).digest('base64url'),
      oid: user.oid,
      tid: user.tid,
      name: user.name,
      preferred_username: user.upn,
      iat: now,
      nbf: now,
      exp: now + ID_TOKEN_LIFETIME_SECONDS,
      ...(issued.nonce ? { nonce: issued.nonce } : {}),
      uti: randomUUID(),
    };
    if (defect === 'expired') Object.assign(claims, { iat: now - 7200, nbf: now - 7200, exp: now - 3600 });
    if (defect === 'not-yet-valid') Object.assign(claims, { iat: now + 3600, nbf: now + 3600, exp: now + 7200 });
    if (defect === 'wrong-audience') claims.aud = 'another-app';
    if (defect === 'wrong-issuer') claims.iss = `https://attacker.example/${user.tid}/v2.0`;
    if (defect === 'wrong-nonce') claims.nonce = 'not-the-nonce-you-sent';
    let idToken: string;
    if (defect === 'alg-none') {
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      idToken = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    } else if (defect === 'unknown-key') {
      idToken = await this.strangerSigner.sign(claims, { kid: this.signer.kid });
    } else {
      idToken = await this.signer.sign(claims);
    }
    // Only what was asked for (openid profile): no access token for an API, no refresh token.
    return { token_type: 'Bearer', scope: 'openid profile', expires_in: ID_TOKEN_LIFETIME_SECONDS, id_token: idToken };
  }
}

export function userKey(user: Pick<IdpUser, 'oid' | 'tid'>): string {
  return `${user.tid}|${user.oid}`;
}
