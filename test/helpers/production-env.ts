/** The smallest configuration production accepts: the settings `loadConfig` requires when NODE_ENV is production. */
export const PRODUCTION_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://bot.contoso.example',
  BOT_ID: 'bot-app-id',
  BOT_PASSWORD: 'secret',
  BOT_TENANT_ID: 'publisher-tenant',
  OPENAI_API_KEY: 'sk-test',
  PUBLISHER_TENANT_ID: 'publisher-tenant',
  MARKETPLACE_WEBHOOK_AUDIENCE: 'fulfillment-app-id',
  SESSION_SECRET: 'x'.repeat(40),
  LANDING_SSO_CLIENT_ID: 'landing-app-id',
  LANDING_SSO_CLIENT_SECRET: 'landing-secret',
};
