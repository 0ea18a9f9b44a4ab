import type { ConfigProblems, Reader } from '../../config-reader';

const DAY_MS = 86_400_000;
const DEFAULT_RETENTION_DAYS = 365;
const DEFAULT_TEXT_RETENTION_DAYS = 30;

export interface FeedbackSettings {
  /** `FEEDBACK_RETENTION_DAYS`: feedback and content reports are deleted after this. @defaultValue 365 days */
  retentionMs: number;
  /**
   * `FEEDBACK_TEXT_RETENTION_DAYS`: the rated answer's text (kept only with `STORE_MESSAGE_TEXT=true`) is cleared
   * after this; the reaction and the comment stay. @defaultValue 30 days
   */
  textRetentionMs: number;
}

/** Retention of 👍/👎 feedback (README "Feedback, content reports and moderation"). */
export function loadFeedbackSettings(r: Reader, problems: ConfigProblems): FeedbackSettings {
  const days = r.int('FEEDBACK_RETENTION_DAYS', DEFAULT_RETENTION_DAYS, 1, 3650);
  const textDays = r.int('FEEDBACK_TEXT_RETENTION_DAYS', DEFAULT_TEXT_RETENTION_DAYS, 1, 3650);
  if (textDays > days)
    problems.add('FEEDBACK_TEXT_RETENTION_DAYS', `at most FEEDBACK_RETENTION_DAYS (${days})`, String(textDays));
  return { retentionMs: days * DAY_MS, textRetentionMs: Math.min(textDays, days) * DAY_MS };
}

/** The defaults, for code built without a loaded configuration. */
export const DEFAULT_FEEDBACK_SETTINGS: Readonly<FeedbackSettings> = {
  retentionMs: DEFAULT_RETENTION_DAYS * DAY_MS,
  textRetentionMs: DEFAULT_TEXT_RETENTION_DAYS * DAY_MS,
};
