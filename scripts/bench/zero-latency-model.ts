import type { TurnContext } from 'botbuilder';
import type { Memory, Message, PromptCompletionModel, PromptFunctions, PromptTemplate, Tokenizer } from '@microsoft/teams-ai';
import type { PromptResponse } from '@microsoft/teams-ai/lib/types';
import { completionBudget } from '../../src/bot/models/completion-budget';
import { messageText, renderChatMessages } from '../../src/bot/models/render-chat-messages';
import { turnMeterOf } from '../../src/bot/turn-meter';

const REPLY = 'Here is a short answer from a model that takes no time at all.';

/**
 * The model for `bench:turns`: renders the prompt, then answers at once with a fixed reply and usage figures the way
 * the API's `usage` field gives them (the real model never tokenizes its reply itself; the offline development model
 * does, which would charge the enforced side for work production never does).
 *
 * The bot's model renders as the product's OpenAI model does (renderChatMessages); with `plainTeamsAi` (the bare
 * app) it renders the template's prompt directly, as teams-ai's own OpenAIModel does.
 */
export class ZeroLatencyModel implements PromptCompletionModel {
  constructor(private readonly options: { plainTeamsAi?: boolean } = {}) {}

  async completePrompt(
    context: TurnContext,
    memory: Memory,
    functions: PromptFunctions,
    tokenizer: Tokenizer,
    template: PromptTemplate,
  ): Promise<PromptResponse<string>> {
    const budget = completionBudget(template.config.completion, turnMeterOf(context));
    if (!budget) return { status: 'too_long', error: new Error('prompt too long') };
    let messages: { role: string; content: string }[];
    let input: Message<string> | undefined;
    if (this.options.plainTeamsAi) {
      const rendered = await template.prompt.renderAsMessages(context, memory, functions, tokenizer, budget.inputTokens);
      if (rendered.tooLong) return { status: 'too_long', error: new Error('prompt too long') };
      messages = rendered.output.map((m) => ({ role: m.role, content: messageText(m) }));
      const lastUser = messages.findLast((m) => m.role === 'user');
      input = lastUser ? { role: 'user', content: lastUser.content } : undefined;
    } else {
      const rendered = await renderChatMessages(context, memory, functions, tokenizer, template, budget.inputTokens);
      if (rendered.tooLong) return { status: 'too_long', error: new Error('prompt too long') };
      ({ messages, input } = rendered);
    }
    const promptChars = messages.reduce((sum, m) => sum + m.content.length, 0);
    turnMeterOf(context)?.addCompletion({ promptTokens: Math.ceil(promptChars / 4), completionTokens: 14 }, REPLY);
    return { status: 'success', ...(input ? { input } : {}), message: { role: 'assistant', content: REPLY } };
  }
}
