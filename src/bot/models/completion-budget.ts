import fs from 'node:fs';
import path from 'node:path';
import type { TurnMeter } from '../turn-meter';

/** A template that does not say how many tokens its prompt may take (teams-ai's own default). */
export const DEFAULT_MAX_INPUT_TOKENS = 2048;
/** A template that does not say how many tokens its answer may take. */
export const DEFAULT_MAX_TOKENS = 800;
/**
 * Share of a binding ceiling kept free for what our tokenizer does not see: the provider counts a few tokens per
 * chat message for its format, and its tokenizer is not always ours. A turn that still goes over is billed at its
 * ceiling (settleTurn), so this only makes that rarer.
 */
const PROVIDER_OVERHEAD = 0.05;

export interface CompletionBudget {
  /** Tokens the rendered prompt (system, history, input) may take: history is cut to fit. */
  inputTokens: number;
  /** `max_tokens` of the call. */
  maxTokens: number;
}

/** The `completion` part of a prompt template's config.json, as far as token budgets go. */
export interface CompletionLimits {
  max_input_tokens?: number;
  max_tokens?: number;
}

/**
 * The budget of one completion: the template's, unless the turn's token ceiling (minus what its earlier completions
 * used) is smaller; then the prompt is cut first and the answer keeps its room, up to half of what is left.
 * `undefined` when nothing is left.
 */
export function completionBudget(limits: CompletionLimits, meter: TurnMeter | undefined): CompletionBudget | undefined {
  const inputTokens = limits.max_input_tokens ?? DEFAULT_MAX_INPUT_TOKENS;
  const maxTokens = limits.max_tokens ?? DEFAULT_MAX_TOKENS;
  const left = meter ? meter.tokensLeft : Infinity;
  if (inputTokens + maxTokens <= left) return { inputTokens, maxTokens };
  const output = Math.min(maxTokens, Math.floor(left / 2));
  const input = Math.floor(left * (1 - PROVIDER_OVERHEAD)) - output;
  return output > 0 && input > 0 ? { inputTokens: input, maxTokens: output } : undefined;
}

/**
 * The most tokens one turn can use with the given prompt: its input budget plus its max output tokens, read from
 * `<promptsDir>/<prompt>/config.json` at start. The gate sizes quota holds on it; the models are held to it.
 */
export function maxTurnTokens(promptsDir: string, prompt = 'chat'): number {
  const file = path.join(promptsDir, prompt, 'config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { completion?: CompletionLimits };
  const limits = config.completion ?? {};
  return (limits.max_input_tokens ?? DEFAULT_MAX_INPUT_TOKENS) + (limits.max_tokens ?? DEFAULT_MAX_TOKENS);
}
