-- Conversation history shared by every instance (README "Conversation history"): one row per conversation, keyed by
-- a SHA-256 of tenant and conversation id. `exchanges` is message text (personal data), bounded by the history
-- settings; the row is deleted once `expires_at` has passed (the periodic sweep). `version` makes writes optimistic.
CREATE TABLE conversation_history (
  conversation_key TEXT NOT NULL PRIMARY KEY,
  tenant_id        TEXT NOT NULL,
  exchanges        TEXT NOT NULL,               -- JSON: [{ user, assistant, tokens, at }], oldest first
  version          INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ix_conversation_history_expires ON conversation_history (expires_at);
CREATE INDEX ix_conversation_history_tenant ON conversation_history (tenant_id);
