/** Constants of the configuration (src/config.ts): fixed ids and URLs, defaults, accepted values. */

/** The Marketplace's own Entra app: its tokens call our webhook (`appid`/`azp`) and it is the API's resource. */
export const MARKETPLACE_APP_ID = '20e940b3-4c77-4b0b-9a53-9e16a1b010a7';
export const MARKETPLACE_API_BASE_URL = 'https://marketplaceapi.microsoft.com/api';
/** Where the local Marketplace emulator is mounted in the dev server (and standalone). */
export const EMULATOR_PREFIX = '/emulator';

/**
 * Settings that replace what inbound tokens are checked against (the Bot Framework's OpenID metadata and issuer,
 * the webhook's Entra keys and issuer). Tests point them at keys they generate. In production such a setting turns
 * authentication into "trust whoever signs for this URL", so it is refused unless `ALLOW_AUTH_OVERRIDES=true`
 * opts in, and then only over https, and start-up warns about it. The opt-in exists for sovereign clouds (US
 * Government, China), whose Bot Framework and Entra endpoints differ from the public cloud's defaults.
 */
export const AUTH_OVERRIDE_VARIABLES = [
  'BOT_OPENID_METADATA_URL',
  'BOT_TOKEN_ISSUER',
  // Outbound: where the bot sends its own client secret for a token. A test server here would receive the secret.
  'BOT_LOGIN_URL',
  'MARKETPLACE_WEBHOOK_JWKS_URL',
  'MARKETPLACE_WEBHOOK_ISSUER',
  // Where the bot sends its secret for a Graph token, and whose licence verdicts it trusts.
  'GRAPH_AUTHORITY_URL',
  'GRAPH_BASE_URL',
] as const;
export const AUTH_OVERRIDES_OPT_IN = 'ALLOW_AUTH_OVERRIDES';

/** The Agents Playground's default ids. They are not valid GUIDs: ids are never checked for shape. */
export const PLAYGROUND_TENANT_ID = '00000000-0000-0000-0000-0000000000001';
export const PLAYGROUND_USER_ID = '00000000-0000-0000-0000-0000000000020';

/** Where the bot listens. @defaultValue 3978, the Teams Toolkit's and the Agents Playground's port */
export const DEFAULT_PORT = 3978;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export const ENVIRONMENTS = ['development', 'test', 'production'] as const;
