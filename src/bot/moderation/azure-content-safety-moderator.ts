import { AppError } from '../../domain/errors';
import type { ModerationVerdict, TextModerator } from '../../domain/moderation';
import { moderationFetch } from './moderation-fetch';

/** Content Safety analyses at most 10,000 characters a call: longer text is checked in parts. */
const MAX_CHARS_PER_CALL = 10_000;
const CATEGORIES = ['Hate', 'SelfHarm', 'Sexual', 'Violence'] as const;

/**
 * Azure AI Content Safety (`POST {endpoint}/contentsafety/text:analyze`): a category whose severity reaches the
 * threshold flags the text. The text is sent, never logged; a non-2xx answer or an unreadable body throws.
 */
export class AzureContentSafetyModerator implements TextModerator {
  readonly name = 'azure-content-safety';

  constructor(
    private readonly options: { endpoint: string; apiKey: string; apiVersion: string; severityThreshold: number; timeoutMs: number },
  ) {}

  async check(text: string, signal?: AbortSignal): Promise<ModerationVerdict> {
    const flagged = new Set<string>();
    for (let start = 0; start < text.length; start += MAX_CHARS_PER_CALL) {
      for (const category of await this.analyze(text.slice(start, start + MAX_CHARS_PER_CALL), signal)) flagged.add(category);
    }
    return { flagged: flagged.size > 0, categories: [...flagged] };
  }

  private async analyze(text: string, signal?: AbortSignal): Promise<string[]> {
    const url = `${this.options.endpoint}/contentsafety/text:analyze?api-version=${encodeURIComponent(this.options.apiVersion)}`;
    const body = await moderationFetch(
      url,
      { 'ocp-apim-subscription-key': this.options.apiKey },
      { text, categories: CATEGORIES, outputType: 'FourSeverityLevels' },
      { timeoutMs: this.options.timeoutMs, ...(signal ? { signal } : {}) },
    );
    const analysis = (body as { categoriesAnalysis?: unknown }).categoriesAnalysis;
    if (!Array.isArray(analysis)) throw new AppError('UpstreamFailed', 'Content Safety answer without categoriesAnalysis');
    return analysis
      .filter((a): a is { category: string; severity: number } => {
        const c = a as { category?: unknown; severity?: unknown } | null;
        return typeof c?.category === 'string' && typeof c.severity === 'number';
      })
      .filter((a) => a.severity >= this.options.severityThreshold)
      .map((a) => a.category.toLowerCase());
  }
}
