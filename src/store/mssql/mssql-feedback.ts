import { reportPageSize, type FeedbackRepo } from '../feedback-repo';
import { toReportPage, type FeedbackRow } from '../feedback-rows';
import { isUniqueViolation, param, type MssqlDatabase, type SqlParam } from './mssql-database';

/** 👍/👎 feedback and content reports (as sqlite-feedback.ts), one row per (tenant, answer, user). */
export function mssqlFeedback(db: MssqlDatabase): FeedbackRepo {
  const s = db.s;
  return {
    async record(f) {
      try {
        // The unique constraint decides between two deliveries racing; NOT EXISTS spares the error in the usual case.
        const { rowsAffected } = await db.query(
          `INSERT INTO ${s}.ai_feedback (tenant_id, user_id, feedback_key, reply_id, subscription_id, conversation_id,
            reaction, comment, message_text, is_report, created_at)
          SELECT @tenantId, @userId, @key, @replyId, @subscriptionId, @conversationId, @reaction, @comment, @messageText,
            @isReport, @createdAt
          WHERE NOT EXISTS (SELECT 1 FROM ${s}.ai_feedback
            WHERE tenant_id = @tenantId AND feedback_key = @key AND user_id = @userId);`,
          {
            tenantId: param.text(f.tenantId),
            userId: param.text(f.userId),
            key: param.text(f.key),
            replyId: param.text(f.replyId),
            subscriptionId: param.text(f.subscriptionId),
            conversationId: param.text(f.conversationId),
            reaction: param.text(f.reaction),
            comment: param.longText(f.comment),
            messageText: param.longText(f.messageText),
            isReport: param.bit(f.isReport),
            createdAt: param.time(f.createdAt),
          },
        );
        return (rowsAffected[0] ?? 0) > 0 ? 'recorded' : 'duplicate';
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate';
        throw error;
      }
    },
    async listReports(query = {}) {
      const limit = reportPageSize(query);
      const where = ['is_report = 1'];
      const params: Record<string, SqlParam> = { take: param.int(limit + 1) };
      if (query.tenantId !== undefined) {
        where.push('tenant_id = @tenantId');
        params.tenantId = param.text(query.tenantId);
      }
      if (query.subscriptionId !== undefined) {
        where.push('subscription_id = @subscriptionId');
        params.subscriptionId = param.text(query.subscriptionId);
      }
      if (query.before !== undefined) {
        where.push('id < @before');
        params.before = param.bigint(query.before);
      }
      // One more than the page: whether there is a next page, without a count.
      const { rows } = await db.query<FeedbackRow>(
        `SELECT TOP (@take) * FROM ${s}.ai_feedback WHERE ${where.join(' AND ')} ORDER BY id DESC`,
        params,
      );
      return toReportPage(rows, limit);
    },
    async purge({ textBefore, rowsBefore }) {
      const deleted = await db.query(`DELETE FROM ${s}.ai_feedback WHERE created_at < @before`, {
        before: param.time(rowsBefore),
      });
      const cleared = await db.query(
        `UPDATE ${s}.ai_feedback SET message_text = NULL WHERE created_at < @before AND message_text IS NOT NULL`,
        { before: param.time(textBefore) },
      );
      return { deleted: deleted.rowsAffected[0] ?? 0, textCleared: cleared.rowsAffected[0] ?? 0 };
    },
  };
}
