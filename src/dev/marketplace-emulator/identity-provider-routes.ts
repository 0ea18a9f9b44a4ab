import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../logger';
import { safeRoute } from '../../web/http-server';
import type { AuthorizeRequest, EmulatorIdentityProvider } from './identity-provider';
import { accountPickerPage, adminConsentPage, identityProviderCsp, idpErrorPage } from './identity-provider-pages';
import { param } from './request-fields';

/**
 * The emulator IdP over HTTP, under `${prefix}/idp` with Entra's path layout, so LANDING_SSO_AUTHORITY can name it
 * like Entra: `${prefix}/idp/organizations`.
 */
export function mountIdentityProvider(server: Server, idp: EmulatorIdentityProvider, prefix: string, logger: Logger): void {
  const root = `${prefix}/idp`;

  // eslint-disable-next-line @typescript-eslint/require-await -- restify ends the chain when an async handler settles
  server.get(`${root}/:tenant/v2.0/.well-known/openid-configuration`, async (req: Request, res: Response) => {
    idp.count('discovery');
    const tenant = param(req, 'tenant');
    const base = idp.authority(tenant);
    res.json(200, {
      issuer: idp.issuerTemplate(),
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${idp.authority('discovery')}/v2.0/keys`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      scopes_supported: ['openid', 'profile'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'oid', 'tid', 'name', 'preferred_username'],
    });
  });

  // eslint-disable-next-line @typescript-eslint/require-await -- restify ends the chain when an async handler settles
  server.get(`${root}/discovery/v2.0/keys`, async (_req: Request, res: Response) => {
    idp.count('keys');
    res.json(200, idp.signer.jwks());
  });

  const authorizeRequest = (req: Request, fields: Record<string, string | undefined>): AuthorizeRequest => ({
    tenant: param(req, 'tenant'),
    clientId: fields.client_id ?? '',
    redirectUri: fields.redirect_uri ?? '',
    ...(fields.state ? { state: fields.state } : {}),
    ...(fields.nonce ? { nonce: fields.nonce } : {}),
    ...(fields.code_challenge ? { codeChallenge: fields.code_challenge } : {}),
    ...(fields.code_challenge_method ? { codeChallengeMethod: fields.code_challenge_method } : {}),
  });
  const backTo = (res: Response, request: AuthorizeRequest, answer: Record<string, string>) => {
    const url = new URL(request.redirectUri);
    for (const [k, v] of Object.entries({ ...answer, ...(request.state ? { state: request.state } : {}) }))
      url.searchParams.set(k, v);
    res.writeHead(302, { Location: url.toString(), 'Cache-Control': 'no-store' });
    res.end();
  };
  const html = (res: Response, status: number, body: string, redirectUri?: string): void => {
    res.sendRaw(status, body, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': identityProviderCsp(redirectUri),
      'Cache-Control': 'no-store',
    });
  };
  /** Entra's checks first: an unknown client or redirect URI gets an error page, never a redirect. */
  const checked = (res: Response, request: AuthorizeRequest): boolean => {
    const verdict = idp.checkAuthorize(request);
    if (verdict.ok) return true;
    if (verdict.redirect) backTo(res, request, { error: verdict.error, error_description: verdict.description });
    else html(res, 400, idpErrorPage(verdict.error, verdict.description));
    return false;
  };
  const finish = (res: Response, request: AuthorizeRequest, userKey: string) => {
    const user = idp.findUser(userKey);
    if (!user) return html(res, 400, idpErrorPage('invalid_request', `No account ${userKey} here.`));
    const result = idp.authorize(request, user);
    if ('code' in result) {
      logger.info({ tenantId: user.tid, userId: user.oid }, 'emulator idp: signed in');
      return backTo(res, request, { code: result.code });
    }
    return backTo(res, request, { error: result.error, error_description: result.description });
  };

  const OAUTH_FIELDS = ['client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method'];
  server.get(
    `${root}/:tenant/oauth2/v2.0/authorize`,
    safeRoute(logger, (req, res) => {
      idp.count('authorize');
      const query = new URLSearchParams(req.getQuery() ?? '');
      const fields = Object.fromEntries(OAUTH_FIELDS.map((k) => [k, query.get(k) ?? undefined]));
      const request = authorizeRequest(req, fields);
      if (!checked(res, request)) return;
      // A login_hint naming a known account signs in at once (tests); otherwise the picker, as prompt=select_account.
      const hint = query.get('login_hint');
      if (hint && idp.findUser(hint)) return finish(res, request, hint);
      html(res, 200, accountPickerPage(`${root}/${encodeURIComponent(request.tenant)}/oauth2/v2.0/authorize`, fields, idp.pickableUsers()), request.redirectUri);
    }),
  );
  server.post(
    `${root}/:tenant/oauth2/v2.0/authorize`,
    safeRoute(logger, (req, res) => {
      const form = formOf(req);
      const request = authorizeRequest(req, form);
      if (!checked(res, request)) return;
      if (form.cancel) return backTo(res, request, { error: 'access_denied', error_description: 'AADSTS65004: User declined to consent to access the app.' });
      finish(res, request, form.user ?? '');
    }),
  );

  server.post(
    `${root}/:tenant/oauth2/v2.0/token`,
    safeRoute(logger, async (req, res) => {
      idp.count('token');
      const answer = await idp.redeem(formOf(req));
      res.writeHead(answer.status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(answer.body));
    }),
  );

  // Admin consent: an administrator approves the app for their whole organization, once.
  const CONSENT_FIELDS = ['client_id', 'redirect_uri', 'scope', 'state'];
  server.get(
    `${root}/:tenant/v2.0/adminconsent`,
    safeRoute(logger, (req, res) => {
      const query = new URLSearchParams(req.getQuery() ?? '');
      const fields = Object.fromEntries(CONSENT_FIELDS.map((k) => [k, query.get(k) ?? undefined]));
      const client = idp.client(fields.client_id ?? '');
      if (!client || !client.redirectUris.includes(fields.redirect_uri ?? ''))
        return html(res, 400, idpErrorPage('invalid_request', 'AADSTS700016: Unknown application or redirect URI.'));
      // Tenants still waiting for an approval first: the administrator who follows the link is most likely theirs.
      const tenants = [...new Set(idp.pickableUsers().map((u) => u.tid))].sort(
        (a, b) => Number(idp.needsConsent(b)) - Number(idp.needsConsent(a)),
      );
      const tenant = param(req, 'tenant');
      const choices = tenants.includes(tenant) ? [tenant] : tenants;
      html(res, 200, adminConsentPage(`${root}/${encodeURIComponent(tenant)}/v2.0/adminconsent`, fields, choices), fields.redirect_uri);
    }),
  );
  server.post(
    `${root}/:tenant/v2.0/adminconsent`,
    safeRoute(logger, (req, res) => {
      const form = formOf(req);
      const client = idp.client(form.client_id ?? '');
      if (!client || !client.redirectUris.includes(form.redirect_uri ?? ''))
        return html(res, 400, idpErrorPage('invalid_request', 'AADSTS700016: Unknown application or redirect URI.'));
      const tenant = form.tenant ?? param(req, 'tenant');
      idp.grantAdminConsent(tenant);
      const url = new URL(form.redirect_uri!);
      url.searchParams.set('admin_consent', 'True');
      url.searchParams.set('tenant', tenant);
      if (form.state) url.searchParams.set('state', form.state);
      res.writeHead(302, { Location: url.toString(), 'Cache-Control': 'no-store' });
      res.end();
    }),
  );
}


/** A form body as strings (restify's bodyParser parsed it). */
function formOf(req: Request): Record<string, string | undefined> {
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
}
