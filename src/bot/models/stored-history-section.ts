import type { TurnContext } from 'botbuilder';
import {
  ConversationHistory,
  type Memory,
  type Message,
  type PromptFunctions,
  type RenderedPromptSection,
  type Tokenizer,
} from '@microsoft/teams-ai';
import { historyMessages, type HistoryExchange } from '../../domain/conversation-history';

/**
 * Token lengths of the messages of a history built from stored exchanges (measured once, when each exchange was
 * written), per message list: one entry per turn.
 */
const knownLengths = new WeakMap<readonly object[], { messages: readonly object[]; lengths: readonly number[] }>();

/**
 * The chat messages of a stored history (oldest first), each carrying the token length stored with its exchange, so
 * that rendering the prompt does not tokenize the whole history again at every turn. A history with an exchange
 * written before the user's share was kept has no known lengths: it is measured as teams-ai measures it.
 */
export function measuredHistoryMessages(exchanges: readonly HistoryExchange[]): Message<string>[] {
  const messages = historyMessages(exchanges);
  if (exchanges.every((exchange) => exchange.userTokens !== undefined))
    knownLengths.set(messages, {
      messages: [...messages],
      lengths: exchanges.flatMap((exchange) => [exchange.userTokens!, exchange.tokens - exchange.userTokens!]),
    });
  return messages;
}

/**
 * teams-ai's ConversationHistory section with the same layout (newest messages first while they fit the section's
 * budget, the newest always when required), taking each message's length from the store instead of the tokenizer.
 * When the lengths are not known (a row from before, or a list the planner changed during the turn), the section
 * renders exactly as teams-ai's does.
 */
export class StoredConversationHistory extends ConversationHistory {
  override async renderAsMessages(
    context: TurnContext,
    memory: Memory,
    functions: PromptFunctions,
    tokenizer: Tokenizer,
    maxTokens: number,
  ): Promise<RenderedPromptSection<Message[]>> {
    const history = memory.getValue<Message[] | undefined>(this.variable) ?? [];
    // Only while the list is as it was built from the store: the planner adds to it (and trims it) in place when a
    // turn makes a second completion.
    const known = knownLengths.get(history);
    const unchanged = known?.messages.length === history.length && known.messages.every((m, i) => m === history[i]);
    if (history.length > 0 && !unchanged) return super.renderAsMessages(context, memory, functions, tokenizer, maxTokens);
    let tokens = 0;
    const budget = this.getTokenBudget(maxTokens);
    const messages: Message[] = [];
    for (let i = history.length - 1; i >= 0; i--) {
      const message = history[i]!;
      const length = known!.lengths[i]!;
      if (messages.length === 0 && this.required) {
        tokens += length;
        messages.unshift({ ...message });
        continue;
      }
      if (tokens + length > budget) break;
      tokens += length;
      messages.unshift({ ...message });
    }
    return { output: messages, length: tokens, tooLong: tokens > maxTokens };
  }
}
