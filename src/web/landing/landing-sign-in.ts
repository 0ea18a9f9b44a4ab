import { ConfidentialClientApplication, type INetworkModule } from '@azure/msal-node';
import type { Config } from '../../config';

export interface SignedInUser {
  oid: string;
  tid: string;
  name?: string;
  upn?: string;
}

/** Entra sign-in (OpenID Connect, authorization code) for buyers on the landing page. */
export interface LandingSignIn {
  authorizationUrl(state: string, redirectUri: string): Promise<string>;
  redeem(code: string, redirectUri: string): Promise<SignedInUser>;
}

const SCOPES = ['openid', 'profile', 'email'];

/**
 * Work and school accounts of any tenant (authority `/organizations`), as Marketplace certification asks. The
 * network client can be replaced (tests answer Entra's endpoints locally).
 */
export function msalSignIn(sso: NonNullable<Config['landing']['sso']>, networkClient?: INetworkModule): LandingSignIn {
  const authority = new URL(sso.authority);
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: sso.clientId,
      clientSecret: sso.clientSecret,
      authority: sso.authority,
      knownAuthorities: [authority.host],
    },
    system: networkClient ? { networkClient } : {},
  });
  return {
    authorizationUrl(state, redirectUri) {
      return app.getAuthCodeUrl({ scopes: SCOPES, redirectUri, state, responseMode: 'query', prompt: 'select_account' });
    },
    async redeem(code, redirectUri) {
      const result = await app.acquireTokenByCode({ code, scopes: SCOPES, redirectUri });
      const claims = (result?.idTokenClaims ?? {}) as Record<string, unknown>;
      const oid = typeof claims.oid === 'string' ? claims.oid : undefined;
      const tid = typeof claims.tid === 'string' ? claims.tid : undefined;
      if (!oid || !tid) throw new Error('the sign-in returned no user or tenant id');
      return {
        oid,
        tid,
        ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
        ...(typeof claims.preferred_username === 'string' ? { upn: claims.preferred_username } : {}),
      };
    },
  };
}
