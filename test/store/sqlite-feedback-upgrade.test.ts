import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { loadMigrations, migrate, MIGRATIONS_DIR } from '../../src/store/sqlite/migrate';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import type { FeedbackRecord } from '../../src/store/feedback-repo';
import { tempDir } from '../helpers/temp-dir';

const AT = new Date('2026-03-10T10:00:00.000Z');
/** A feedback record; a field given as `undefined` is left out. */
function feedback(o: { [K in keyof FeedbackRecord]?: FeedbackRecord[K] | undefined } = {}): FeedbackRecord {
  const record: Record<string, unknown> = {
    tenantId: 'tenant-a',
    userId: 'user-1',
    key: 'reply-1',
    replyId: 'reply-1',
    reaction: 'dislike',
    comment: 'Wrong.',
    isReport: true,
    createdAt: AT,
  };
  for (const [name, value] of Object.entries(o)) {
    if (value === undefined) delete record[name];
    else record[name] = value;
  }
  return record as unknown as FeedbackRecord;
}
const insertOld = `INSERT INTO ai_feedback (tenant_id, user_id, reply_id, reaction, comment, is_report, created_at)
  VALUES ('tenant-a', 'user-1', 'reply-1', 'dislike', 'Wrong.', 1, ${AT.getTime()})`;

/**
 * Migration 0013 on stores built before it: feedback keyed on reply_id by 0005 as first released, and stores built
 * while 0005 already carried feedback_key (the runner records 0013 there without running it).
 */
describe('SQLite feedback key migration (0013)', () => {
  const before13 = () => loadMigrations().filter((m) => m.version < 13);

  it('brings a store keyed on reply_id forward: its feedback keeps its key and stays one per user', async () => {
    const file = path.join(tempDir(), 'released-0005.sqlite');
    const db = new Database(file);
    migrate(db, before13());
    db.exec(insertOld);
    db.close();

    const store = openSqliteStore(file);
    try {
      // The feedback given before the upgrade is recognised: the same user on the same answer is a duplicate.
      expect(await store.feedback.record(feedback({ reaction: 'like', comment: undefined, isReport: false }))).toBe('duplicate');
      // Feedback without an answer id (the Agents Playground) now has a place.
      expect(await store.feedback.record(feedback({ key: 'invoke:abc', replyId: undefined }))).toBe('recorded');
      const { reports } = await store.feedback.listReports({ tenantId: 'tenant-a', limit: 10 });
      expect(reports.map((r) => [r.key, r.replyId ?? null, r.comment])).toEqual([
        ['invoke:abc', null, 'Wrong.'],
        ['reply-1', 'reply-1', 'Wrong.'],
      ]);
    } finally {
      await store.close();
    }
  });

  it('is recorded without running on a store whose 0005 already had feedback_key', async () => {
    const file = path.join(tempDir(), 'later-0005.sqlite');
    const db = new Database(file);
    migrate(db, before13());
    // The shape 0005 had while it carried the change itself: what 0013 builds, applied by hand.
    const m13 = fs.readFileSync(path.join(MIGRATIONS_DIR, '0013_feedback_key.sql'), 'utf8');
    db.exec(m13);
    db.exec(`INSERT INTO ai_feedback (tenant_id, user_id, feedback_key, reply_id, reaction, is_report, created_at)
      VALUES ('tenant-a', 'user-1', 'invoke:xyz', NULL, 'like', 0, ${AT.getTime()})`);
    db.close();

    // Running 0013 again would copy the NULL reply_id into feedback_key and fail: it must be skipped, and recorded.
    const store = openSqliteStore(file);
    try {
      expect(store.db.prepare('SELECT version FROM schema_migrations WHERE version = 13').get()).toEqual({ version: 13 });
      expect(await store.feedback.record(feedback({ key: 'invoke:xyz', replyId: undefined, reaction: 'like' }))).toBe(
        'duplicate',
      );
    } finally {
      await store.close();
    }
  });
});
