import { SECOND } from '../../domain/clock';

/**
 * The identity provider's OpenID Connect discovery document, fetched once at start and checked: a wrong authority
 * (a typo, an http URL, a page that is not a provider) stops the start with a message naming
 * LANDING_SSO_AUTHORITY instead of answering every buyer with an error later.
 */

export interface ProviderMetadata {
  /** May hold `{tenantid}` (Entra's multi-tenant endpoints): the token's `tid` fills it in. */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
}

/** Why discovery failed: `unreachable` may pass (an outage), `invalid` will not (a wrong setting). */
export class ProviderMetadataError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'invalid',
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'ProviderMetadataError';
  }
}

export const DISCOVERY_TIMEOUT_MS = 10 * SECOND;

/**
 * Entra's v2 endpoints live under `<authority>/v2.0` (`https://login.microsoftonline.com/organizations/v2.0/…`);
 * an authority given as the discovery document's own URL is used as is (any certified OpenID provider).
 */
export function discoveryUrl(authority: string): string {
  const base = authority.replace(/\/+$/, '');
  if (base.endsWith('/.well-known/openid-configuration')) return base;
  return `${base.endsWith('/v2.0') ? base : `${base}/v2.0`}/.well-known/openid-configuration`;
}

export async function fetchProviderMetadata(
  authority: string,
  options: { requireHttps: boolean; timeoutMs?: number },
): Promise<ProviderMetadata> {
  const url = discoveryUrl(authority);
  const httpsOnly = (name: string, value: unknown): string => {
    if (typeof value !== 'string') throw new ProviderMetadataError('invalid', `the discovery document at ${url} has no ${name}`);
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new ProviderMetadataError('invalid', `the discovery document at ${url} has an invalid ${name}`);
    }
    // Over http anyone on the path could hand us their own keys, and every signature check would prove nothing.
    if (options.requireHttps && parsed.protocol !== 'https:')
      throw new ProviderMetadataError('invalid', `the ${name} of ${url} is not https (${value})`);
    return value;
  };
  if (options.requireHttps && !url.startsWith('https://'))
    throw new ProviderMetadataError('invalid', `the authority must be an https URL (got ${authority})`);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? DISCOVERY_TIMEOUT_MS),
    });
  } catch (thrown) {
    throw new ProviderMetadataError('unreachable', `the discovery document at ${url} could not be fetched`, { cause: thrown });
  }
  if (response.status >= 500 || response.status === 429)
    throw new ProviderMetadataError('unreachable', `the discovery document at ${url} answered ${response.status}`);
  if (!response.ok) throw new ProviderMetadataError('invalid', `the discovery document at ${url} answered ${response.status}`);
  let body: Record<string, unknown>;
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch (thrown) {
    throw new ProviderMetadataError('invalid', `${url} did not answer a JSON discovery document`, { cause: thrown });
  }
  const issuer = httpsOnly('issuer', body.issuer);
  // An issuer on another host than the authority: the document is not this provider's (or was tampered with).
  if (new URL(issuer.replace('{tenantid}', 'tenant')).host !== new URL(url).host)
    throw new ProviderMetadataError('invalid', `the issuer of ${url} (${issuer}) is on another host`);
  return {
    issuer,
    authorizationEndpoint: httpsOnly('authorization_endpoint', body.authorization_endpoint),
    tokenEndpoint: httpsOnly('token_endpoint', body.token_endpoint),
    jwksUri: httpsOnly('jwks_uri', body.jwks_uri),
  };
}
