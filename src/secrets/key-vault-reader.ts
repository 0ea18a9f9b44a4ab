import type { TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { MINUTE, systemClock, type Clock } from '../domain/clock';
import { silentLogger, type Logger } from '../logger';
import { createAzureCredential } from './azure-credential';
import type { SecretReader } from './secret-references';

/** The one method of `SecretClient` the reader uses; tests pass a fake. */
export interface SecretClientLike {
  getSecret(name: string): Promise<{ value?: string | undefined }>;
}

export interface KeyVaultReaderOptions {
  /** `https://<vault>.vault.azure.net` */
  vaultUrl: string;
  /** User-assigned managed identity (`AZURE_CLIENT_ID`); none = system-assigned or the developer's az login. */
  clientId?: string;
  /** App Service's managed identity endpoint (`IDENTITY_ENDPOINT`): the managed identity credential is used directly. */
  identityEndpoint?: string;
  /** How long a value is served from memory before Key Vault is asked again (default 5 minutes). */
  ttlMs?: number;
  /** Shares one credential with the other Azure clients (SQL, Service Bus). */
  credential?: TokenCredential;
  /** Replaces `SecretClient` (tests). */
  client?: SecretClientLike;
  clock?: Clock;
  /** Secret names and timings at debug, never values. */
  logger?: Logger;
}

export interface KeyVaultReader extends SecretReader {
  /** Drops a cached value, e.g. after the service it unlocks rejected it (rotated in the vault). */
  invalidate(name: string): void;
}

export const DEFAULT_SECRET_TTL_MS = 5 * MINUTE;

interface CacheEntry {
  value: string;
  fetchedAt: number;
}

/**
 * Reads secrets from Key Vault with the managed identity (src/secrets/azure-credential.ts), keeping each value in
 * memory for `ttlMs` so rotation is picked up without hammering the vault. Concurrent reads of one name share a
 * single request. If a refresh fails while an older value is known, the older value is served (and the next
 * read tries again): a Key Vault blip must not take down a service whose secret has not changed.
 */
export function createKeyVaultReader(options: KeyVaultReaderOptions): KeyVaultReader {
  const ttlMs = options.ttlMs ?? DEFAULT_SECRET_TTL_MS;
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger).child({ component: 'key-vault' });
  const client =
    options.client ??
    new SecretClient(
      options.vaultUrl,
      options.credential ??
        createAzureCredential({
          ...(options.clientId ? { clientId: options.clientId } : {}),
          ...(options.identityEndpoint ? { identityEndpoint: options.identityEndpoint } : {}),
        }),
    );
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<string>>();

  async function fetchSecret(name: string): Promise<string> {
    const startedAt = clock.now().getTime();
    try {
      const secret = await client.getSecret(name);
      if (secret.value === undefined) throw new Error(`Key Vault secret "${name}" has no value`);
      cache.set(name, { value: secret.value, fetchedAt: clock.now().getTime() });
      logger.debug({ secretName: name, ms: clock.now().getTime() - startedAt }, 'secret read from Key Vault');
      return secret.value;
    } catch (thrown) {
      const stale = cache.get(name);
      if (!stale) throw thrown;
      logger.warn({ secretName: name, err: thrown }, 'Key Vault read failed: serving the previous value of the secret');
      return stale.value;
    }
  }

  return {
    async getSecret(name) {
      const cached = cache.get(name);
      if (cached && clock.now().getTime() - cached.fetchedAt < ttlMs) return cached.value;
      let pending = inFlight.get(name);
      if (!pending) {
        pending = fetchSecret(name).finally(() => inFlight.delete(name));
        inFlight.set(name, pending);
      }
      return pending;
    },
    invalidate(name) {
      cache.delete(name);
    },
  };
}
