import { AppError } from '../../domain/errors';
import type { ModerationVerdict, TextModerator } from '../../domain/moderation';
import { moderationFetch } from './moderation-fetch';

/**
 * OpenAI's moderation endpoint (`POST {baseUrl}/moderations`), or any compatible server. The text is sent, never
 * logged; a non-2xx answer or an unreadable body throws (the failure policy decides what the turn does).
 */
export class OpenAIModerator implements TextModerator {
  readonly name = 'openai';

  constructor(private readonly options: { baseUrl: string; apiKey?: string; model: string; timeoutMs: number }) {}

  async check(text: string, signal?: AbortSignal): Promise<ModerationVerdict> {
    const body = await moderationFetch(
      `${this.options.baseUrl}/moderations`,
      {
        ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
      },
      { model: this.options.model, input: text },
      { timeoutMs: this.options.timeoutMs, ...(signal ? { signal } : {}) },
    );
    const result = (body as { results?: unknown }).results;
    const first = Array.isArray(result) ? (result[0] as { flagged?: unknown; categories?: unknown } | undefined) : undefined;
    if (!first || typeof first.flagged !== 'boolean') throw new AppError('UpstreamFailed', 'moderation answer without a verdict');
    const categories =
      first.categories && typeof first.categories === 'object'
        ? Object.entries(first.categories as Record<string, unknown>)
            .filter(([, on]) => on === true)
            .map(([name]) => name)
        : [];
    return { flagged: first.flagged, categories };
  }
}
