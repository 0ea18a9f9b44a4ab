-- Azure SQL store, first schema: the embedded store's schema (src/store/sqlite/migrations/0001_initial.sql) in T-SQL,
-- with the same table and column names, plus the seed schema's types (datetime2, bigint identities, nvarchar).
-- * Times are datetime2(3), UTC: a JS Date carries milliseconds, so every value round-trips exactly and an operator
--   reads dates, not numbers. (SQLite keeps integer milliseconds; the repositories convert at the edge.)
-- * Ids and codes are nvarchar with a binary collation: they compare exactly, as in SQLite, whatever the database's
--   default collation (two Teams activity ids that differ only in case are two turns), and sort the same way.
-- * $(schema) is the target schema, filled in by the migrator (sqlcmd-style variable): dbo in production, a
--   throw-away schema per test.
-- * Batches are separated by lines holding only GO; the whole file runs in one transaction.

CREATE TABLE $(schema).plans (
  plan_id            nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,  -- Partner Center plan id
  display_name       nvarchar(200) NOT NULL,
  description        nvarchar(max) NOT NULL DEFAULT N'',
  is_price_per_seat  bit NOT NULL DEFAULT 0,
  min_seats          int NULL,
  max_seats          int NULL,
  base_price         decimal(18, 4) NOT NULL,
  currency           nvarchar(8) NOT NULL,
  definition         nvarchar(max) NOT NULL,      -- the catalog entry as JSON (allowances, overage prices, rules)
  is_active          bit NOT NULL DEFAULT 1,      -- 0 once dropped from the catalog; kept for history
  updated_at         datetime2(3) NOT NULL,
  CONSTRAINT pk_plans PRIMARY KEY (plan_id)
);
GO

CREATE TABLE $(schema).subscriptions (
  id                     nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,  -- Marketplace SaaS subscription id
  name                   nvarchar(400) NOT NULL DEFAULT N'',
  offer_id               nvarchar(200) NOT NULL DEFAULT N'',
  publisher_id           nvarchar(200) NULL,
  plan_id                nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
  quantity               int NULL,
  status                 nvarchar(32) NOT NULL,
  purchaser_tenant_id    nvarchar(128) COLLATE Latin1_General_100_BIN2 NULL,
  purchaser_object_id    nvarchar(128) COLLATE Latin1_General_100_BIN2 NULL,
  purchaser_email        nvarchar(320) NULL,
  beneficiary_tenant_id  nvarchar(128) COLLATE Latin1_General_100_BIN2 NULL,
  beneficiary_object_id  nvarchar(128) COLLATE Latin1_General_100_BIN2 NULL,
  beneficiary_email      nvarchar(320) NULL,
  term_start             datetime2(3) NULL,
  term_end               datetime2(3) NULL,
  term_unit              nvarchar(16) NULL,
  auto_renew             bit NOT NULL DEFAULT 0,
  is_test                bit NOT NULL DEFAULT 0,
  is_free_trial          bit NOT NULL DEFAULT 0,
  created_at             datetime2(3) NOT NULL,
  updated_at             datetime2(3) NOT NULL,
  activated_at           datetime2(3) NULL,
  CONSTRAINT pk_subscriptions PRIMARY KEY (id)
);
CREATE INDEX ix_subscriptions_beneficiary ON $(schema).subscriptions (beneficiary_tenant_id);
CREATE INDEX ix_subscriptions_status ON $(schema).subscriptions (status);
GO

