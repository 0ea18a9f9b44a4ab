import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/domain/errors';
import { createLogger } from '../../src/logger';
import { findSecretReferences, resolveSecretReferences, type SecretReader } from '../../src/secrets/secret-references';

const VALUES: Record<string, string> = {
  'bot-password': 'bp-9f8e7d6c5b4a',
  'marketplace-client-secret': 'mcs-0a1b2c3d4e5f',
  'session-secret': 's'.repeat(40),
};

/** A vault in a map that counts reads and how many run at once. */
function fakeVault(values: Record<string, string> = VALUES, failing: Record<string, Error> = {}) {
  const reads: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const reader: SecretReader = {
    async getSecret(name) {
      reads.push(name);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      if (failing[name]) throw failing[name];
      const value = values[name];
      if (value === undefined)
        throw Object.assign(new Error(`secret ${name} not found`), { statusCode: 404, code: 'SecretNotFound' });
      return value;
    },
  };
  return { reader, reads, maxRunning: () => maxRunning };
}

function captureLogs() {
  const lines: string[] = [];
  const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
  return { logger, text: () => lines.join('') };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (thrown) {
    return thrown as Error;
  }
  throw new Error('expected a rejection');
}

describe('resolveSecretReferences', () => {
  it('replaces references with secret values and leaves everything else as it was, in a new object', async () => {
    const env = {
      BOT_PASSWORD: 'keyvault:bot-password',
      MARKETPLACE_CLIENT_SECRET: '  keyvault:marketplace-client-secret ',
      PORT: '3978',
      NOTE: 'see keyvault:bot-password',
      EMPTY: '',
      UNSET: undefined,
    };
    const { reader } = fakeVault();

    const resolved = await resolveSecretReferences(env, reader);

    expect(resolved).toEqual({
      BOT_PASSWORD: VALUES['bot-password'],
      MARKETPLACE_CLIENT_SECRET: VALUES['marketplace-client-secret'],
      PORT: '3978',
      NOTE: 'see keyvault:bot-password',
      EMPTY: '',
      UNSET: undefined,
    });
    expect(resolved).not.toBe(env);
    expect(env.BOT_PASSWORD).toBe('keyvault:bot-password');
  });

  it('reads each distinct secret once, a few at a time', async () => {
    const env: Record<string, string> = {
      BOT_PASSWORD: 'keyvault:bot-password',
      LANDING_SSO_CLIENT_SECRET: 'keyvault:bot-password',
      MARKETPLACE_CLIENT_SECRET: 'keyvault:marketplace-client-secret',
      SESSION_SECRET: 'keyvault:session-secret',
    };
    const values: Record<string, string> = { ...VALUES };
    for (let i = 0; i < 10; i++) {
      env[`EXTRA_${i}`] = `keyvault:extra-${i}`;
      values[`extra-${i}`] = `value-${i}`;
    }
    const vault = fakeVault(values);

    const resolved = await resolveSecretReferences(env, vault.reader, { concurrency: 3 });

    expect(vault.reads.filter((name) => name === 'bot-password')).toHaveLength(1);
    expect(new Set(vault.reads).size).toBe(vault.reads.length);
    expect(vault.reads).toHaveLength(13);
    expect(vault.maxRunning()).toBe(3);
    expect(resolved.LANDING_SSO_CLIENT_SECRET).toBe(VALUES['bot-password']);
    expect(resolved.EXTRA_7).toBe('value-7');
  });

  it('does not call the reader when there is nothing to resolve', async () => {
    const vault = fakeVault();
    expect(await resolveSecretReferences({ PORT: '1' }, vault.reader)).toEqual({ PORT: '1' });
    expect(vault.reads).toEqual([]);
  });

  it('names the variables and the secret of a failed read, never a secret value, in the error and the logs', async () => {
    const env = {
      BOT_PASSWORD: 'keyvault:bot-password',
      MARKETPLACE_CLIENT_SECRET: 'keyvault:missing-secret',
      LANDING_SSO_CLIENT_SECRET: 'keyvault:missing-secret',
      SESSION_SECRET: 'keyvault:session-secret',
    };
    const { reader } = fakeVault();
    const logs = captureLogs();

    const error = await rejection(resolveSecretReferences(env, reader, { logger: logs.logger }));

    expect(isAppError(error, 'ConfigInvalid')).toBe(true);
    expect(error.message).toBe(
      'MARKETPLACE_CLIENT_SECRET, LANDING_SSO_CLIENT_SECRET: Key Vault secret "missing-secret" could not be read (404 SecretNotFound)',
    );
    const everything = `${error.message} ${String(error.stack)} ${JSON.stringify(error)} ${logs.text()}`;
    for (const value of Object.values(VALUES)) expect(everything).not.toContain(value);
  });

  it('reports every failed secret at once, with a short reason', async () => {
    const env = { A: 'keyvault:no-access', B: 'keyvault:no-identity', C: 'keyvault:bot-password' };
    const credentialError = new Error(
      'DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials:\n...',
    );
    const { reader } = fakeVault(VALUES, {
      'no-access': Object.assign(new Error('forbidden'), { statusCode: 403, code: 'Forbidden' }),
      'no-identity': credentialError,
    });

    const error = await rejection(resolveSecretReferences(env, reader));

    expect(error.message).toBe(
      'A: Key Vault secret "no-access" could not be read (403 Forbidden: give the app\'s identity the Key Vault Secrets User role on the vault); ' +
        'B: Key Vault secret "no-identity" could not be read (DefaultAzureCredential failed to retrieve a token from the included credentials.)',
    );
    expect(error.cause).toBeInstanceOf(AggregateError);
  });

  it('refuses an empty secret: it would silently read as "unset"', async () => {
    const { reader } = fakeVault({ blank: '  ' });
    const error = await rejection(resolveSecretReferences({ BOT_PASSWORD: 'keyvault:blank' }, reader));
    expect(error.message).toBe('BOT_PASSWORD: Key Vault secret "blank" could not be read (the secret is empty)');
  });

  it('logs which variables were resolved, by name only', async () => {
    const logs = captureLogs();
    await resolveSecretReferences({ BOT_PASSWORD: 'keyvault:bot-password' }, fakeVault().reader, { logger: logs.logger });
    const line = JSON.parse(logs.text());
    expect(line).toMatchObject({ variables: ['BOT_PASSWORD'], secrets: 1, msg: 'resolved Key Vault references' });
    expect(logs.text()).not.toContain(VALUES['bot-password']);
  });
});

describe('findSecretReferences', () => {
  it('lists references and rejects a malformed one without echoing its value', () => {
    expect(findSecretReferences({ A: 'keyvault:a-1', B: 'plain', C: 'KeyVault:Mixed-Case-2' })).toEqual([
      { variable: 'A', secretName: 'a-1' },
      { variable: 'C', secretName: 'Mixed-Case-2' },
    ]);
    expect(() => findSecretReferences({ BOT_PASSWORD: 'keyvault:has_underscore' })).toThrow(
      /^BOT_PASSWORD must be keyvault:<secret-name> with a secret name of 1-127 letters, digits and dashes$/,
    );
    expect(() => findSecretReferences({ BOT_PASSWORD: 'keyvault:' })).toThrow(/^BOT_PASSWORD must be/);
  });
});
