import type { TurnContext } from 'botbuilder';
import type { Memory, Message, PromptFunctions, PromptTemplate, Tokenizer } from '@microsoft/teams-ai';
import { turnHistoryOf, type TurnHistory } from '../history/conversation-memory';
import { productPromptOf } from './product-prompt';
import { measuredHistoryMessages } from './stored-history-section';

export type ChatRole = 'system' | 'user' | 'assistant';
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** Text of a teams-ai message whatever its content shape (string or text/image parts). */
export function messageText(message: Message<unknown> | undefined): string {
  const content = message?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: { type?: string; text?: string }) => (part?.type === 'text' && typeof part.text === 'string' ? part.text : ''))
      .join('');
  }
  return '';
}

/**
 * Renders the prompt template (system prompt + history + input) into plain chat messages, within `budget` tokens
 * (see completionBudget: the template's, or less when the turn's token ceiling binds). Returns `tooLong` when even
 * the required sections do not fit. The conversation's history comes from the store (src/bot/history/), read here,
 * once per turn, only when the template includes history and history is on: teams-ai keeps no state across turns.
 */
export async function renderChatMessages(
  context: TurnContext,
  memory: Memory,
  functions: PromptFunctions,
  tokenizer: Tokenizer,
  template: PromptTemplate,
  budget: number,
): Promise<{ tooLong: true; length: number } | { tooLong: false; messages: ChatMessage[]; input: Message<string> | undefined }> {
  const history = await loadHistory(context, memory, template);
  // With a stored history, the input's count is kept for the turn (remembering the exchange needs it).
  const measuring = history ? history.measuring(tokenizer) : tokenizer;
  const rendered = await productPromptOf(template).renderAsMessages(context, memory, functions, measuring, budget);
  if (rendered.tooLong) return { tooLong: true, length: rendered.length };
  const messages: ChatMessage[] = rendered.output
    .filter((m) => m.role === 'system' || m.role === 'user' || m.role === 'assistant')
    .map((m) => ({ role: m.role as ChatRole, content: messageText(m) }));
  const lastUser = [...rendered.output].reverse().find((m) => m.role === 'user');
  return { tooLong: false, messages, input: lastUser ? { role: 'user', content: messageText(lastUser) } : undefined };
}

/**
 * Puts the stored history where the template's history section reads it: `conversation.<prompt>_history`, the
 * variable teams-ai's ActionPlanner also appends the turn's exchange to. Set once per turn (a second completion of
 * the turn sees what the first one added).
 */
async function loadHistory(context: TurnContext, memory: Memory, template: PromptTemplate): Promise<TurnHistory | undefined> {
  const history = turnHistoryOf(context);
  if (!history || !template.config.completion.include_history) return undefined;
  const variable = `conversation.${template.name}_history`;
  if (!memory.hasValue(variable)) memory.setValue(variable, measuredHistoryMessages((await history.load()).exchanges));
  return history;
}
