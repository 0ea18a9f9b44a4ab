-- Support tickets (issue 13, part 3), as src/store/sqlite/migrations/0010_support_tickets.sql. Their text is
-- support data: stored, never logged, deleted with the tenant's data. Numbers are never reused (IDENTITY).
CREATE TABLE $(schema).support_tickets (
  ticket_number      int IDENTITY(1, 1) NOT NULL,
  tenant_id          nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  opened_by          nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  opened_by_name     nvarchar(256) NULL,
  subscription_id    nvarchar(128) COLLATE Latin1_General_100_BIN2 NULL,
  subject            nvarchar(200) NOT NULL,
  category           nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
  priority           nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
  status             nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
  assignee           nvarchar(128) COLLATE Latin1_General_100_BIN2 NULL,
  created_at         datetime2(3) NOT NULL,
  updated_at         datetime2(3) NOT NULL,
  first_answered_at  datetime2(3) NULL,
  closed_at          datetime2(3) NULL,
  closed_by          nvarchar(128) COLLATE Latin1_General_100_BIN2 NULL,
  message_count      int NOT NULL CONSTRAINT df_support_tickets_message_count DEFAULT 0,
  CONSTRAINT pk_support_tickets PRIMARY KEY (ticket_number)
);
GO

CREATE INDEX ix_support_tickets_tenant ON $(schema).support_tickets (tenant_id, opened_by, updated_at);
CREATE INDEX ix_support_tickets_status ON $(schema).support_tickets (status, updated_at);
CREATE INDEX ix_support_tickets_created ON $(schema).support_tickets (created_at);
GO

CREATE TABLE $(schema).support_ticket_messages (
  id              bigint IDENTITY(1, 1) NOT NULL,
  ticket_number   int NOT NULL,
  author          nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
  author_id       nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  author_name     nvarchar(256) NULL,
  body            nvarchar(max) NOT NULL,
  delivery        nvarchar(32) COLLATE Latin1_General_100_BIN2 NULL,
  created_at      datetime2(3) NOT NULL,
  CONSTRAINT pk_support_ticket_messages PRIMARY KEY (id),
  CONSTRAINT fk_support_ticket_messages_ticket FOREIGN KEY (ticket_number)
    REFERENCES $(schema).support_tickets (ticket_number) ON DELETE CASCADE
);
GO

CREATE INDEX ix_support_ticket_messages_ticket ON $(schema).support_ticket_messages (ticket_number, id);
