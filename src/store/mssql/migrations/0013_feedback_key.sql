-- Feedback is keyed by feedback_key: the answer's id (the invoke's replyToId), or 'invoke:' + the invoke's own id when
-- the client sent none (the Agents Playground); reply_id becomes optional. Migration 0005 as first released keyed it
-- on reply_id; databases created while 0005 itself carried this change already have the column and are left as they
-- are. Existing rows keep their reply_id as their key. The new column is named in dynamic statements: a batch that
-- adds a column cannot name it in static SQL.
IF COL_LENGTH('$(schema).ai_feedback', 'feedback_key') IS NULL
BEGIN
  ALTER TABLE $(schema).ai_feedback ADD feedback_key nvarchar(300) COLLATE Latin1_General_100_BIN2 NULL;
  EXEC (N'UPDATE $(schema).ai_feedback SET feedback_key = reply_id');
  EXEC (N'ALTER TABLE $(schema).ai_feedback ALTER COLUMN feedback_key nvarchar(300) COLLATE Latin1_General_100_BIN2 NOT NULL');
  ALTER TABLE $(schema).ai_feedback DROP CONSTRAINT uq_ai_feedback_answer_user;
  EXEC (N'ALTER TABLE $(schema).ai_feedback ADD CONSTRAINT uq_ai_feedback_answer_user UNIQUE (tenant_id, feedback_key, user_id)');
  ALTER TABLE $(schema).ai_feedback ALTER COLUMN reply_id nvarchar(256) COLLATE Latin1_General_100_BIN2 NULL;
END
GO
