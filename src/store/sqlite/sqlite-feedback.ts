import type Database from 'better-sqlite3';
import { reportPageSize, type FeedbackRepo } from '../feedback-repo';
import { toReportPage, type FeedbackRow } from '../feedback-rows';
import type { WriteBatcher } from './write-batcher';

/** 👍/👎 feedback and content reports (see FeedbackRepo), one row per (tenant, answer, user). */
export function sqliteFeedback(db: Database.Database, batcher: WriteBatcher): FeedbackRepo {
  const insert = db.prepare(`INSERT INTO ai_feedback (tenant_id, user_id, feedback_key, reply_id, subscription_id,
      conversation_id, reaction, comment, message_text, is_report, created_at)
    VALUES (@tenantId, @userId, @key, @replyId, @subscriptionId, @conversationId, @reaction, @comment, @messageText,
      @isReport, @createdAt)
    ON CONFLICT (tenant_id, feedback_key, user_id) DO NOTHING`);
  const clearText = db.prepare('UPDATE ai_feedback SET message_text = NULL WHERE created_at < ? AND message_text IS NOT NULL');
  const deleteOld = db.prepare('DELETE FROM ai_feedback WHERE created_at < ?');
  return {
    async record(f) {
      const changes = await batcher.run(
        () =>
          insert.run({
            tenantId: f.tenantId,
            userId: f.userId,
            key: f.key,
            replyId: f.replyId ?? null,
            subscriptionId: f.subscriptionId ?? null,
            conversationId: f.conversationId ?? null,
            reaction: f.reaction,
            comment: f.comment ?? null,
            messageText: f.messageText ?? null,
            isReport: f.isReport ? 1 : 0,
            createdAt: f.createdAt.getTime(),
          }).changes,
      );
      return changes > 0 ? 'recorded' : 'duplicate';
    },
    listReports(query = {}) {
      const limit = reportPageSize(query);
      const where = ['is_report = 1'];
      const params: (string | number)[] = [];
      if (query.tenantId !== undefined) {
        where.push('tenant_id = ?');
        params.push(query.tenantId);
      }
      if (query.subscriptionId !== undefined) {
        where.push('subscription_id = ?');
        params.push(query.subscriptionId);
      }
      if (query.before !== undefined) {
        where.push('id < ?');
        params.push(query.before);
      }
      // One more than the page: whether there is a next page, without a count.
      const rows = db
        .prepare(`SELECT * FROM ai_feedback WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`)
        .all(...params, limit + 1) as FeedbackRow[];
      return Promise.resolve(toReportPage(rows, limit));
    },
    async purge({ textBefore, rowsBefore }) {
      return batcher.run(() => ({
        deleted: deleteOld.run(rowsBefore.getTime()).changes,
        textCleared: clearText.run(textBefore.getTime()).changes,
      }));
    },
  };
}
