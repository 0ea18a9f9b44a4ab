import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { coerceError } from '../src/domain/errors';
import { createLogger, serializeError } from '../src/logger';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('errors in logs', () => {
  it('log the stack and the cause chain, and none of the error’s other properties (an HTTP client’s headers)', () => {
    const out = capture();
    const logger = createLogger('info', out.stream);
    const root = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const err = Object.assign(new Error('token request failed', { cause: root }), {
      config: { headers: { Authorization: 'Bearer secret-token-value' } },
    });
    logger.error({ err }, 'call failed');
    const [line] = out.lines();
    const logged = line?.err as Record<string, unknown>;
    expect(logged.message).toBe('token request failed');
    expect(String(logged.stack)).toContain('logger-errors.test.ts');
    expect(logged.cause).toMatchObject({ message: 'socket hang up', code: 'ECONNRESET', type: 'Error' });
    expect(JSON.stringify(line)).not.toContain('secret-token-value');
  });

  it('coerceError keeps what was thrown as the cause', () => {
    const thrown = { status: 503, detail: 'busy' };
    const err = coerceError(thrown);
    expect(err.message).toBe('{"status":503,"detail":"busy"}');
    expect(err.cause).toBe(thrown);
    const same = new Error('x');
    expect(coerceError(same)).toBe(same);
    expect(coerceError('plain').message).toBe('plain');
    expect(coerceError(undefined).message).toBe('undefined');
  });

  it('stops following causes after a few levels (a cycle cannot loop)', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const serialized = JSON.stringify(serializeError(a));
    expect(serialized.match(/"message"/g)?.length).toBe(6);
  });
});
