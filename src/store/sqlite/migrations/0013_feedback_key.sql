-- only-without-column: ai_feedback.feedback_key
-- Feedback is keyed by feedback_key: the answer's id (the invoke's replyToId), or 'invoke:' and the invoke's own id
-- when the client sent none (the Agents Playground); reply_id becomes optional. Migration 0005 as first released keyed
-- it on reply_id. Stores created while 0005 itself carried this change already have this shape: the line above makes
-- the runner record this migration there without running it. SQLite changes NOT NULL and UNIQUE by rebuilding the
-- table; existing rows keep their reply_id as their key.
CREATE TABLE ai_feedback_0013 (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id        TEXT NOT NULL,
  user_id          TEXT NOT NULL,                  -- Entra object id
  feedback_key     TEXT NOT NULL,                  -- reply_id, or 'invoke:' and the invoke's id when the client sent none
  reply_id         TEXT,                           -- the AI answer's activity id (the invoke's replyToId), when sent
  subscription_id  TEXT,                           -- the tenant's subscription at the time, if any
  conversation_id  TEXT,
  reaction         TEXT NOT NULL,                  -- like, dislike
  comment          TEXT,
  message_text     TEXT,                           -- only when the operator opts in (personal data)
  is_report        INTEGER NOT NULL,               -- 1: a dislike with a comment
  created_at       INTEGER NOT NULL,
  UNIQUE (tenant_id, feedback_key, user_id)
);
INSERT INTO ai_feedback_0013 (id, tenant_id, user_id, feedback_key, reply_id, subscription_id, conversation_id,
    reaction, comment, message_text, is_report, created_at)
  SELECT id, tenant_id, user_id, reply_id, reply_id, subscription_id, conversation_id,
    reaction, comment, message_text, is_report, created_at
  FROM ai_feedback;
DROP TABLE ai_feedback;
ALTER TABLE ai_feedback_0013 RENAME TO ai_feedback;
CREATE INDEX ix_ai_feedback_reports ON ai_feedback (is_report, id);
CREATE INDEX ix_ai_feedback_created ON ai_feedback (created_at);
