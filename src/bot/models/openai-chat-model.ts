import type { TurnContext } from 'botbuilder';
import type { Memory, PromptCompletionModel, PromptFunctions, PromptTemplate, Tokenizer } from '@microsoft/teams-ai';
import type { PromptResponse } from '@microsoft/teams-ai/lib/types';
import type OpenAI from 'openai';
import { AppError, coerceError } from '../../domain/errors';
import type { Logger } from '../../logger';
import { turnDeadlineOf } from '../turn-deadline';
import { turnMeterOf } from '../turn-meter';
import { completionBudget } from './completion-budget';
import { renderChatMessages } from './render-chat-messages';

export interface OpenAIChatModelOptions {
  /** Model name (OpenAI, compatible servers) or deployment name (Azure OpenAI). */
  model: string;
  /** Used when the template does not say. */
  defaultMaxTokens: number;
  defaultTemperature: number;
  logger: Logger;
}

/**
 * A teams-ai completion model over the official `openai` client (OpenAI, Azure OpenAI or any OpenAI-compatible
 * endpoint). Unlike teams-ai's OpenAIModel it keeps `completion.usage` and writes it to the turn meter, and it never
 * logs the prompt (message text is personal data).
 */
export class OpenAIChatModel implements PromptCompletionModel {
  constructor(
    private readonly client: OpenAI,
    private readonly options: OpenAIChatModelOptions,
  ) {}

  async completePrompt(
    context: TurnContext,
    memory: Memory,
    functions: PromptFunctions,
    tokenizer: Tokenizer,
    template: PromptTemplate,
  ): Promise<PromptResponse<string>> {
    const meter = turnMeterOf(context);
    const completionConfig = template.config.completion;
    const budget = completionBudget(
      {
        max_input_tokens: completionConfig.max_input_tokens,
        max_tokens: completionConfig.max_tokens ?? this.options.defaultMaxTokens,
      },
      meter,
    );
    if (!budget) {
      const error = new AppError('BadRequest', 'The turn has used its token ceiling');
      meter?.fail(error);
      return { status: 'too_long', error };
    }
    const rendered = await renderChatMessages(context, memory, functions, tokenizer, template, budget.inputTokens);
    if (rendered.tooLong) {
      const error = new AppError('BadRequest', `The prompt needs ${rendered.length} tokens, over its budget`);
      meter?.fail(error);
      return { status: 'too_long', error };
    }
    const started = Date.now();
    const deadline = turnDeadlineOf(context);
    try {
      const completion = await this.client.chat.completions.create(
        {
          model: this.options.model,
          messages: rendered.messages,
          max_tokens: budget.maxTokens,
          temperature: completionConfig.temperature ?? this.options.defaultTemperature,
          ...(completionConfig.top_p !== undefined ? { top_p: completionConfig.top_p } : {}),
        },
        // A turn abandoned at its deadline stops waiting for (and paying for) its completion.
        deadline ? { signal: deadline } : undefined,
      );
      const content = completion.choices?.[0]?.message?.content ?? '';
      // Some compatible servers omit usage: count with the tokenizer rather than bill nothing.
      const promptTokens =
        completion.usage?.prompt_tokens ?? tokenizer.encode(rendered.messages.map((m) => m.content).join('\n')).length;
      const completionTokens = completion.usage?.completion_tokens ?? tokenizer.encode(content).length;
      meter?.addCompletion({ promptTokens, completionTokens }, content);
      this.options.logger.debug(
        { model: this.options.model, promptTokens, completionTokens, ms: Date.now() - started },
        'model completion',
      );
      return { status: 'success', input: rendered.input, message: { role: 'assistant', content } };
    } catch (thrown) {
      const error = new AppError('ModelFailed', describeModelError(thrown), { cause: thrown, retryable: true });
      meter?.fail(error);
      this.options.logger.warn({ model: this.options.model, err: error, ms: Date.now() - started }, 'model call failed');
      return { status: 'error', input: rendered.input, error };
    }
  }
}

/** A short, secret-free description of a client error for logs (status and code, never the request). */
function describeModelError(thrown: unknown): string {
  const e = thrown as { status?: number; code?: string; type?: string };
  const err = coerceError(thrown);
  const parts = [e.status ? `status ${e.status}` : undefined, e.code ?? e.type, err.name].filter(Boolean);
  return `model call failed (${parts.join(', ')})`;
}
