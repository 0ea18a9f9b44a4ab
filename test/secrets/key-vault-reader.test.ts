import { describe, expect, it } from 'vitest';
import { MINUTE, SECOND } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { createKeyVaultReader, type SecretClientLike } from '../../src/secrets/key-vault-reader';
import { FakeClock } from '../helpers/fake-clock';

/** A SecretClient stand-in: values that can change (rotation), failures on demand, calls released by hand. */
function fakeClient(initial: Record<string, string>) {
  const values = { ...initial };
  const calls: string[] = [];
  let failWith: Error | undefined;
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const client: SecretClientLike = {
    async getSecret(name) {
      calls.push(name);
      if (gate) await gate;
      if (failWith) throw failWith;
      if (!(name in values)) throw Object.assign(new Error(`${name} not found`), { statusCode: 404 });
      return { name, value: values[name] };
    },
  };
  return {
    client,
    calls,
    values,
    fail: (error: Error | undefined) => void (failWith = error),
    hold: () => void (gate = new Promise<void>((resolve) => (open = resolve))),
    release: () => {
      gate = undefined;
      open?.();
    },
  };
}

function setUp(ttlMs = 5 * MINUTE) {
  const clock = new FakeClock('2026-03-10T10:00:00Z');
  const vault = fakeClient({ 'bot-password': 'first-value-abc' });
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  const reader = createKeyVaultReader({ vaultUrl: 'https://unit.vault.azure.net', ttlMs, client: vault.client, clock, logger });
  return {
    clock,
    vault,
    reader,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    raw: () => lines.join(''),
  };
}

describe('createKeyVaultReader', () => {
  it('serves a value from memory until the TTL runs out, then reads the vault again (rotation is picked up)', async () => {
    const { clock, vault, reader } = setUp(5 * MINUTE);

    expect(await reader.getSecret('bot-password')).toBe('first-value-abc');
    vault.values['bot-password'] = 'rotated-value-def';
    clock.advance(5 * MINUTE - SECOND);
    expect(await reader.getSecret('bot-password')).toBe('first-value-abc');
    expect(vault.calls).toEqual(['bot-password']);

    clock.advance(SECOND);
    expect(await reader.getSecret('bot-password')).toBe('rotated-value-def');
    expect(vault.calls).toEqual(['bot-password', 'bot-password']);
  });

  it('shares one request between concurrent reads of the same name', async () => {
    const { vault, reader } = setUp();
    vault.hold();
    const reads = [reader.getSecret('bot-password'), reader.getSecret('bot-password'), reader.getSecret('bot-password')];
    vault.release();
    expect(await Promise.all(reads)).toEqual(['first-value-abc', 'first-value-abc', 'first-value-abc']);
    expect(vault.calls).toEqual(['bot-password']);
  });

  it('does not cache a failure: the next read asks the vault again', async () => {
    const { vault, reader } = setUp();
    await expect(reader.getSecret('nope')).rejects.toThrow('nope not found');
    await expect(reader.getSecret('nope')).rejects.toThrow('nope not found');
    expect(vault.calls).toEqual(['nope', 'nope']);
  });

  it('serves the previous value when a refresh fails, and tries the vault again on the next read', async () => {
    const { clock, vault, reader, logs } = setUp(MINUTE);
    await reader.getSecret('bot-password');
    clock.advance(MINUTE);
    vault.fail(new Error('503 Service Unavailable'));

    expect(await reader.getSecret('bot-password')).toBe('first-value-abc');
    expect(logs().at(-1)).toMatchObject({ level: 40, secretName: 'bot-password', err: { message: '503 Service Unavailable' } });

    vault.fail(undefined);
    vault.values['bot-password'] = 'rotated-value-def';
    expect(await reader.getSecret('bot-password')).toBe('rotated-value-def');
    expect(vault.calls).toHaveLength(3);
  });

  it('forgets an invalidated value (it was rejected): the next read goes to the vault and fails loudly if it must', async () => {
    const { vault, reader } = setUp();
    await reader.getSecret('bot-password');
    reader.invalidate('bot-password');
    vault.fail(new Error('403 Forbidden'));
    await expect(reader.getSecret('bot-password')).rejects.toThrow('403 Forbidden');
  });

  it('refuses a secret with no value', async () => {
    const reader = createKeyVaultReader({
      vaultUrl: 'https://unit.vault.azure.net',
      client: { getSecret: async () => ({}) },
    });
    await expect(reader.getSecret('disabled')).rejects.toThrow('Key Vault secret "disabled" has no value');
  });

  it('logs secret names and timings at debug, never values', async () => {
    const { clock, reader, logs, raw } = setUp();
    await reader.getSecret('bot-password');
    clock.advance(10 * MINUTE);
    await reader.getSecret('bot-password');
    expect(logs()).toEqual([
      expect.objectContaining({ level: 20, component: 'key-vault', secretName: 'bot-password', ms: 0 }),
      expect.objectContaining({ level: 20, component: 'key-vault', secretName: 'bot-password', ms: 0 }),
    ]);
    expect(raw()).not.toContain('first-value-abc');
  });
});
