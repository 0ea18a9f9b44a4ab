-- 👍/👎 on AI answers (Teams' feedback loop) and the content reports among them (a 👎 with a comment).
-- One row per (tenant, answer, user): a redelivered invoke changes nothing. message_text is personal data: written
-- only with STORE_MESSAGE_TEXT=true, cleared after FEEDBACK_TEXT_RETENTION_DAYS; rows go after FEEDBACK_RETENTION_DAYS.
CREATE TABLE ai_feedback (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id        TEXT NOT NULL,
  user_id          TEXT NOT NULL,                  -- Entra object id
  reply_id         TEXT NOT NULL,                  -- the AI answer's activity id (the invoke's replyToId)
  subscription_id  TEXT,                           -- the tenant's subscription at the time, if any
  conversation_id  TEXT,
  reaction         TEXT NOT NULL,                  -- like, dislike
  comment          TEXT,
  message_text     TEXT,                           -- only when the operator opts in (personal data)
  is_report        INTEGER NOT NULL,               -- 1: a dislike with a comment
  created_at       INTEGER NOT NULL,
  UNIQUE (tenant_id, reply_id, user_id)
);
CREATE INDEX ix_ai_feedback_reports ON ai_feedback (is_report, id);
CREATE INDEX ix_ai_feedback_created ON ai_feedback (created_at);
