import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_CATALOG } from '../../src/domain/default-plan-catalog';
import { parseCatalog } from '../../src/domain/catalog-parser';
import { mayFreeUp, settleTurn, turnEnvelopes, worstCase } from '../../src/domain/turn-envelope';

const catalog = parseCatalog(DEFAULT_PLAN_CATALOG, 'default');
const starter = catalog.get('starter')!;
const business = catalog.get('business')!;
const enterprise = catalog.get('enterprise')!;
const text = { textLength: 40, attachmentCount: 0 };
const picture = { textLength: 40, attachmentCount: 1 };

describe('turn envelopes', () => {
  it.each([
    [
      'short text, 6,800 tokens',
      text,
      6800,
      [
        ['messages', 1],
        ['premium_messages', 4],
      ],
    ],
    ['short text, 2,000 tokens', text, 2000, [['messages', 1]]],
    [
      'short text, 2,001 tokens',
      text,
      2001,
      [
        ['messages', 1],
        ['premium_messages', 1],
      ],
    ],
    ['attachment, 2,000 tokens', picture, 2000, [['premium_messages', 1]]],
    ['attachment, 10,001 tokens', picture, 10_001, [['premium_messages', 6]]],
  ] as const)('worst case of a %s ceiling', (_, input, ceiling, expected) => {
    expect(worstCase(input, starter, ceiling).map((b) => [b.dimension, b.quantity])).toEqual(expected);
  });

  it('follows per-plan rules where the premium line lies above the multi-unit one', () => {
    const odd = { ...starter, billingRules: { ...starter.billingRules, premiumTokens: 8000 } };
    expect(worstCase(text, odd, 9000).map((b) => [b.dimension, b.quantity])).toEqual([
      ['messages', 4],
      ['premium_messages', 5],
    ]);
  });

  it('tries smaller ceilings just under each billing line on capped plans, and holds nothing on uncapped ones', () => {
    expect(turnEnvelopes(text, starter, undefined, 6800)).toEqual([
      {
        tokenCeiling: 6800,
        holds: [
          { dimension: 'messages', quantity: 1, limit: 500 },
          { dimension: 'premium_messages', quantity: 4, limit: 50 },
        ],
      },
      {
        tokenCeiling: 5000,
        holds: [
          { dimension: 'messages', quantity: 1, limit: 500 },
          { dimension: 'premium_messages', quantity: 1, limit: 50 },
        ],
      },
      { tokenCeiling: 2000, holds: [{ dimension: 'messages', quantity: 1, limit: 500 }] },
    ]);
    expect(turnEnvelopes(picture, starter, undefined, 6800).map((e) => e.tokenCeiling)).toEqual([6800, 5000]);
    expect(turnEnvelopes(text, business, undefined, 6800)).toEqual([{ tokenCeiling: 6800, holds: [] }]);
    expect(turnEnvelopes(text, enterprise, undefined, 6800)).toEqual([{ tokenCeiling: 6800, holds: [] }]);
  });

  it('bills the real tokens within the holds, the ceiling beyond them, and uncapped dimensions as they are', () => {
    const [full, , small] = turnEnvelopes(text, starter, undefined, 6800);
    expect(settleTurn(text, 3000, starter, full!)).toEqual({ dimension: 'premium_messages', quantity: 1, clamped: false });
    expect(settleTurn(text, 9000, starter, full!)).toEqual({ dimension: 'premium_messages', quantity: 4, clamped: true });
    expect(settleTurn(text, 2500, starter, small!)).toEqual({ dimension: 'messages', quantity: 1, clamped: true });
    const [open] = turnEnvelopes(text, business, undefined, 6800);
    expect(settleTurn(text, 9000, business, open!)).toEqual({ dimension: 'premium_messages', quantity: 5, clamped: false });
  });

  it('waits only when turns in flight, not usage, hold the units', () => {
    const hold = { dimension: 'premium_messages' as const, quantity: 1, limit: 50 };
    expect(mayFreeUp(hold, 49)).toBe(true);
    expect(mayFreeUp(hold, 50)).toBe(false);
  });
});
