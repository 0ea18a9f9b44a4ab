import type Database from 'better-sqlite3';
import type { FeedbackReaction } from '../../domain/feedback';
import { reportPageSize, type FeedbackRepo, type StoredFeedback } from '../feedback-repo';
import type { WriteBatcher } from './write-batcher';

interface FeedbackRow {
  id: number;
  tenant_id: string;
  user_id: string;
  feedback_key: string;
  reply_id: string | null;
  subscription_id: string | null;
  conversation_id: string | null;
  reaction: string;
  comment: string | null;
  message_text: string | null;
  is_report: number;
  created_at: number;
}

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
      const reports = rows.slice(0, limit).map(fromRow);
      const last = reports[reports.length - 1];
      return Promise.resolve(rows.length > limit && last ? { reports, nextBefore: last.id } : { reports });
    },
    async purge({ textBefore, rowsBefore }) {
      return batcher.run(() => ({
        deleted: deleteOld.run(rowsBefore.getTime()).changes,
        textCleared: clearText.run(textBefore.getTime()).changes,
      }));
    },
  };
}

function fromRow(r: FeedbackRow): StoredFeedback {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    userId: r.user_id,
    key: r.feedback_key,
    ...(r.reply_id !== null ? { replyId: r.reply_id } : {}),
    ...(r.subscription_id !== null ? { subscriptionId: r.subscription_id } : {}),
    ...(r.conversation_id !== null ? { conversationId: r.conversation_id } : {}),
    reaction: r.reaction as FeedbackReaction,
    ...(r.comment !== null ? { comment: r.comment } : {}),
    ...(r.message_text !== null ? { messageText: r.message_text } : {}),
    isReport: r.is_report === 1,
    createdAt: new Date(r.created_at),
  };
}
