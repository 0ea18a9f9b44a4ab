import path from 'node:path';
import type { TurnContext } from 'botbuilder';
import { ConversationHistory, GPTTokenizer, PromptManager, type Memory, type Tokenizer } from '@microsoft/teams-ai';
import { describe, expect, it } from 'vitest';
import { historyMessages, type HistoryExchange } from '../../src/domain/conversation-history';
import { mulberry32 } from '../../src/domain/seeded-random';
import {
  StoredConversationHistory,
  measuredHistoryMessages,
  promptWithStoredHistory,
} from '../../src/bot/models/stored-history-section';

const VARIABLE = 'conversation.chat_history';
const gpt = new GPTTokenizer();
const context = {} as TurnContext;

/** The tokenizer, recording every text it is asked to encode. */
function recording(): { tokenizer: Tokenizer; encoded: string[] } {
  const encoded: string[] = [];
  return { encoded, tokenizer: { encode: (text) => (encoded.push(text), gpt.encode(text)), decode: (t) => gpt.decode(t) } };
}

/** Exchanges as ConversationMemory stores them: the user's share counted with the same tokenizer. */
function exchanges(n: number, random: () => number, withUserTokens = true): HistoryExchange[] {
  const words = ['hello', 'quota', 'Teams', 'facture', 'été', 'seat', '42', '✓', 'the plan', 'why?'];
  const text = () => Array.from({ length: 1 + Math.floor(random() * 30) }, () => words[Math.floor(random() * words.length)]).join(' ');
  return Array.from({ length: n }, () => {
    const user = text();
    const assistant = text();
    const userTokens = gpt.encode(user).length;
    return {
      user,
      assistant,
      tokens: userTokens + gpt.encode(assistant).length,
      ...(withUserTokens ? { userTokens } : {}),
      at: new Date('2026-03-10T10:00:00.000Z'),
    };
  });
}

async function render(section: ConversationHistory, messages: unknown[], tokenizer: Tokenizer, maxTokens: number) {
  const values = new Map<string, unknown>([[VARIABLE, messages]]);
  const memory: Memory = {
    getValue: <T>(path: string) => values.get(path) as T,
    setValue: (path, value) => void values.set(path, value),
    hasValue: (path) => values.has(path),
    deleteValue: (path) => void values.delete(path),
  };
  return section.renderAsMessages(context, memory, {} as never, tokenizer, maxTokens);
}

describe('The conversation history section with stored lengths', () => {
  it('lays out exactly as teams-ai’s section for any history, budget and section size, without tokenizing the history', async () => {
    const random = mulberry32(20261202);
    for (let run = 0; run < 200; run++) {
      const stored = exchanges(Math.floor(random() * 6), random);
      const maxTokens = Math.floor(random() * 400);
      const tokens = [-1, 0.5, 1, 60, 150][run % 5]!;
      const required = run % 3 !== 0;
      const theirs = await render(new ConversationHistory(VARIABLE, tokens, required), historyMessages(stored), gpt, maxTokens);
      const { tokenizer, encoded } = recording();
      const ours = await render(
        new StoredConversationHistory(VARIABLE, tokens, required),
        measuredHistoryMessages(stored),
        tokenizer,
        maxTokens,
      );
      expect(ours).toEqual(theirs);
      expect(encoded).toEqual([]);
    }
  });

  it('measures as teams-ai does when a message has no stored length (an older row, or one the planner added)', async () => {
    const random = mulberry32(7);
    const old = exchanges(3, random, false);
    const theirs = await render(new ConversationHistory(VARIABLE, -1, true), historyMessages(old), gpt, 80);
    const { tokenizer, encoded } = recording();
    const ours = await render(new StoredConversationHistory(VARIABLE, -1, true), measuredHistoryMessages(old), tokenizer, 80);
    expect(ours).toEqual(theirs);
    expect(encoded.length).toBeGreaterThan(0);

    const added = [...measuredHistoryMessages(exchanges(2, random)), { role: 'user', content: 'one more' }];
    const { tokenizer: second, encoded: seen } = recording();
    expect(await render(new StoredConversationHistory(VARIABLE, -1, true), added, second, 500)).toEqual(
      await render(new ConversationHistory(VARIABLE, -1, true), added.map((m) => ({ ...m })), gpt, 500),
    );
    expect(seen).toContain('one more');
  });

  it('swaps only the history section of the chat prompt, once per prompt', async () => {
    const prompts = new PromptManager({ promptsFolder: path.resolve(__dirname, '../../prompts') });
    const template = await prompts.getPrompt('chat');
    const swapped = promptWithStoredHistory(template);
    expect(promptWithStoredHistory(template)).toBe(swapped);
    const original = (template.prompt as unknown as { sections: unknown[] }).sections;
    const sections = (swapped as unknown as { sections: unknown[] }).sections;
    expect(sections).toHaveLength(original.length);
    sections.forEach((section, i) => {
      if (original[i] instanceof ConversationHistory) {
        expect(section).toBeInstanceOf(StoredConversationHistory);
        expect(section).toMatchObject({ variable: VARIABLE, tokens: original[i].tokens });
      } else expect(section).toBe(original[i]);
    });
    expect(sections.some((s) => s instanceof StoredConversationHistory)).toBe(true);
  });
});
