import { describe, expect, it } from 'vitest';
import {
  appendExchange,
  historyExpiry,
  historyKeyOf,
  historyMessages,
  type HistoryExchange,
} from '../../src/domain/conversation-history';
import { streamPartOf, streamsAnswer } from '../../src/domain/answer-streaming';

const at = new Date('2026-03-10T10:00:00.000Z');
const ex = (n: number, tokens = 10): HistoryExchange => ({ user: `q${n}`, assistant: `a${n}`, tokens, at });

describe('conversation history bounds', () => {
  it('keeps the newest exchanges up to the count, oldest dropped first', () => {
    const history = [ex(1), ex(2), ex(3)];
    expect(appendExchange(history, ex(4), { maxExchanges: 3, maxTokens: 1000 })).toEqual([ex(2), ex(3), ex(4)]);
    expect(appendExchange([], ex(1), { maxExchanges: 3, maxTokens: 1000 })).toEqual([ex(1)]);
  });

  it('keeps the newest exchanges whose tokens fit together; one alone over the bound keeps nothing', () => {
    const history = [ex(1, 40), ex(2, 30), ex(3, 20)];
    expect(appendExchange(history, ex(4, 55), { maxExchanges: 10, maxTokens: 100 })).toEqual([ex(3, 20), ex(4, 55)]);
    expect(appendExchange(history, ex(4, 100), { maxExchanges: 10, maxTokens: 100 })).toEqual([ex(4, 100)]);
    expect(appendExchange(history, ex(4, 101), { maxExchanges: 10, maxTokens: 100 })).toEqual([]);
  });

  it('expires a set time after the last exchange; keys differ per tenant and conversation, no id in clear', () => {
    expect(historyExpiry(at, { ttlMs: 3_600_000 })).toEqual(new Date('2026-03-10T11:00:00.000Z'));
    const key = historyKeyOf({ tenantId: 't', conversationId: 'c' });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(historyKeyOf({ tenantId: 't', conversationId: 'c' })).toBe(key);
    expect(historyKeyOf({ tenantId: 't2', conversationId: 'c' })).not.toBe(key);
    expect(historyMessages([ex(1)])).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'a1' },
    ]);
  });
});

describe('when an answer streams', () => {
  const personal = { channelId: 'msteams', conversationType: 'personal' as const, connectorDelivery: true, enabled: true };
  it('only in Teams personal chats under connector delivery, when on', () => {
    expect(streamsAnswer(personal)).toBe(true);
    expect(streamsAnswer({ ...personal, conversationType: 'groupChat' })).toBe(false);
    expect(streamsAnswer({ ...personal, conversationType: 'channel' })).toBe(false);
    expect(streamsAnswer({ ...personal, connectorDelivery: false })).toBe(false);
    expect(streamsAnswer({ ...personal, enabled: false })).toBe(false);
    expect(streamsAnswer({ ...personal, channelId: 'webchat' })).toBe(false);
  });

  it('tells previews from the final message by their stream type', () => {
    expect(streamPartOf({ type: 'typing', channelData: { streamType: 'streaming' } })).toBe('preview');
    expect(streamPartOf({ type: 'typing', channelData: { streamType: 'informative' } })).toBe('preview');
    expect(streamPartOf({ type: 'message', channelData: { streamType: 'final' } })).toBe('final');
    expect(streamPartOf({ type: 'typing' })).toBeUndefined();
    expect(streamPartOf({ type: 'message', channelData: { feedbackLoopEnabled: true } })).toBeUndefined();
  });
});
