import { describe, expect, it } from 'vitest';
import { classifyTurn, DEFAULT_BILLING_RULES, estimateTurn } from '../../src/domain/billing-rules';

describe('billing rules (DESIGN.md): dimension and quantity of one turn', () => {
  it.each([
    // textLength, attachments, tokens → dimension, quantity
    { why: 'a short text, few tokens', text: 20, att: 0, tokens: 150, dimension: 'messages', quantity: 1 },
    { why: 'exactly 1,000 characters is not premium', text: 1000, att: 0, tokens: 300, dimension: 'messages', quantity: 1 },
    { why: 'more than 1,000 characters', text: 1001, att: 0, tokens: 600, dimension: 'premium_messages', quantity: 1 },
    { why: 'an attachment', text: 10, att: 1, tokens: 100, dimension: 'premium_messages', quantity: 1 },
    { why: 'exactly 2,000 tokens is not premium', text: 10, att: 0, tokens: 2000, dimension: 'messages', quantity: 1 },
    { why: 'more than 2,000 tokens', text: 10, att: 0, tokens: 2001, dimension: 'premium_messages', quantity: 1 },
    { why: 'exactly 5,000 tokens stays one unit', text: 10, att: 0, tokens: 5000, dimension: 'premium_messages', quantity: 1 },
    {
      why: 'more than 5,000 tokens: ceil(tokens / 2,000)',
      text: 10,
      att: 0,
      tokens: 5001,
      dimension: 'premium_messages',
      quantity: 3,
    },
    { why: '12,000 tokens', text: 10, att: 0, tokens: 12000, dimension: 'premium_messages', quantity: 6 },
    { why: '12,001 tokens', text: 10, att: 0, tokens: 12001, dimension: 'premium_messages', quantity: 7 },
    { why: 'attachment and many tokens', text: 10, att: 2, tokens: 9000, dimension: 'premium_messages', quantity: 5 },
  ])('$why → $dimension × $quantity', ({ text, att, tokens, dimension, quantity }) => {
    expect(classifyTurn({ textLength: text, attachmentCount: att, totalTokens: tokens })).toEqual({ dimension, quantity });
  });

  it('takes per-plan rules', () => {
    const rules = {
      ...DEFAULT_BILLING_RULES,
      attachmentsArePremium: false,
      premiumTokens: 100,
      multiUnitTokens: 200,
      tokensPerUnit: 100,
    };
    expect(classifyTurn({ textLength: 5, attachmentCount: 3, totalTokens: 50 }, rules)).toEqual({
      dimension: 'messages',
      quantity: 1,
    });
    expect(classifyTurn({ textLength: 5, attachmentCount: 0, totalTokens: 250 }, rules)).toEqual({
      dimension: 'premium_messages',
      quantity: 3,
    });
  });

  it('estimates before the AI call from what is known (text and attachments)', () => {
    expect(estimateTurn({ textLength: 1500, attachmentCount: 0 })).toEqual({ dimension: 'premium_messages', quantity: 1 });
    expect(estimateTurn({ textLength: 15, attachmentCount: 0 })).toEqual({ dimension: 'messages', quantity: 1 });
  });
});
