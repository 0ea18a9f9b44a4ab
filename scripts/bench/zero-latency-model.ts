import type { TurnContext } from 'botbuilder';
import type { Memory, PromptCompletionModel, PromptFunctions, PromptTemplate, Tokenizer } from '@microsoft/teams-ai';
import type { PromptResponse } from '@microsoft/teams-ai/lib/types';
import { completionBudget } from '../../src/bot/models/completion-budget';
import { renderChatMessages } from '../../src/bot/models/render-chat-messages';
import { turnMeterOf } from '../../src/bot/turn-meter';

const REPLY = 'Here is a short answer from a model that takes no time at all.';

/**
 * The model for `bench:turns`: renders the prompt like the real OpenAI model does, then answers at once with a fixed
 * reply and usage figures the way the API's `usage` field gives them (the real model never tokenizes its reply
 * itself; the offline development model does, which would charge the enforced side for work production never does).
 */
export class ZeroLatencyModel implements PromptCompletionModel {
  async completePrompt(
    context: TurnContext,
    memory: Memory,
    functions: PromptFunctions,
    tokenizer: Tokenizer,
    template: PromptTemplate,
  ): Promise<PromptResponse<string>> {
    const budget = completionBudget(template.config.completion, turnMeterOf(context));
    const rendered = budget && (await renderChatMessages(context, memory, functions, tokenizer, template, budget.inputTokens));
    if (!rendered || rendered.tooLong) return { status: 'too_long', error: new Error('prompt too long') };
    const promptChars = rendered.messages.reduce((sum, m) => sum + m.content.length, 0);
    turnMeterOf(context)?.addCompletion({ promptTokens: Math.ceil(promptChars / 4), completionTokens: 14 }, REPLY);
    return { status: 'success', ...(rendered.input ? { input: rendered.input } : {}), message: { role: 'assistant', content: REPLY } };
  }
}
