import { describe, expect, it } from 'vitest';
import { parseBatchItem } from '../../src/marketplace/metering-client';

describe('Metering API batch items', () => {
  const original = { usageEventId: 'u-0', status: 'Duplicate', quantity: 7, dimension: 'messages' };

  it('reads the original of a duplicate where the API documents it (error.additionalInfo.acceptedMessage)', () => {
    expect(
      parseBatchItem({ status: 'Duplicate', error: { code: 'Conflict', additionalInfo: { acceptedMessage: original } } }),
    ).toMatchObject({ status: 'Duplicate', acceptedMessage: { usageEventId: 'u-0', quantity: 7 }, errorCode: 'Conflict' });
  });

  it('tolerates the original at the top level of the item too', () => {
    expect(parseBatchItem({ status: 'Duplicate', additionalInfo: { acceptedMessage: original } })).toMatchObject({
      acceptedMessage: { usageEventId: 'u-0', quantity: 7 },
    });
    expect(parseBatchItem({ status: 'Duplicate', acceptedMessage: original })).toMatchObject({
      acceptedMessage: { usageEventId: 'u-0', quantity: 7 },
    });
  });

  it('leaves the original out when the answer has none (the worker then flags a conflict, never a failure)', () => {
    expect(parseBatchItem({ status: 'Duplicate', error: { code: 'Conflict' } })).toEqual({
      status: 'Duplicate',
      errorCode: 'Conflict',
    });
    expect(parseBatchItem('not an object')).toEqual({});
  });
});
