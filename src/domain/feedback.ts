/**
 * 👍/👎 feedback on an AI answer, as Teams and the Agents Playground send it (the `message/submitAction` invoke
 * with `actionName: "feedback"`), and what makes one a content report. No SDK types: the bot maps the invoke here.
 */

export type FeedbackReaction = 'like' | 'dislike';

/** A user's feedback on one AI answer, once read from the invoke. */
export interface FeedbackInput {
  reaction: FeedbackReaction;
  /** What the user typed in the feedback form, trimmed; absent when they typed nothing. */
  comment?: string;
}

/** Longest comment kept (Teams' form allows far less; anything longer is cut, not refused). */
export const MAX_FEEDBACK_COMMENT_CHARS = 2000;

/**
 * Reads the invoke's `actionValue`: `{ reaction: "like" | "dislike", feedback }`, where `feedback` is a JSON string
 * in Teams (`{"feedbackText":"..."}`) and plain text in the Agents Playground; an object is taken as Teams' already
 * parsed. Undefined when the value is not feedback at all (no or unknown reaction): the caller ignores it politely.
 */
export function parseFeedback(actionValue: unknown): FeedbackInput | undefined {
  if (!actionValue || typeof actionValue !== 'object') return undefined;
  const { reaction, feedback } = actionValue as { reaction?: unknown; feedback?: unknown };
  if (reaction !== 'like' && reaction !== 'dislike') return undefined;
  const comment = commentOf(feedback);
  return comment ? { reaction, comment } : { reaction };
}

function commentOf(feedback: unknown): string | undefined {
  let text: unknown = feedback;
  if (typeof feedback === 'string') {
    const trimmed = feedback.trim();
    // Teams: a JSON object as a string. Anything else (the Playground's plain text, or "{not json") is the text itself.
    if (trimmed.startsWith('{')) {
      try {
        text = feedbackTextOf(JSON.parse(trimmed) as unknown) ?? trimmed;
      } catch {
        text = trimmed;
      }
    }
  } else if (feedback && typeof feedback === 'object') {
    text = feedbackTextOf(feedback);
  }
  if (typeof text !== 'string') return undefined;
  // Control characters (other than line breaks and tabs) have no place in a comment shown to operators.
   
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
  return clean ? Array.from(clean).slice(0, MAX_FEEDBACK_COMMENT_CHARS).join('') : undefined;
}

function feedbackTextOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const text = (value as { feedbackText?: unknown }).feedbackText;
  return typeof text === 'string' ? text : undefined;
}

/**
 * The key that makes a feedback one per user: the rated answer's id (`replyToId`), or the invoke's own id when the
 * client sends none (the Agents Playground does not), so a redelivered invoke is still recognised.
 */
export function feedbackKey(replyId: string | undefined, invokeId: string): string {
  return replyId ?? `invoke:${invokeId}`;
}

/** A 👎 with a comment is a content report: the publisher must be able to see and act on it (Teams Store rule). */
export function isContentReport(input: FeedbackInput): boolean {
  return input.reaction === 'dislike' && !!input.comment;
}
