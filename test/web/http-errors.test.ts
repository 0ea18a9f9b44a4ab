import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors';
import { failureOf } from '../../src/web/http-server';

describe('the one classification of route errors', () => {
  it('answers a caller’s mistake with its status and message, unlogged', () => {
    expect(failureOf(new AppError('BadRequest', 'planId is required'))).toEqual({
      failure: { status: 400, code: 'BadRequest', message: 'planId is required' },
      unexpected: false,
    });
    expect(failureOf(new AppError('Conflict', 'already activated')).failure.status).toBe(409);
  });

  it('answers 503 when retrying may help, without the internal message', () => {
    for (const thrown of [
      new AppError('UpstreamFailed', 'GET https://internal/api timed out'),
      new AppError('Internal', 'SQLITE_BUSY on usage_events', { retryable: true }),
    ]) {
      const { failure, unexpected } = failureOf(thrown);
      expect(failure).toMatchObject({ status: 503, code: 'Unavailable' });
      expect(failure.message).not.toContain('internal');
      expect(failure.message).not.toContain('SQLITE');
      expect(unexpected).toBe(true);
    }
  });

  it('answers anything else 500 with a generic message', () => {
    for (const thrown of [new TypeError("Cannot read properties of undefined (reading 'id')"), 'boom', undefined]) {
      expect(failureOf(thrown)).toEqual({
        failure: { status: 500, code: 'Internal', message: 'The request could not be processed.' },
        unexpected: true,
      });
    }
  });
});
