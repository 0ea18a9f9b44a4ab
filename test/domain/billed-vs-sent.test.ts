import { describe, expect, it } from 'vitest';
import {
  compareBilledWithLedger,
  daysToCompare,
  isDay,
  scheduledRunAt,
  type BilledRow,
  type LedgerDay,
} from '../../src/domain/billed-vs-sent';
import { parseBilledRow } from '../../src/marketplace/billed-usage-client';

const theirs = (fields: Partial<BilledRow>): BilledRow => ({
  day: '2026-03-10',
  subscriptionId: 's',
  dimension: 'messages',
  planId: 'business',
  submittedQuantity: 5,
  processedQuantity: 5,
  submittedCount: 2,
  reconStatus: 'Accepted',
  ...fields,
});
const ours = (fields: Partial<LedgerDay>): LedgerDay => ({
  day: '2026-03-10',
  subscriptionId: 's',
  dimension: 'messages',
  planId: 'business',
  quantity: 5,
  hours: 2,
  ...fields,
});
const judge = (billed: BilledRow[], ledger: LedgerDay[]) =>
  compareBilledWithLedger(['2026-03-10'], billed, ledger).map((c) => c.outcome);

describe('billed vs sent: comparing the Marketplace with the ledger', () => {
  it.each([
    ['the same quantity, accepted', [theirs({})], [ours({})], 'Match'],
    ['processed less than submitted', [theirs({ processedQuantity: 4 })], [ours({})], 'QuantityMismatch'],
    ['submitted another quantity', [theirs({ submittedQuantity: 6, processedQuantity: 6 })], [ours({})], 'QuantityMismatch'],
    ['the Marketplace says Mismatch itself', [theirs({ reconStatus: 'Mismatch' })], [ours({})], 'QuantityMismatch'],
    ['not processed yet, our quantity', [theirs({ reconStatus: 'Submitted', processedQuantity: 0 })], [ours({})], 'Pending'],
    [
      'not processed yet, another quantity',
      [theirs({ reconStatus: 'Submitted', submittedQuantity: 4, processedQuantity: 0 })],
      [ours({})],
      'QuantityMismatch',
    ],
    [
      'part accepted, part still being processed, our quantity in all',
      [
        theirs({ submittedQuantity: 3, processedQuantity: 3 }),
        theirs({ reconStatus: 'Submitted', submittedQuantity: 2, processedQuantity: 0 }),
      ],
      [ours({})],
      'Pending',
    ],
    [
      'part accepted short, nothing still being processed',
      [theirs({ submittedQuantity: 3, processedQuantity: 2 }), theirs({ submittedQuantity: 2, processedQuantity: 2 })],
      [ours({})],
      'QuantityMismatch',
    ],
    ['rejected', [theirs({ reconStatus: 'Rejected', processedQuantity: 0 })], [ours({})], 'Rejected'],
    ['test traffic is not billed', [theirs({ reconStatus: 'TestHeaders' })], [ours({})], 'Rejected'],
    ['nothing at the Marketplace', [], [ours({})], 'MissingAtMarketplace'],
    ['nothing in the ledger', [theirs({})], [], 'MissingInLedger'],
    [
      'a quantity off by float noise',
      [theirs({ submittedQuantity: 0.1 + 0.2, processedQuantity: 0.1 + 0.2 })],
      [ours({ quantity: 0.3 })],
      'Match',
    ],
  ])('%s', (_what, billed, ledger, expected) => {
    expect(judge(billed, ledger)).toEqual([expected]);
  });

  it('sums several rows of one key, and any rejected part makes the key Rejected', () => {
    expect(
      judge(
        [theirs({ submittedQuantity: 2, processedQuantity: 2 }), theirs({ submittedQuantity: 3, processedQuantity: 3 })],
        [ours({})],
      ),
    ).toEqual(['Match']);
    const [split] = compareBilledWithLedger(
      ['2026-03-10'],
      [
        theirs({ submittedQuantity: 3, processedQuantity: 3 }),
        theirs({ submittedQuantity: 2, processedQuantity: 0, reconStatus: 'Rejected', submittedCount: 1 }),
      ],
      [ours({})],
    );
    expect(split).toMatchObject({
      outcome: 'Rejected',
      submittedQuantity: 5,
      processedQuantity: 3,
      submittedCount: 3,
      reconStatus: 'Accepted,Rejected',
    });
  });

  it('keeps plans, dimensions and days apart, ignores days not asked for, and sorts', () => {
    const out = compareBilledWithLedger(
      ['2026-03-09', '2026-03-10'],
      [
        theirs({ planId: 'enterprise' }),
        theirs({ day: '2026-03-11' }),
        theirs({ day: '2026-03-09', dimension: 'premium_messages' }),
      ],
      [ours({}), ours({ day: '2026-03-08' })],
    );
    expect(out.map((c) => `${c.day} ${c.dimension} ${c.planId} ${c.outcome}`)).toEqual([
      '2026-03-09 premium_messages business MissingInLedger',
      '2026-03-10 messages business MissingAtMarketplace',
      '2026-03-10 messages enterprise MissingInLedger',
    ]);
  });

  it('picks the complete days before today and the hour of the daily run', () => {
    expect(daysToCompare(new Date('2026-03-01T05:00:00Z'), 3)).toEqual(['2026-02-26', '2026-02-27', '2026-02-28']);
    expect(scheduledRunAt(new Date('2026-03-01T23:59:00Z'), 6)).toEqual(new Date('2026-03-01T06:00:00Z'));
    expect([isDay('2026-02-28'), isDay('2026-02-29'), isDay('2026-3-1'), isDay('')]).toEqual([true, false, false, false]);
  });

  it('reads rows of the retrieval API tolerantly, and leaves out what cannot be compared', () => {
    expect(
      parseBilledRow({
        usageDate: '2026-03-10T00:00:00',
        usageResourceId: 's',
        dimension: 'messages',
        planId: 'business',
        submittedQuantity: '5',
        processedQuantity: 5,
        submittedCount: 2,
        reconStatus: 'Accepted',
        unknownField: true,
      }),
    ).toEqual(theirs({}));
    expect(parseBilledRow({ usageDate: '2026-03-10', usageResourceId: 's', dimension: 'messages', planId: 'p' })).toMatchObject({
      submittedQuantity: 0,
      reconStatus: 'Submitted',
    });
    for (const bad of [null, 'row', {}, { usageDate: 'yesterday', usageResourceId: 's', dimension: 'd', planId: 'p' }])
      expect(parseBilledRow(bad)).toBeUndefined();
  });
});
