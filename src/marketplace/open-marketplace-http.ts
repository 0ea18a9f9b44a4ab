import type { Config } from '../config';
import type { Logger } from '../logger';
import type { AzureIdentitySettings } from '../secrets/azure-credential';
import { MarketplaceHttp } from './marketplace-http';
import { createTokenProvider } from './token-provider';

/** The Marketplace HTTP layer as configured: base URL, api-version, credentials, timeout and retries. */
export async function openMarketplaceHttp(
  marketplace: Config['marketplace'],
  logger: Logger,
  azure: AzureIdentitySettings = {},
): Promise<MarketplaceHttp> {
  return new MarketplaceHttp({
    baseUrl: marketplace.apiBaseUrl,
    apiVersion: marketplace.apiVersion,
    tokens: await createTokenProvider(marketplace.auth, azure),
    timeoutMs: marketplace.requestTimeoutMs,
    maxRetries: marketplace.maxRetries,
    logger,
  });
}
