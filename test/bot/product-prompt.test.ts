import path from 'node:path';
import type { TurnContext } from 'botbuilder';
import { ConversationHistory, GPTTokenizer, GroupSection, PromptManager, TemplateSection, UserMessage, type Memory, type PromptSection, type Tokenizer } from '@microsoft/teams-ai';
import { describe, expect, it } from 'vitest';
import { historyMessages, type HistoryExchange } from '../../src/domain/conversation-history';
import { mulberry32 } from '../../src/domain/seeded-random';
import { ConstantSection, isConstantSection } from '../../src/bot/models/constant-section';
import { productPromptOf } from '../../src/bot/models/product-prompt';
import { StoredConversationHistory, measuredHistoryMessages } from '../../src/bot/models/stored-history-section';

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

/** A plain Memory holding the history variable. */
function memoryWith(messages: unknown[]): Memory {
  const values = new Map<string, unknown>([[VARIABLE, messages]]);
  return {
    getValue: <T>(path: string) => values.get(path) as T,
    setValue: (path, value) => void values.set(path, value),
    hasValue: (path) => values.has(path),
    deleteValue: (path) => void values.delete(path),
  };
}

async function render(section: ConversationHistory, messages: unknown[], tokenizer: Tokenizer, maxTokens: number) {
  return section.renderAsMessages(context, memoryWith(messages), {} as never, tokenizer, maxTokens);
}

describe('The product prompt: stored history lengths and a system prompt measured once', () => {
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

    // The planner's in-place update of the list on a second completion (push the exchange, trim the oldest): same
    // length, other messages. Measured, not taken from the store.
    const list = measuredHistoryMessages(exchanges(5, random));
    list.push({ role: 'user', content: 'a much longer question than any before it, with many many words in it' }, { role: 'assistant', content: 'ok' });
    list.splice(0, 2);
    const { tokenizer: third, encoded: measured } = recording();
    expect(await render(new StoredConversationHistory(VARIABLE, 0.5, true), list, third, 120)).toEqual(
      await render(new ConversationHistory(VARIABLE, 0.5, true), list.map((m) => ({ ...m })), gpt, 120),
    );
    expect(measured.length).toBeGreaterThan(0);
  });

  it('the product prompt: the chat prompt’s sections in the same order and sizes, history and system prompt swapped, built once', async () => {
    const prompts = new PromptManager({ promptsFolder: path.resolve(__dirname, '../../prompts') });
    const template = await prompts.getPrompt('chat');
    const product = productPromptOf(template);
    expect(productPromptOf(template)).toBe(product);
    const original = (template.prompt as unknown as { sections: PromptSection[] }).sections;
    const sections = (product as unknown as { sections: PromptSection[] }).sections;
    expect(sections.map((s) => [s.tokens, s.required])).toEqual(original.map((s) => [s.tokens, s.required]));
    expect(sections.map((s) => s.constructor.name)).toEqual(['ConstantSection', 'StoredConversationHistory', 'UserMessage']);
    expect(sections[2]).toBe(original[2]);
    // Rendered for a turn, it gives what teams-ai's prompt gives.
    const history = exchanges(3, mulberry32(3));
    const theirsMemory = memoryWith(historyMessages(history));
    const oursMemory = memoryWith(measuredHistoryMessages(history));
    for (const memory of [theirsMemory, oursMemory]) memory.setValue('temp.input', 'And what about tomorrow?');
    const theirs = await template.prompt.renderAsMessages(context, theirsMemory, prompts, gpt, 6000);
    for (let turn = 0; turn < 2; turn++) expect(await product.renderAsMessages(context, oursMemory, prompts, gpt, 6000)).toEqual(theirs);
    expect(theirs.output.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user']);
  });

  it('measures a system prompt without variables once per budget, as messages and as text, as teams-ai renders it', async () => {
    const text = 'You are a helpful assistant. Answer briefly and say when you are not sure.';
    for (const maxTokens of [1000, 5]) {
      const group = () => new GroupSection([new TemplateSection(text, 'system'), new TemplateSection('Be kind.', 'system')], 'system');
      const theirs = await group().renderAsMessages(context, memoryWith([]), {} as never, gpt, maxTokens);
      const theirsText = await group().renderAsText(context, memoryWith([]), {} as never, gpt, maxTokens);
      const section = new ConstantSection(group());
      const { tokenizer, encoded } = recording();
      for (let turn = 0; turn < 3; turn++) {
        expect(await section.renderAsMessages(context, memoryWith([]), {} as never, tokenizer, maxTokens)).toEqual(theirs);
        expect(await section.renderAsText(context, memoryWith([]), {} as never, tokenizer, maxTokens)).toEqual(theirsText);
      }
      expect(encoded.filter((t) => t === text)).toHaveLength(2);
    }
  });

  it('keeps sections that depend on the turn as they are', () => {
    expect(isConstantSection(new TemplateSection('Today is {{$temp.day}}.', 'system'))).toBe(false);
    expect(isConstantSection(new GroupSection([new TemplateSection('Fixed.', 'system'), new UserMessage('{{$temp.input}}')]))).toBe(false);
    expect(isConstantSection(new UserMessage('Fixed text, but the user’s role'))).toBe(false);
    expect(isConstantSection(new GroupSection([new TemplateSection('Fixed.', 'system')]))).toBe(true);
  });
});
