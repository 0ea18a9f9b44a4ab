import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import { msalSignIn } from '../../src/web/landing/landing-sign-in';

const AUTHORITY_HOST = 'login.example.test';
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/**
 * The real MSAL confidential client, with Entra's endpoints answered in-process through MSAL's network-module
 * hook: checks that our configuration builds the right authorize URL and reads the signed-in user from the
 * ID token.
 */
describe('Entra sign-in for the landing page (MSAL)', () => {
  const posts: { url: string; body: string }[] = [];
  const network: INetworkModule = {
    async sendGetRequestAsync<T>(url: string): Promise<NetworkResponse<T>> {
      const base = `https://${AUTHORITY_HOST}/organizations`;
      const metadata = {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        issuer: `https://${AUTHORITY_HOST}/{tenantid}/v2.0`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
      };
      if (url.includes('openid-configuration')) return { headers: {}, body: metadata as T, status: 200 };
      return { headers: {}, body: {} as T, status: 404 };
    },
    async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
      posts.push({ url, body: String(options?.body ?? '') });
      const now = Math.floor(Date.now() / 1000);
      const idToken = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
        aud: 'landing-app',
        iss: `https://${AUTHORITY_HOST}/buyer-tenant/v2.0`,
        iat: now,
        nbf: now,
        exp: now + 3600,
        oid: 'buyer-oid',
        tid: 'buyer-tenant',
        sub: 'subject',
        name: 'Grace Hopper',
        preferred_username: 'grace@contoso.example',
      })}.sig`;
      const body = {
        token_type: 'Bearer',
        scope: 'openid profile email',
        expires_in: 3600,
        ext_expires_in: 3600,
        access_token: 'access',
        id_token: idToken,
        client_info: b64({ uid: 'buyer-oid', utid: 'buyer-tenant' }),
      };
      return { headers: {}, body: body as T, status: 200 };
    },
  };

  it('builds the authorize URL for work accounts and reads the user from the code redemption', async () => {
    const signIn = msalSignIn(
      { clientId: 'landing-app', clientSecret: 'secret', authority: `https://${AUTHORITY_HOST}/organizations` },
      network,
    );
    const url = new URL(await signIn.authorizationUrl('state-123', 'https://bot.example/landing/auth'));
    expect(url.origin + url.pathname).toBe(`https://${AUTHORITY_HOST}/organizations/oauth2/v2.0/authorize`);
    expect(url.searchParams.get('client_id')).toBe('landing-app');
    expect(url.searchParams.get('state')).toBe('state-123');
    expect(url.searchParams.get('redirect_uri')).toBe('https://bot.example/landing/auth');
    expect(url.searchParams.get('response_mode')).toBe('query');
    expect(url.searchParams.get('scope')).toContain('openid');

    const user = await signIn.redeem('the-code', 'https://bot.example/landing/auth');
    expect(user).toEqual({ oid: 'buyer-oid', tid: 'buyer-tenant', name: 'Grace Hopper', upn: 'grace@contoso.example' });
    const tokenCall = posts.at(-1)!;
    expect(tokenCall.url).toContain('/oauth2/v2.0/token');
    expect(new URLSearchParams(tokenCall.body).get('code')).toBe('the-code');
    expect(new URLSearchParams(tokenCall.body).get('client_secret')).toBe('secret');
  });
});
