import type { ConfigProblems, Reader } from '../../config-reader';
import type { ModerationFailurePolicy, ModerationScope } from '../../domain/moderation';

interface ModerationCommon {
  /** `MODERATION_SCOPE`. @defaultValue `both` */
  scope: ModerationScope;
  /** `MODERATION_ON_ERROR`: what a turn does when the moderator cannot answer. @defaultValue `refuse` (fail closed) */
  onError: ModerationFailurePolicy;
  /** `MODERATION_TIMEOUT_MS`: one moderation call. @defaultValue 5000 */
  timeoutMs: number;
}

export type ModerationSettings =
  /** `MODERATION=off` (the default): nothing is checked. */
  | { kind: 'off' }
  | (ModerationCommon & {
      kind: 'openai';
      /**
       * `MODERATION_BASE_URL`, like `OPENAI_BASE_URL` (ends in `/v1`; `/moderations` is appended).
       * @defaultValue `OPENAI_BASE_URL` when set, else https://api.openai.com/v1
       */
      baseUrl: string;
      /** `MODERATION_API_KEY`. @defaultValue `OPENAI_API_KEY` */
      apiKey?: string;
      /** `MODERATION_MODEL`. @defaultValue `omni-moderation-latest` */
      model: string;
    })
  | (ModerationCommon & {
      kind: 'azure-content-safety';
      /** `MODERATION_BASE_URL`: the Content Safety resource (`https://<name>.cognitiveservices.azure.com`). */
      endpoint: string;
      /** `MODERATION_API_KEY` (sent as `Ocp-Apim-Subscription-Key`). */
      apiKey: string;
      /** `MODERATION_API_VERSION`. @defaultValue `2024-09-01` */
      apiVersion: string;
      /**
       * `MODERATION_SEVERITY`: a category at this severity or above flags the text (0, 2, 4, 6).
       * @defaultValue 4 (medium), as Azure OpenAI's default content filter
       */
      severityThreshold: number;
    });

const KINDS = ['off', 'openai', 'azure-content-safety'] as const;
const OPENAI_API = 'https://api.openai.com/v1';

/**
 * Moderation settings (README "Feedback, content reports and moderation"). Off unless `MODERATION` names a
 * moderator. URLs are https in production (plain http only on loopback, like the model's).
 */
export function loadModerationSettings(r: Reader, problems: ConfigProblems): ModerationSettings {
  const kind = r.oneOf('MODERATION', KINDS, 'off');
  if (kind === 'off') return { kind: 'off' };
  const common: ModerationCommon = {
    scope: r.oneOf<ModerationScope>('MODERATION_SCOPE', ['input', 'output', 'both'], 'both'),
    onError: r.oneOf<ModerationFailurePolicy>('MODERATION_ON_ERROR', ['refuse', 'allow'], 'refuse'),
    timeoutMs: r.int('MODERATION_TIMEOUT_MS', 5000, 100, 60_000),
  };
  const apiKey = r.str('MODERATION_API_KEY');
  if (kind === 'openai') {
    const modelBase = r.url('OPENAI_BASE_URL', undefined, { loopbackHttpOk: true });
    const key = apiKey ?? r.str('OPENAI_API_KEY');
    const baseUrl = r.url('MODERATION_BASE_URL', modelBase ?? OPENAI_API, { loopbackHttpOk: true })!;
    // OpenAI itself refuses calls without a key: every message would be refused (fail closed) or unchecked.
    if (!key && baseUrl === OPENAI_API)
      problems.add('MODERATION_API_KEY', 'set (or OPENAI_API_KEY) when MODERATION=openai uses api.openai.com');
    return {
      kind,
      ...common,
      baseUrl,
      ...(key ? { apiKey: key } : {}),
      model: r.str('MODERATION_MODEL', 'omni-moderation-latest')!,
    };
  }
  const endpoint = r.url('MODERATION_BASE_URL', undefined, { loopbackHttpOk: true });
  if (!endpoint) problems.add('MODERATION_BASE_URL', 'set to the Content Safety endpoint when MODERATION=azure-content-safety');
  if (!apiKey) problems.add('MODERATION_API_KEY', 'set (the Content Safety key) when MODERATION=azure-content-safety');
  const severity = r.int('MODERATION_SEVERITY', 4, 0, 7);
  return {
    kind,
    ...common,
    endpoint: endpoint ?? '',
    apiKey: apiKey ?? '',
    apiVersion: r.str('MODERATION_API_VERSION', '2024-09-01')!,
    severityThreshold: severity,
  };
}
