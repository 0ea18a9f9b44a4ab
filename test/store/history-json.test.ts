import { describe, expect, it } from 'vitest';
import type { HistoryExchange } from '../../src/domain/conversation-history';
import { historyFromJson, historyToJson } from '../../src/store/history-json';

const at = new Date('2026-03-10T10:00:00.000Z');

describe('stored form of a conversation history', () => {
  it('is one JSON array, dates as ISO strings, the same whether an exchange was written before or not', () => {
    const first: HistoryExchange = { user: 'Bonjour « toi »', assistant: 'Salut\n"quoted"', tokens: 9, userTokens: 4, at };
    const second: HistoryExchange = { user: 'and then?', assistant: 'then this', tokens: 5, at };
    const expected = JSON.stringify([
      { user: first.user, assistant: first.assistant, tokens: 9, userTokens: 4, at: at.toISOString() },
      { user: second.user, assistant: second.assistant, tokens: 5, at: at.toISOString() },
    ]);
    expect(historyToJson([first])).toBe(JSON.stringify([JSON.parse(expected)[0]]));
    // `first` was written before (its stored form is kept), `second` was not.
    expect(historyToJson([first, second])).toBe(expected);
    expect(historyToJson([first, second])).toBe(expected);
    expect(historyToJson([])).toBe('[]');
    expect(historyFromJson(historyToJson([first, second]))).toEqual([first, second]);
  });
});
