import { AppError, coerceError } from '../domain/errors';
import { silentLogger, type Logger } from '../logger';

/**
 * Environment values of the form `keyvault:<secret-name>` are references to Key Vault secrets. They are resolved
 * before `loadConfig` runs (it is synchronous), so the rest of the product only ever sees plain values.
 *
 * @example
 *   MARKETPLACE_CLIENT_SECRET=keyvault:marketplace-client-secret
 */

/** Where referenced secrets come from (Key Vault in production, a map in tests). */
export interface SecretReader {
  getSecret(name: string): Promise<string>;
}

type Env = Record<string, string | undefined>;

export interface SecretReference {
  variable: string;
  secretName: string;
}

const REFERENCE_PREFIX = 'keyvault:';
/** Key Vault secret names: 1–127 letters, digits and dashes. */
const SECRET_NAME = /^[A-Za-z0-9-]{1,127}$/;
/** Few enough not to trip Key Vault's per-vault throttling at start, enough to keep start-up fast. */
const DEFAULT_CONCURRENCY = 4;
const MAX_REASON_CHARS = 200;

/** Every variable whose value is a reference, in the order of the environment object. */
export function findSecretReferences(env: Env): SecretReference[] {
  const references: SecretReference[] = [];
  for (const [variable, raw] of Object.entries(env)) {
    const value = raw?.trim();
    if (!value?.toLowerCase().startsWith(REFERENCE_PREFIX)) continue;
    const secretName = value.slice(REFERENCE_PREFIX.length);
    // The value is not echoed: a mistyped reference could be a real secret that happens to start with the prefix.
    if (!SECRET_NAME.test(secretName)) {
      throw new AppError(
        'ConfigInvalid',
        `${variable} must be keyvault:<secret-name> with a secret name of 1-127 letters, digits and dashes`,
      );
    }
    references.push({ variable, secretName });
  }
  return references;
}

export interface ResolveOptions {
  /** Secrets read at the same time (default 4). */
  concurrency?: number;
  /** Names only, never values. */
  logger?: Logger;
}

/**
 * A new environment object with every `keyvault:` reference replaced by the secret's value. Each distinct secret
 * is read once. Every failure is reported together, naming the variables and the secret, never a value.
 */
export async function resolveSecretReferences(env: Env, reader: SecretReader, options: ResolveOptions = {}): Promise<Env> {
  const references = findSecretReferences(env);
  const resolved: Env = { ...env };
  if (references.length === 0) return resolved;
  const logger = options.logger ?? silentLogger;

  const variablesBySecret = new Map<string, string[]>();
  for (const { variable, secretName } of references) {
    variablesBySecret.set(secretName, [...(variablesBySecret.get(secretName) ?? []), variable]);
  }
  const secretNames = [...variablesBySecret.keys()];
  const values = new Map<string, string>();
  const failures: string[] = [];
  const causes: unknown[] = [];

  await forEachLimited(secretNames, options.concurrency ?? DEFAULT_CONCURRENCY, async (secretName) => {
    const variables = variablesBySecret.get(secretName)!.join(', ');
    try {
      const value = await reader.getSecret(secretName);
      // An empty value would silently count as "unset" in loadConfig and switch a feature off.
      if (value.trim() === '') throw new Error('the secret is empty');
      values.set(secretName, value);
    } catch (thrown) {
      failures.push(`${variables}: Key Vault secret "${secretName}" could not be read (${reasonOf(thrown)})`);
      causes.push(thrown);
    }
  });

  if (failures.length > 0) {
    throw new AppError('ConfigInvalid', failures.sort().join('; '), {
      cause: causes.length === 1 ? causes[0] : new AggregateError(causes),
    });
  }
  for (const { variable, secretName } of references) resolved[variable] = values.get(secretName);
  logger.info({ variables: references.map((r) => r.variable), secrets: secretNames.length }, 'resolved Key Vault references');
  return resolved;
}

/**
 * Why a read failed, short enough for one log line: the HTTP status and service code of Azure SDK errors
 * (`403 Forbidden`, `404 SecretNotFound`), otherwise the first line of the message.
 */
function reasonOf(thrown: unknown): string {
  const error = coerceError(thrown) as Error & { statusCode?: unknown; code?: unknown };
  const status = typeof error.statusCode === 'number' ? String(error.statusCode) : undefined;
  const code = typeof error.code === 'string' ? error.code : undefined;
  // The one a first deployment nearly always hits: the identity was never given read access to the vault.
  if (status === '403') return `403 ${code ?? 'Forbidden'}: give the app's identity the Key Vault Secrets User role on the vault`;
  if (status) return [status, code].filter(Boolean).join(' ');
  const firstLine = (error.message.split('\n')[0] ?? '').trim() || error.name;
  return firstLine.length > MAX_REASON_CHARS ? `${firstLine.slice(0, MAX_REASON_CHARS)}…` : firstLine;
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
