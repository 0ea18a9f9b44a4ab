import { EventEmitter } from 'node:events';
import { DeliveryModes, type TurnContext } from 'botbuilder';
import type {
  Memory,
  PromptCompletionModel,
  PromptCompletionModelEmitter,
  PromptFunctions,
  PromptTemplate,
  Tokenizer,
} from '@microsoft/teams-ai';
import type { PromptResponse } from '@microsoft/teams-ai/lib/types';
import type OpenAI from 'openai';
import { streamsAnswer } from '../../domain/answer-streaming';
import { AppError, coerceError } from '../../domain/errors';
import { identityOf, localeOfActivity } from '../activity-facts';
import { translator } from '../../i18n/translator';
import type { Logger } from '../../logger';
import { turnDeadlineOf } from '../turn-deadline';
import { turnMeterOf, type TurnMeter } from '../turn-meter';
import { completionBudget } from './completion-budget';
import { renderChatMessages, type ChatMessage } from './render-chat-messages';

export interface OpenAIChatModelOptions {
  /** Model name (OpenAI, compatible servers) or deployment name (Azure OpenAI). */
  model: string;
  /** Used when the template does not say. */
  defaultMaxTokens: number;
  defaultTemperature: number;
  logger: Logger;
  /** Stream answers where Teams shows streams (src/domain/answer-streaming.ts). @defaultValue false */
  streaming?: boolean;
}

/** What one call sends, streamed or not. */
interface CompletionRequest {
  model: string;
  messages: ChatMessage[];
  max_tokens: number;
  temperature: number;
  top_p?: number;
}

/**
 * A teams-ai completion model over the official `openai` client (OpenAI, Azure OpenAI or any OpenAI-compatible
 * endpoint). Unlike teams-ai's OpenAIModel it keeps `completion.usage` and writes it to the turn meter, and it never
 * logs the prompt (message text is personal data).
 *
 * Streaming (README "Streaming"): in a personal chat under normal delivery the answer is streamed through `events`,
 * which teams-ai's LLMClient turns into a StreamingResponse (previews, then one final message with the AI label and
 * the feedback buttons the AI options ask for: LLMClient calls `setFeedbackLoop` from `enable_feedback_loop` and
 * `feedback_loop_type`, so the streamed answer carries the same 👍/👎 as an unstreamed one, with nothing to set here). Billing is the same as unstreamed: the tokens come from the stream's
 * last chunk (`stream_options.include_usage`), or are counted like a provider that omits them.
 */
