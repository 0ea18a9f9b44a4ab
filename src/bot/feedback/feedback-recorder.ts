import { createHash } from 'node:crypto';
import type { Clock } from '../../domain/clock';
import { pickTenantSubscription } from '../../domain/entitlement';
import { feedbackKey, isContentReport, parseFeedback } from '../../domain/feedback';
import type { TurnIdentity } from '../../domain/identity';
import type { Logger } from '../../logger';
import type { FeedbackRecord } from '../../store/feedback-repo';
import type { Store } from '../../store/store';
import type { RecentAnswers } from './recent-answers';

/** A content report just stored: what an operator alert needs (the comment is the user's words: personal data). */
export type ContentReport = FeedbackRecord & {
  comment: string;
  /**
   * A stable, opaque id of this report (a hash of tenant, user and key: no personal data), e.g. to deduplicate an
   * alert about it.
   */
  reportId: string;
};

/**
 * Called once per new content report (never for a redelivered one), after it is stored. Runs after the invoke is
 * answered; what it throws is logged and goes no further.
 */
export type ContentReportListener = (report: ContentReport) => void | Promise<void>;

export type FeedbackOutcome =
  | 'recorded'
  /** This user already rated this answer: the first feedback stands. */
  | 'duplicate'
  /** Not feedback we can keep (no reaction, no tenant, user or invoke id): answered 200 all the same. */
  | 'ignored';

/**
 * Stores the 👍/👎 of Teams' feedback loop, SDK-free: the bot hands it who sent it, the answer's id (`replyToId`)
 * and the invoke's `actionValue`. The rated answer's text is kept only with `STORE_MESSAGE_TEXT=true`.
 */
export class FeedbackRecorder {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      logger: Logger;
      storeMessageText: boolean;
      /** Texts of this instance's recent answers (filled only when message text is stored). */
      recentAnswers?: RecentAnswers;
      /** The seam for operator alerts: see ContentReportListener. */
      onContentReport?: ContentReportListener;
    },
  ) {}

  async record(input: { identity: TurnIdentity; replyId: string | undefined; actionValue: unknown }): Promise<FeedbackOutcome> {
    const { identity, replyId } = input;
    const ids = { tenantId: identity.tenantId, userId: identity.userId, replyId };
    const feedback = parseFeedback(input.actionValue);
    if (!feedback || !identity.tenantId || !identity.userId || !identity.activityId) {
      this.deps.logger.info({ ...ids, reason: !feedback ? 'no reaction' : 'no tenant, user or invoke id' }, 'feedback ignored');
      return 'ignored';
    }
    const subscription = pickTenantSubscription(await this.deps.store.subscriptions.listForTenant(identity.tenantId));
    const messageText = this.deps.storeMessageText && replyId ? this.deps.recentAnswers?.textOf(replyId) : undefined;
    const record: FeedbackRecord = {
      tenantId: identity.tenantId,
      userId: identity.userId,
      key: feedbackKey(replyId, identity.activityId),
      ...(replyId ? { replyId } : {}),
      ...(subscription ? { subscriptionId: subscription.id } : {}),
      ...(identity.conversationId ? { conversationId: identity.conversationId } : {}),
      reaction: feedback.reaction,
      ...(feedback.comment ? { comment: feedback.comment } : {}),
      ...(messageText ? { messageText } : {}),
      isReport: isContentReport(feedback),
      createdAt: this.deps.clock.now(),
    };
    const outcome = await this.deps.store.feedback.record(record);
    this.deps.logger.info(
      { ...ids, subscriptionId: record.subscriptionId, reaction: record.reaction, report: record.isReport, outcome },
      'feedback received',
    );
    if (outcome === 'recorded' && record.isReport && record.comment !== undefined)
      this.announce({ ...record, comment: record.comment, reportId: reportIdOf(record) });
    return outcome;
  }

  private announce(report: ContentReport): void {
    const listener = this.deps.onContentReport;
    if (!listener) return;
    // After the invoke is answered: an alert channel being slow or down never delays or fails the user's feedback.
    setImmediate(() => {
      Promise.resolve()
        .then(() => listener(report))
        .catch((thrown: unknown) =>
          this.deps.logger.error(
            { tenantId: report.tenantId, replyId: report.replyId, err: thrown },
            'content report listener failed',
          ),
        );
    });
  }
}

function reportIdOf(record: FeedbackRecord): string {
  return createHash('sha256').update(`${record.tenantId}\n${record.userId}\n${record.key}`).digest('hex').slice(0, 24);
}
