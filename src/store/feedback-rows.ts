import type { FeedbackReaction } from '../domain/feedback';
import type { ReportPage, StoredFeedback } from './feedback-repo';
import { asDate, type Flag, type Time } from './row-mapping';

/**
 * Rows of ai_feedback (same names in both stores) mapped to the port's types, once for both stores (SQLite gives
 * epoch milliseconds and 0/1, Azure SQL `Date`s, booleans and bigint identities as strings).
 */
export interface FeedbackRow {
  id: number | string;
  tenant_id: string;
  user_id: string;
  feedback_key: string;
  reply_id: string | null;
  subscription_id: string | null;
  conversation_id: string | null;
  reaction: string;
  comment: string | null;
  message_text: string | null;
  is_report: Flag;
  created_at: Time;
}

export function toStoredFeedback(r: FeedbackRow): StoredFeedback {
  return {
    id: Number(r.id),
    tenantId: r.tenant_id,
    userId: r.user_id,
    key: r.feedback_key,
    ...(r.reply_id !== null ? { replyId: r.reply_id } : {}),
    ...(r.subscription_id !== null ? { subscriptionId: r.subscription_id } : {}),
    ...(r.conversation_id !== null ? { conversationId: r.conversation_id } : {}),
    reaction: r.reaction as FeedbackReaction,
    ...(r.comment !== null ? { comment: r.comment } : {}),
    ...(r.message_text !== null ? { messageText: r.message_text } : {}),
    isReport: Boolean(r.is_report),
    createdAt: asDate(r.created_at),
  };
}

/**
 * A page of reports from rows read newest first, one more than the page (`limit + 1`): that extra row says whether
 * there is a next page, without a count.
 */
export function toReportPage(rows: readonly FeedbackRow[], limit: number): ReportPage {
  const reports = rows.slice(0, limit).map(toStoredFeedback);
  const last = reports[reports.length - 1];
  return rows.length > limit && last ? { reports, nextBefore: last.id } : { reports };
}
