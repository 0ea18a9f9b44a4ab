/**
 * Moderation of what users send and what the model answers, through a configurable moderator (OpenAI's moderation
 * endpoint or Azure AI Content Safety). The rules, free of SDK types: what is checked, and what a failed check
 * means. The adapters live in src/bot/moderation/.
 */

/** Which side of a turn is checked. */
export type ModerationScope = 'input' | 'output' | 'both';

/**
 * What a turn does when the moderator cannot answer (down, timeout, bad answer): `refuse` (fail closed: the message
 * is refused, or the answer withheld, politely and unbilled) or `allow` (fail open: the turn goes on unchecked, and
 * a warning is logged).
 */
export type ModerationFailurePolicy = 'refuse' | 'allow';

export interface ModerationVerdict {
  flagged: boolean;
  /** The categories that flagged the text (e.g. `hate`, `violence`): logged, never the text itself. */
  categories: readonly string[];
}

/** The port every moderator adapter implements. Throws when it cannot give a verdict. */
export interface TextModerator {
  readonly name: string;
  check(text: string, signal?: AbortSignal): Promise<ModerationVerdict>;
}

export type ModerationOutcome =
  | { kind: 'allowed' }
  /** The moderator could not answer and the policy is to go on: the caller logs it. */
  | { kind: 'unchecked'; error: Error }
  | { kind: 'flagged'; categories: readonly string[] }
  /** The moderator could not answer and the policy is to refuse. */
  | { kind: 'unavailable'; error: Error };

export function moderates(scope: ModerationScope, side: 'input' | 'output'): boolean {
  return scope === 'both' || scope === side;
}

/** One check, with the failure policy applied. Empty text is allowed without a call. */
export async function reviewText(
  moderator: TextModerator,
  text: string,
  onError: ModerationFailurePolicy,
  signal?: AbortSignal,
): Promise<ModerationOutcome> {
  if (!text.trim()) return { kind: 'allowed' };
  try {
    const verdict = await moderator.check(text, signal);
    return verdict.flagged ? { kind: 'flagged', categories: verdict.categories } : { kind: 'allowed' };
  } catch (thrown) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    return onError === 'refuse' ? { kind: 'unavailable', error } : { kind: 'unchecked', error };
  }
}
