import { BOT_ISSUER } from './bot-framework-stubs';

/** The bot's app id in the tests with authentication on (the audience of the channel tokens they sign). */
export const BOT_APP_ID = 'bot-app-id';

/**
 * The settings of a single-tenant bot with authentication on: inbound activities checked with the stub Bot
 * Framework keys at `metadataUrl`, the outbound token from the stub Entra endpoint at `loginUrl`.
 */
export function botAuthEnv(keys: { metadataUrl: string }, tokens: { loginUrl: string }): Record<string, string> {
  return {
    BOT_ID: BOT_APP_ID,
    BOT_PASSWORD: 'bot-secret-value',
    BOT_TYPE: 'SingleTenant',
    BOT_TENANT_ID: 'publisher-tenant',
    BOT_OPENID_METADATA_URL: keys.metadataUrl,
    BOT_TOKEN_ISSUER: BOT_ISSUER,
    BOT_LOGIN_URL: tokens.loginUrl,
  };
}

/** POSTs `activity` to the app with a channel token signed for `serviceUrl`, as Teams does; the HTTP status. */
export async function postSigned(
  appUrl: string,
  keys: { sign(serviceUrl: string): Promise<string> },
  serviceUrl: string,
  activity: Record<string, unknown>,
): Promise<number> {
  const res = await fetch(`${appUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await keys.sign(serviceUrl)}` },
    body: JSON.stringify(activity),
  });
  await res.text();
  return res.status;
}
