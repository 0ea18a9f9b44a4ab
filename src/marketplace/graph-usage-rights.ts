import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import { bestUsageRight, type LicenceChecker, type LicenceState } from '../domain/licence';
import type { Logger } from '../logger';

/** Graph's token is reused until this long before it expires. */
const TOKEN_MARGIN_MS = 60_000;
/** Bounded caches: a flood of unknown users must not grow them without end. */
const MAX_CACHED = 10_000;

/**
 * Microsoft Graph (beta) `GET /users/{id}/usageRights?$filter=serviceIdentifier eq '…'` with an application token:
 * client credentials of the bot's Entra app in the user's tenant (permission User.Read.All, consented by that
 * tenant's admin). Chosen over the user's SSO token exchanged on behalf of: it needs no sign-in card in the chat and
 * works in every conversation type, at the price of an admin consent per customer tenant (README "Catalog").
 *
 * Answers are cached per tenant, user and plan for `cacheMs`; a failed check (network, timeout, 4xx/5xx, no token)
 * is `unreachable` and never cached, so the next message asks again.
 */
export class GraphUsageRights implements LicenceChecker {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();
  private readonly answers = new Map<string, { state: LicenceState; expiresAt: number }>();

  constructor(private readonly deps: { config: Config['licensing']; clock: Clock; logger: Logger }) {}

  async check(tenantId: string, userId: string, serviceIdentifier: string): Promise<LicenceState> {
    const key = `${tenantId}|${userId}|${serviceIdentifier}`;
    const now = this.deps.clock.now().getTime();
    const hit = this.answers.get(key);
    if (hit && hit.expiresAt > now) return hit.state;
    let state: LicenceState;
    try {
      state = await this.ask(tenantId, userId, serviceIdentifier);
    } catch (thrown) {
      this.deps.logger.warn({ tenantId, userId, err: thrown }, 'licence check failed: Graph unreachable');
      return 'unreachable';
    }
    if (this.deps.config.cacheMs > 0) {
      if (this.answers.size >= MAX_CACHED) this.answers.clear();
      this.answers.set(key, { state, expiresAt: now + this.deps.config.cacheMs });
    }
    return state;
  }

  private async ask(tenantId: string, userId: string, serviceIdentifier: string): Promise<LicenceState> {
    const { graphBaseUrl, timeoutMs } = this.deps.config;
    // OData string literal: a quote is doubled.
    const filter = `serviceIdentifier eq '${serviceIdentifier.replace(/'/g, "''")}'`;
    const url = `${graphBaseUrl}/beta/users/${encodeURIComponent(userId)}/usageRights?$filter=${encodeURIComponent(filter)}`;
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${await this.token(tenantId)}`, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    // A user Graph does not know has no usage right; anything else that is not a 200 says nothing about the user.
    if (res.status === 404) return 'none';
    if (!res.ok) throw new Error(`Graph usageRights answered ${res.status}`);
    const body = (await res.json()) as { value?: { serviceIdentifier?: string; state?: string }[] };
    const states = (body.value ?? [])
      .filter((r) => r.serviceIdentifier === undefined || r.serviceIdentifier === serviceIdentifier)
      .map((r) => String(r.state ?? '').toLowerCase());
    return bestUsageRight(states);
  }

  private async token(tenantId: string): Promise<string> {
    const now = this.deps.clock.now().getTime();
    const cached = this.tokens.get(tenantId);
    if (cached && cached.expiresAt - TOKEN_MARGIN_MS > now) return cached.token;
    const { authorityUrl, clientId, clientSecret, graphBaseUrl, timeoutMs } = this.deps.config;
    const res = await fetch(`${authorityUrl}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        ...(clientSecret ? { client_secret: clientSecret } : {}),
        scope: `${graphBaseUrl}/.default`,
      }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
    const body = (await res.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new Error('token endpoint gave no access_token');
    if (this.tokens.size >= MAX_CACHED) this.tokens.clear();
    this.tokens.set(tenantId, { token: body.access_token, expiresAt: now + (body.expires_in ?? 3600) * 1000 });
    return body.access_token;
  }
}