CREATE TABLE $(schema).tenant_admins (
  tenant_id   nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  user_id     nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,  -- Entra object id
  user_name   nvarchar(256) NULL,
  added_by    nvarchar(128) NOT NULL,
  added_at    datetime2(3) NOT NULL,
  CONSTRAINT pk_tenant_admins PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE $(schema).seat_assignments (
  subscription_id  nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  user_id          nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  user_name        nvarchar(256) NULL,
  assigned_at      datetime2(3) NOT NULL,
  assigned_by      nvarchar(128) NOT NULL,
  revoked_at       datetime2(3) NULL,
  revoked_by       nvarchar(128) NULL,
  CONSTRAINT pk_seat_assignments PRIMARY KEY (subscription_id, user_id),
  CONSTRAINT fk_seat_assignments_subscription FOREIGN KEY (subscription_id) REFERENCES $(schema).subscriptions (id)
);
CREATE INDEX ix_seat_assignments_active ON $(schema).seat_assignments (subscription_id, revoked_at, assigned_at);

-- Display names seen in turns, for admins' views (top users, seats). Never message text.
CREATE TABLE $(schema).tenant_users (
  tenant_id   nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  user_id     nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  user_name   nvarchar(256) NULL,
  last_seen   datetime2(3) NOT NULL,
  CONSTRAINT pk_tenant_users PRIMARY KEY (tenant_id, user_id)
);
GO

-- Clustered on (subscription, time): admins' daily and top-user views read one subscription's recent rows, and
-- random event ids would scatter inserts over the whole table.
CREATE TABLE $(schema).usage_events (
  id                 nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  tenant_id          nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  activity_id        nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL,
  subscription_id    nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  plan_id            nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
  user_id            nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  conversation_id    nvarchar(1000) NOT NULL,
  conversation_type  nvarchar(32) NOT NULL,
  dimension          nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  quantity           int NOT NULL,
  billable           int NOT NULL DEFAULT 0,       -- units of `quantity` above the period's allowance (overage)
  prompt_tokens      int NOT NULL DEFAULT 0,
  completion_tokens  int NOT NULL DEFAULT 0,
  total_tokens       int NOT NULL DEFAULT 0,
  processing_ms      int NOT NULL DEFAULT 0,
  attachment_count   int NOT NULL DEFAULT 0,
  text_length        int NOT NULL DEFAULT 0,
  message_text       nvarchar(max) NULL,           -- only when the operator opts in (personal data)
  response_text      nvarchar(max) NULL,           -- idem
  occurred_at        datetime2(3) NOT NULL,
  period_start       datetime2(3) NOT NULL,
  CONSTRAINT pk_usage_events PRIMARY KEY NONCLUSTERED (id),
  CONSTRAINT uq_usage_events_activity UNIQUE NONCLUSTERED (tenant_id, activity_id),  -- a redelivered activity is counted once
  CONSTRAINT fk_usage_events_subscription FOREIGN KEY (subscription_id) REFERENCES $(schema).subscriptions (id)
);
CREATE CLUSTERED INDEX ix_usage_events_subscription_time ON $(schema).usage_events (subscription_id, occurred_at);

CREATE TABLE $(schema).usage_counters (
  subscription_id  nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  period_start     datetime2(3) NOT NULL,
  dimension        nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  used             int NOT NULL DEFAULT 0,       -- settled units
  reserved         int NOT NULL DEFAULT 0,       -- units held by turns in flight
  updated_at       datetime2(3) NOT NULL,
  CONSTRAINT pk_usage_counters PRIMARY KEY (subscription_id, period_start, dimension)
);

CREATE TABLE $(schema).quota_reservations (
  tenant_id        nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  activity_id      nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL,
  subscription_id  nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  period_start     datetime2(3) NOT NULL,
  dimension        nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  quantity         int NOT NULL,
  created_at       datetime2(3) NOT NULL,
  CONSTRAINT pk_quota_reservations PRIMARY KEY (tenant_id, activity_id)
);
CREATE INDEX ix_quota_reservations_created ON $(schema).quota_reservations (created_at);

-- The usage queue outbox: one row per usage event, written in the same transaction. An identity value is taken at
-- insert, not at commit, so a reader that drains in `seq` order must allow for rows that commit out of order.
CREATE TABLE $(schema).usage_outbox (
  seq                 bigint IDENTITY(1, 1) NOT NULL,
  usage_event_id      nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  enqueued_at         datetime2(3) NOT NULL,
  locked_until        datetime2(3) NULL,
  delivery_count      int NOT NULL DEFAULT 0,
  dead_lettered_at    datetime2(3) NULL,
  dead_letter_reason  nvarchar(500) NULL,
  CONSTRAINT pk_usage_outbox PRIMARY KEY (seq)
);
GO

CREATE TABLE $(schema).subscription_operations (
  id               bigint IDENTITY(1, 1) NOT NULL,
  operation_id     nvarchar(128) COLLATE Latin1_General_100_BIN2 NULL,  -- Marketplace operation id; NULL for local actions
  subscription_id  nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  action           nvarchar(64) NOT NULL,        -- Activate, ChangePlan, ChangeQuantity, Suspend, Reinstate, Unsubscribe, Renew, Reconcile
  source           nvarchar(32) NOT NULL,        -- webhook, landing, reconcile, seed
  status           nvarchar(32) NOT NULL,        -- Applied, Rejected, Ignored
  from_status      nvarchar(32) NULL,
  to_status        nvarchar(32) NULL,
  from_plan_id     nvarchar(100) NULL,
  to_plan_id       nvarchar(100) NULL,
  from_quantity    int NULL,
  to_quantity      int NULL,
  detail           nvarchar(max) NULL,
  created_at       datetime2(3) NOT NULL,
  CONSTRAINT pk_subscription_operations PRIMARY KEY (id)
);
-- Unique among Marketplace operations only: local actions have no operation id, and there are many of them.
CREATE UNIQUE INDEX ux_subscription_operations_operation ON $(schema).subscription_operations (operation_id)
  WHERE operation_id IS NOT NULL;
CREATE INDEX ix_subscription_operations_subscription ON $(schema).subscription_operations (subscription_id, created_at);
GO

CREATE TABLE $(schema).metered_usage_reports (
  id                bigint IDENTITY(1, 1) NOT NULL,
  subscription_id   nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  dimension         nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  hour_start        datetime2(3) NOT NULL,       -- effectiveStartTime
  plan_id           nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
  quantity          float NOT NULL,
  status            nvarchar(16) NOT NULL,
  attempts          int NOT NULL DEFAULT 0,
  next_attempt_at   datetime2(3) NULL,           -- Retry/Held: next try; InFlight: end of the claim's lease
  usage_event_id    nvarchar(128) NULL,          -- Marketplace usageEventId once accepted
  accepted_quantity float NULL,
  request_id        nvarchar(128) NULL,
  correlation_id    nvarchar(128) COLLATE Latin1_General_100_BIN2 NULL,
  error_code        nvarchar(128) NULL,
  error_message     nvarchar(max) NULL,
  created_at        datetime2(3) NOT NULL,
  updated_at        datetime2(3) NOT NULL,
  CONSTRAINT pk_metered_usage_reports PRIMARY KEY (id),
  -- one event per subscription, dimension and hour, ever
  CONSTRAINT uq_metered_usage_reports_hour UNIQUE (subscription_id, dimension, hour_start)
);
CREATE INDEX ix_metered_usage_reports_status ON $(schema).metered_usage_reports (status, next_attempt_at);
CREATE INDEX ix_metered_usage_reports_open ON $(schema).metered_usage_reports (status, hour_start);

-- Usage messages the metering worker has counted (only those with billable units): a redelivered message is
-- ignored. Pruned after a few days; redeliveries come within minutes or hours.
CREATE TABLE $(schema).metering_consumed (
  usage_event_id  nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  consumed_at     datetime2(3) NOT NULL,
  CONSTRAINT pk_metering_consumed PRIMARY KEY (usage_event_id)
);
CREATE INDEX ix_metering_consumed_time ON $(schema).metering_consumed (consumed_at);
