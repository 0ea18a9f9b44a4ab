import type { TokenCredential } from '@azure/identity';
import { deliveryError } from '../../domain/delivery';
import type { Logger } from '../../logger';
import { httpExchange } from './http-exchange';

/** The bot's own outbound token for one scope (`https://api.botframework.com/.default`). */
export interface BotTokenSource {
  getToken(scope: string): Promise<string>;
}

/** A token is renewed this long before it expires, so that no call carries one that lapses on the way. */
const RENEW_BEFORE_MS = 5 * 60_000;

interface Cached {
  token: string;
  renewAt: number;
}

/**
 * Caches tokens per scope and shares one fetch between concurrent callers. A fetch that fails or outlives its
 * timeout raises `DeliveryFailed`: without a token nothing was sent, so the turn is not billed.
 */
function cachingSource(
  fetchToken: (scope: string) => Promise<{ token: string; expiresAt: number }>,
  logger: Logger,
  what: string,
): BotTokenSource {
  const cache = new Map<string, Cached>();
  const pending = new Map<string, Promise<string>>();
  return {
    async getToken(scope) {
      const hit = cache.get(scope);
      if (hit && Date.now() < hit.renewAt) return hit.token;
      let fetching = pending.get(scope);
      if (!fetching) {
        const started = Date.now();
        fetching = fetchToken(scope)
          .then(({ token, expiresAt }) => {
            cache.set(scope, { token, renewAt: Math.max(Date.now(), expiresAt - RENEW_BEFORE_MS) });
            return token;
          })
          .catch((thrown: unknown) => {
            // A token still valid is better than none: serve it until it really expires.
            if (hit && Date.now() < hit.renewAt + RENEW_BEFORE_MS) return hit.token;
            logger.error({ source: what, err: thrown, ms: Date.now() - started }, 'bot token unavailable');
            throw deliveryError('not-delivered', `the bot's outbound token is unavailable (${what})`, thrown);
          })
          .finally(() => pending.delete(scope));
        pending.set(scope, fetching);
      }
      return fetching;
    },
  };
}

/**
 * Client credentials (app id + secret) against Entra's token endpoint, with a timeout. botbuilder's own client
 * (MSAL) sets none: a token endpoint that does not answer held every reply of every turn.
 */
export function clientSecretTokenSource(options: {
  loginUrl: string;
  tenant: string;
  appId: string;
  appPassword: string;
  timeoutMs: number;
  logger: Logger;
}): BotTokenSource {
  const endpoint = `${options.loginUrl}/${encodeURIComponent(options.tenant)}/oauth2/v2.0/token`;
  return cachingSource(
    async (scope) => {
      const response = await httpExchange({
        url: endpoint,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: options.appId,
          client_secret: options.appPassword,
          scope,
        }).toString(),
        timeoutMs: options.timeoutMs,
      });
      // Entra's error bodies name the problem (AADSTS codes) and never echo the secret, but keep logs to the status.
      if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
      const body = JSON.parse(response.body) as { access_token?: unknown; expires_in?: unknown };
      if (typeof body.access_token !== 'string') throw new Error('token endpoint answered without an access_token');
      const lifetimeS = Number(body.expires_in);
      return { token: body.access_token, expiresAt: Date.now() + (Number.isFinite(lifetimeS) ? lifetimeS : 3600) * 1000 };
    },
    options.logger,
    'client secret',
  );
}

/** A managed identity (BOT_TYPE=UserAssignedMSI) through @azure/identity, each fetch bounded by the timeout. */
export function credentialTokenSource(options: {
  credential: TokenCredential;
  timeoutMs: number;
  logger: Logger;
}): BotTokenSource {
  return cachingSource(
    async (scope) => {
      const token = await options.credential.getToken(scope, { abortSignal: AbortSignal.timeout(options.timeoutMs) });
      if (!token) throw new Error('no token was issued');
      return { token: token.token, expiresAt: token.expiresOnTimestamp };
    },
    options.logger,
    'managed identity',
  );
}
