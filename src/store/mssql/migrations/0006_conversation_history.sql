-- Conversation history shared by every instance (README "Conversation history"): one row per conversation, keyed by
-- a SHA-256 of tenant and conversation id. `exchanges` is message text (personal data), bounded by the history
-- settings; the row is deleted once `expires_at` has passed (the periodic sweep). `version` makes writes optimistic.
CREATE TABLE $(schema).conversation_history (
  conversation_key char(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  tenant_id        nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  exchanges        nvarchar(max) NOT NULL,      -- JSON: [{ user, assistant, tokens, at }], oldest first
  version          int NOT NULL,
  updated_at       datetime2(3) NOT NULL,
  expires_at       datetime2(3) NOT NULL,
  CONSTRAINT pk_conversation_history PRIMARY KEY (conversation_key)
);
CREATE INDEX ix_conversation_history_expires ON $(schema).conversation_history (expires_at);
CREATE INDEX ix_conversation_history_tenant ON $(schema).conversation_history (tenant_id);
GO
