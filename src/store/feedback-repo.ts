import type { FeedbackReaction } from '../domain/feedback';

/** One 👍/👎 on an AI answer, as stored (see FeedbackRepo). */
export interface FeedbackRecord {
  tenantId: string;
  /** The user's Entra object id (never `from.id`). */
  userId: string;
  /**
   * What makes this feedback one per user: the rated answer's id, or, when the client sends none (the Agents
   * Playground), the invoke's own id, so that a redelivery is still recognised (`feedbackKey`, src/domain/feedback.ts).
   */
  key: string;
  /** The id of the AI answer the feedback is about (the invoke's `replyToId`), when the client sent it. */
  replyId?: string;
  /** The tenant's subscription when the feedback arrived, if it had one: reports can be listed per subscription. */
  subscriptionId?: string;
  conversationId?: string;
  reaction: FeedbackReaction;
  comment?: string;
  /**
   * The text of the answer rated, only with `STORE_MESSAGE_TEXT=true` (personal data), and cleared after the text
   * retention (`FEEDBACK_TEXT_RETENTION_DAYS`).
   */
  messageText?: string;
  /** A 👎 with a comment: listed for the operators. */
  isReport: boolean;
  createdAt: Date;
}

/** A stored feedback, with the id that orders and pages them (newest first). */
export interface StoredFeedback extends FeedbackRecord {
  id: number;
}

export interface ReportQuery {
  tenantId?: string;
  subscriptionId?: string;
  /** Page size. @defaultValue 20, at most 100 */
  limit?: number;
  /** Paging: only reports older than this one (the `nextBefore` of the previous page). */
  before?: number;
}

export interface ReportPage {
  /** Newest first. */
  reports: StoredFeedback[];
  /** Pass as `before` for the next page; absent on the last page. */
  nextBefore?: number;
}

export const DEFAULT_REPORT_PAGE = 20;
export const MAX_REPORT_PAGE = 100;

/** The page size a query asks for, within 1..MAX_REPORT_PAGE. */
export function reportPageSize(query: ReportQuery): number {
  const n = query.limit ?? DEFAULT_REPORT_PAGE;
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_REPORT_PAGE) : DEFAULT_REPORT_PAGE;
}

/**
 * 👍/👎 feedback on AI answers and the content reports among them (a 👎 with a comment). One row per (tenant, key,
 * user): Teams may deliver the same invoke again, and the first one stands.
 */
export interface FeedbackRepo {
  /** `duplicate` when this user already gave feedback on this answer: nothing is written. */
  record(feedback: FeedbackRecord): Promise<'recorded' | 'duplicate'>;
  /** Content reports, newest first, optionally of one tenant or subscription, a page at a time. */
  listReports(query?: ReportQuery): Promise<ReportPage>;
  /**
   * Retention: clears the message text of feedback older than `textBefore` and deletes feedback older than
   * `rowsBefore`. Returns how many rows were changed and deleted.
   */
  purge(cutoffs: { textBefore: Date; rowsBefore: Date }): Promise<{ textCleared: number; deleted: number }>;
}
