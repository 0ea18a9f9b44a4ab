-- Support tickets (issue 13, part 3). Their text is support data: stored because answering it is the point, never
-- logged, deleted with the tenant's data. Numbers are never reused (AUTOINCREMENT), also after a tenant's deletion.
CREATE TABLE support_tickets (
  ticket_number      INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id          TEXT NOT NULL,
  opened_by          TEXT NOT NULL,                 -- Entra object id: answers go to this user's chat
  opened_by_name     TEXT,
  subscription_id    TEXT,                          -- no foreign key: a tenant without a subscription asks too
  subject            TEXT NOT NULL,
  category           TEXT NOT NULL,                 -- technical, billing, account
  priority           TEXT NOT NULL,                 -- low, normal, high
  status             TEXT NOT NULL,                 -- open, answered, closed
  assignee           TEXT,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  first_answered_at  INTEGER,                       -- time to first answer
  closed_at          INTEGER,                       -- time to resolution
  closed_by          TEXT,
  message_count      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_support_tickets_tenant ON support_tickets (tenant_id, opened_by, updated_at);
CREATE INDEX ix_support_tickets_status ON support_tickets (status, updated_at);
CREATE INDEX ix_support_tickets_created ON support_tickets (created_at);

CREATE TABLE support_ticket_messages (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_number   INTEGER NOT NULL REFERENCES support_tickets (ticket_number) ON DELETE CASCADE,
  author          TEXT NOT NULL,                    -- user, operator
  author_id       TEXT NOT NULL,
  author_name     TEXT,
  body            TEXT NOT NULL,                    -- support data: never logged
  delivery        TEXT,                             -- operator messages: sent, no-conversation, failed
  created_at      INTEGER NOT NULL
);
CREATE INDEX ix_support_ticket_messages_ticket ON support_ticket_messages (ticket_number, id);