export class OpenAIChatModel implements PromptCompletionModel {
  /** Shared by every turn: LLMClient subscribes per turn and ignores the events of other turns' contexts. */
  readonly events: PromptCompletionModelEmitter = new EventEmitter().setMaxListeners(0);

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
    const request: CompletionRequest = {
      model: this.options.model,
      messages: rendered.messages,
      max_tokens: budget.maxTokens,
      temperature: completionConfig.temperature ?? this.options.defaultTemperature,
      ...(completionConfig.top_p !== undefined ? { top_p: completionConfig.top_p } : {}),
    };
    if (this.streams(context, deadline)) {
      return this.completeStreamed(context, memory, functions, tokenizer, template, request, { deadline, meter, started, input: rendered.input });
    }
    try {
      const completion = await this.client.chat.completions.create(
        request,
        // A turn abandoned at its deadline stops waiting for (and paying for) its completion.
        deadline ? { signal: deadline } : undefined,
      );
      const content = completion.choices?.[0]?.message?.content ?? '';
      return this.answered(content, completion.usage, { tokenizer, request, meter, started, input: rendered.input });
    } catch (thrown) {
      return { status: 'error', ...inputOf(rendered.input), error: this.failed(thrown, meter, started) };
    }
  }

  /** Whether this turn's answer streams: the operator's switch and where Teams shows streams. */
  private streams(context: TurnContext, deadline: AbortSignal | undefined): boolean {
    const activity = context.activity;
    return streamsAnswer({
      enabled: this.options.streaming ?? false,
      channelId: activity.channelId,
      conversationType: identityOf(activity).conversationType,
      // The route gives a deadline to normally delivered turns only (src/bot/turn-deadline.ts).
      connectorDelivery: deadline !== undefined && activity.deliveryMode !== DeliveryModes.ExpectReplies,
    });
  }

  /**
   * Streams the completion to the user. The stream starts with the first piece of text, so a call that fails before
   * any gets the usual apology (and no empty streamed message). A call that breaks off later (the provider fails,
   * the connection drops, the turn reaches its deadline) is a failed model call, as unstreamed: not billed, and the
   * final message says the answer was interrupted and not counted.
   */
  private async completeStreamed(
    context: TurnContext,
    memory: Memory,
    functions: PromptFunctions,
    tokenizer: Tokenizer,
    template: PromptTemplate,
    request: CompletionRequest,
    turn: { deadline: AbortSignal | undefined; meter: TurnMeter | undefined; started: number; input: PromptResponse<string>['input'] },
  ): Promise<PromptResponse<string>> {
    let content = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let streaming = false;
    const emit = (text: string) => {
      if (!streaming) {
        streaming = true;
        this.events.emit('beforeCompletion', context, memory, functions, tokenizer, template, true);
      }
      this.events.emit('chunkReceived', context, memory, { delta: { role: 'assistant', content: text } });
    };
    try {
      const stream = await this.client.chat.completions.create(
        { ...request, stream: true, stream_options: { include_usage: true } },
        turn.deadline ? { signal: turn.deadline } : undefined,
      );
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        const text = chunk.choices?.[0]?.delta?.content;
        if (text) {
          content += text;
          emit(text);
        }
      }
      // The client ends a stream it aborted quietly, as if complete: a turn past its deadline has no answer.
      if (turn.deadline?.aborted) throw new AppError('ModelFailed', 'stream cancelled at the turn deadline');
    } catch (thrown) {
      const error = this.failed(thrown, turn.meter, turn.started);
      if (streaming) emit(`\n\n${translator(localeOfActivity(context.activity)).t('conversation.streamInterrupted')}`);
      return { status: 'error', ...inputOf(turn.input), error };
    }
    return this.answered(content, usage, { tokenizer, request, meter: turn.meter, started: turn.started, input: turn.input });
  }

  /** Bills what the provider counted (or, when it does not say, what our tokenizer counts) and returns the answer. */
  private answered(
    content: string,
    usage: OpenAI.CompletionUsage | null | undefined,
    turn: {
      tokenizer: Tokenizer;
      request: CompletionRequest;
      meter: TurnMeter | undefined;
      started: number;
      input: PromptResponse<string>['input'];
    },
  ): PromptResponse<string> {
    // Some compatible servers omit usage: count with the tokenizer rather than bill nothing.
    const promptTokens =
      usage?.prompt_tokens ?? turn.tokenizer.encode(turn.request.messages.map((m) => m.content).join('\n')).length;
    const completionTokens = usage?.completion_tokens ?? turn.tokenizer.encode(content).length;
    turn.meter?.addCompletion({ promptTokens, completionTokens }, content);
    this.options.logger.debug(
      { model: this.options.model, promptTokens, completionTokens, ms: Date.now() - turn.started },
      'model completion',
    );
    return { status: 'success', ...inputOf(turn.input), message: { role: 'assistant', content } };
  }

  private failed(thrown: unknown, meter: TurnMeter | undefined, started: number): AppError {
    const error = new AppError('ModelFailed', describeModelError(thrown), { cause: thrown, retryable: true });
    meter?.fail(error);
    this.options.logger.warn({ model: this.options.model, err: error, ms: Date.now() - started }, 'model call failed');
    return error;
  }
}

/** The response's `input`, when there is one (the field is optional, never `undefined`). */
function inputOf(input: PromptResponse<string>['input']): Pick<PromptResponse<string>, 'input'> {
  return input ? { input } : {};
}

/** A short, secret-free description of a client error for logs (status and code, never the request). */
function describeModelError(thrown: unknown): string {
  const e = thrown as { status?: number; code?: string; type?: string };
  const err = coerceError(thrown);
  const parts = [e.status ? `status ${e.status}` : undefined, e.code ?? e.type, err.name].filter(Boolean);
  return `model call failed (${parts.join(', ')})`;
}
