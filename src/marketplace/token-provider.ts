import type { Config } from '../config';
import type { AzureIdentitySettings } from '../secrets/azure-credential';
import { MARKETPLACE_APP_ID } from '../config';

/** A bearer token for the Marketplace APIs (resource `20e940b3-…`, never a URL). */
export interface AccessTokenProvider {
  getToken(): Promise<string>;
}

export const MARKETPLACE_SCOPE = `${MARKETPLACE_APP_ID}/.default`;

/**
 * Client secret (the Entra app registered in Partner Center) or the managed identity (src/secrets/azure-credential.ts:
 * the managed identity credential itself in App Service, DefaultAzureCredential elsewhere); the emulator takes a
 * fixed token. @azure/identity caches and refreshes tokens itself.
 */
export async function createTokenProvider(
  auth: Config['marketplace']['auth'],
  azure: AzureIdentitySettings = {},
): Promise<AccessTokenProvider> {
  if (auth.kind === 'emulator') return { getToken: () => Promise.resolve(auth.token) };
  const identity = await import('@azure/identity');
  const { createAzureCredential } = await import('../secrets/azure-credential.js');
  const credential =
    auth.kind === 'client-secret'
      ? new identity.ClientSecretCredential(auth.tenantId, auth.clientId, auth.clientSecret)
      : createAzureCredential({ ...azure, ...(auth.clientId ? { clientId: auth.clientId } : {}) });
  return {
    async getToken() {
      const token = await credential.getToken(MARKETPLACE_SCOPE);
      if (!token) throw new Error('no Marketplace access token was issued');
      return token.token;
    },
  };
}
