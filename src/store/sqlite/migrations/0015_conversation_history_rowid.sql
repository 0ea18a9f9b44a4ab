-- conversation_history as a rowid table. Without rowid, the row lived in an index b-tree, whose pages keep at most
-- about 1,000 bytes of a row in place: a history of a few exchanges went past that, and every save (one per answered
-- turn) wrote an overflow page besides the leaf and moved pages on and off the free list. A rowid table keeps up to
-- about 4,000 bytes in the leaf; the key becomes a unique index, which saves do not touch (they change the row only).
CREATE TABLE conversation_history_0015 (
  conversation_key TEXT NOT NULL UNIQUE,
  tenant_id        TEXT NOT NULL,
  exchanges        TEXT NOT NULL,               -- JSON: [{ user, assistant, tokens, userTokens, at }], oldest first
  version          INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL
);
INSERT INTO conversation_history_0015 (conversation_key, tenant_id, exchanges, version, updated_at, expires_at)
  SELECT conversation_key, tenant_id, exchanges, version, updated_at, expires_at FROM conversation_history;
DROP TABLE conversation_history;
ALTER TABLE conversation_history_0015 RENAME TO conversation_history;
CREATE INDEX ix_conversation_history_expires ON conversation_history (expires_at);
CREATE INDEX ix_conversation_history_tenant ON conversation_history (tenant_id);
