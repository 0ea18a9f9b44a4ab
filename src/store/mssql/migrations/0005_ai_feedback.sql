-- 👍/👎 on AI answers (Teams' feedback loop) and the content reports among them (a 👎 with a comment).
-- One row per (tenant, answer, user): a redelivered invoke changes nothing. message_text is personal data: written
-- only with STORE_MESSAGE_TEXT=true, cleared after FEEDBACK_TEXT_RETENTION_DAYS; rows go after FEEDBACK_RETENTION_DAYS.
CREATE TABLE $(schema).ai_feedback (
  id               bigint IDENTITY(1, 1) NOT NULL,
  tenant_id        nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  user_id          nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,  -- Entra object id
  reply_id         nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL,  -- the AI answer's activity id (replyToId)
  subscription_id  nvarchar(128) COLLATE Latin1_General_100_BIN2 NULL,      -- the tenant's subscription at the time
  conversation_id  nvarchar(1000) NULL,
  reaction         nvarchar(16) NOT NULL,        -- like, dislike
  comment          nvarchar(max) NULL,
  message_text     nvarchar(max) NULL,           -- only when the operator opts in (personal data)
  is_report        bit NOT NULL,                 -- 1: a dislike with a comment
  created_at       datetime2(3) NOT NULL,
  CONSTRAINT pk_ai_feedback PRIMARY KEY (id),
  CONSTRAINT uq_ai_feedback_answer_user UNIQUE (tenant_id, reply_id, user_id)
);
CREATE INDEX ix_ai_feedback_reports ON $(schema).ai_feedback (is_report, id);
CREATE INDEX ix_ai_feedback_created ON $(schema).ai_feedback (created_at);
GO
