import type { TurnContext } from 'botbuilder';
import type { Memory, PromptCompletionModel, PromptFunctions, PromptTemplate, Tokenizer } from '@microsoft/teams-ai';
import type { PromptResponse } from '@microsoft/teams-ai/lib/types';
import { turnMeterOf } from '../turn-meter';
import { completionBudget } from './completion-budget';
import { renderChatMessages } from './render-chat-messages';

export const OFFLINE_REPLY_LABEL = '[Offline demo model]';

/**
 * Development only: answers instantly with a clearly labelled canned reply and real token counts (from the
 * tokenizer), so the whole flow (gate, quota, usage, metering) works with no model key.
 */
export class OfflineModel implements PromptCompletionModel {
  async completePrompt(
    context: TurnContext,
    memory: Memory,
    functions: PromptFunctions,
    tokenizer: Tokenizer,
    template: PromptTemplate,
  ): Promise<PromptResponse<string>> {
    const meter = turnMeterOf(context);
    const budget = completionBudget(template.config.completion, meter);
    const rendered = budget && (await renderChatMessages(context, memory, functions, tokenizer, template, budget.inputTokens));
    if (!rendered || rendered.tooLong) {
      const error = new Error('prompt too long');
      meter?.fail(error);
      return { status: 'too_long', error };
    }
    const input = rendered.input?.content ?? '';
    const content =
      `${OFFLINE_REPLY_LABEL} No AI model is configured, so this is a canned reply. ` +
      `I received your message (${input.length} characters). ` +
      'Set OPENAI_API_KEY, OPENAI_BASE_URL or AZURE_OPENAI_ENDPOINT to get real answers.';
    const promptTokens = tokenizer.encode(rendered.messages.map((m) => m.content).join('\n')).length;
    meter?.addCompletion({ promptTokens, completionTokens: tokenizer.encode(content).length }, content);
    return { status: 'success', ...(rendered.input ? { input: rendered.input } : {}), message: { role: 'assistant', content } };
  }
}
