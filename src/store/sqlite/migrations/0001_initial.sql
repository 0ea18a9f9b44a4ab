-- Embedded store, first schema. Adapted from the seed schema (Plans, Subscriptions, UsageEvents,
-- MeteredUsageReports, SubscriptionOperations) plus what DESIGN.md's rules need: seat assignments, tenant admins,
-- per-period counters, quota reservations and the usage queue outbox.
-- Times are integer milliseconds since the Unix epoch, UTC.

CREATE TABLE plans (
  plan_id            TEXT PRIMARY KEY,            -- Partner Center plan id
  display_name       TEXT NOT NULL,
  description        TEXT NOT NULL DEFAULT '',
  is_price_per_seat  INTEGER NOT NULL DEFAULT 0,
  min_seats          INTEGER,
  max_seats          INTEGER,
  base_price         REAL NOT NULL,
  currency           TEXT NOT NULL,
  definition         TEXT NOT NULL,               -- the catalog entry as JSON (allowances, overage prices, rules)
  is_active          INTEGER NOT NULL DEFAULT 1,  -- 0 once dropped from the catalog; kept for history
  updated_at         INTEGER NOT NULL
);

CREATE TABLE subscriptions (
  id                     TEXT PRIMARY KEY,        -- Marketplace SaaS subscription id
  name                   TEXT NOT NULL DEFAULT '',
  offer_id               TEXT NOT NULL DEFAULT '',
  publisher_id           TEXT,
  plan_id                TEXT NOT NULL,
  quantity               INTEGER,
  status                 TEXT NOT NULL,
  purchaser_tenant_id    TEXT,
  purchaser_object_id    TEXT,
  purchaser_email        TEXT,
  beneficiary_tenant_id  TEXT,
  beneficiary_object_id  TEXT,
  beneficiary_email      TEXT,
  term_start             INTEGER,
  term_end               INTEGER,
  term_unit              TEXT,
  auto_renew             INTEGER NOT NULL DEFAULT 0,
  is_test                INTEGER NOT NULL DEFAULT 0,
  is_free_trial          INTEGER NOT NULL DEFAULT 0,
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL,
  activated_at           INTEGER
);
CREATE INDEX ix_subscriptions_beneficiary ON subscriptions (beneficiary_tenant_id);
CREATE INDEX ix_subscriptions_status ON subscriptions (status);

CREATE TABLE tenant_admins (
  tenant_id   TEXT NOT NULL,
  user_id     TEXT NOT NULL,                       -- Entra object id
  user_name   TEXT,
  added_by    TEXT NOT NULL,
  added_at    INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE seat_assignments (
  subscription_id  TEXT NOT NULL REFERENCES subscriptions (id),
  user_id          TEXT NOT NULL,
  user_name        TEXT,
  assigned_at      INTEGER NOT NULL,
  assigned_by      TEXT NOT NULL,
  revoked_at       INTEGER,
  revoked_by       TEXT,
  PRIMARY KEY (subscription_id, user_id)
);
CREATE INDEX ix_seat_assignments_active ON seat_assignments (subscription_id, revoked_at, assigned_at);

-- Display names seen in turns, for admins' views (top users, seats). Never message text.
CREATE TABLE tenant_users (
  tenant_id   TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  user_name   TEXT,
  last_seen   INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE usage_events (
  id                 TEXT PRIMARY KEY,
  tenant_id          TEXT NOT NULL,
  activity_id        TEXT NOT NULL,
  subscription_id    TEXT NOT NULL REFERENCES subscriptions (id),
  plan_id            TEXT NOT NULL,
  user_id            TEXT NOT NULL,
  conversation_id    TEXT NOT NULL,
  conversation_type  TEXT NOT NULL,
  dimension          TEXT NOT NULL,
  quantity           INTEGER NOT NULL,
  billable           INTEGER NOT NULL DEFAULT 0,      -- units of `quantity` above the period's allowance (overage)
  prompt_tokens      INTEGER NOT NULL DEFAULT 0,
  completion_tokens  INTEGER NOT NULL DEFAULT 0,
  total_tokens       INTEGER NOT NULL DEFAULT 0,
  processing_ms      INTEGER NOT NULL DEFAULT 0,
  attachment_count   INTEGER NOT NULL DEFAULT 0,
  text_length        INTEGER NOT NULL DEFAULT 0,
  message_text       TEXT,                          -- only when the operator opts in (personal data)
  response_text      TEXT,                          -- idem
  occurred_at        INTEGER NOT NULL,
  period_start       INTEGER NOT NULL,
  UNIQUE (tenant_id, activity_id)                   -- a redelivered activity is counted once
);
CREATE INDEX ix_usage_events_subscription_time ON usage_events (subscription_id, occurred_at);

CREATE TABLE usage_counters (
  subscription_id  TEXT NOT NULL,
  period_start     INTEGER NOT NULL,
  dimension        TEXT NOT NULL,
  used             INTEGER NOT NULL DEFAULT 0,      -- settled units
  reserved         INTEGER NOT NULL DEFAULT 0,      -- units held by turns in flight
  updated_at       INTEGER NOT NULL,
  PRIMARY KEY (subscription_id, period_start, dimension)
);

CREATE TABLE quota_reservations (
  tenant_id        TEXT NOT NULL,
  activity_id      TEXT NOT NULL,
  subscription_id  TEXT NOT NULL,
  period_start     INTEGER NOT NULL,
  dimension        TEXT NOT NULL,
  quantity         INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, activity_id)
);
CREATE INDEX ix_quota_reservations_created ON quota_reservations (created_at);

-- The embedded usage queue: one row per usage event, written in the same transaction, drained in order. The
-- message itself is read from usage_events when the row is delivered (a lean row keeps the turn's write cheap).
CREATE TABLE usage_outbox (
  seq                 INTEGER PRIMARY KEY,              -- rowid: always above every row present
  usage_event_id      TEXT NOT NULL,
  enqueued_at         INTEGER NOT NULL,
  locked_until        INTEGER,
  delivery_count      INTEGER NOT NULL DEFAULT 0,
  dead_lettered_at    INTEGER,
  dead_letter_reason  TEXT
);

CREATE TABLE subscription_operations (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  operation_id     TEXT UNIQUE,                     -- Marketplace operation id; NULL for local actions
  subscription_id  TEXT NOT NULL,
  action           TEXT NOT NULL,                   -- Activate, ChangePlan, ChangeQuantity, Suspend, Reinstate, Unsubscribe, Renew, Reconcile
  source           TEXT NOT NULL,                   -- webhook, landing, reconcile, seed
  status           TEXT NOT NULL,                   -- Applied, Rejected, Ignored
  from_status      TEXT,
  to_status        TEXT,
  from_plan_id     TEXT,
  to_plan_id       TEXT,
  from_quantity    INTEGER,
  to_quantity      INTEGER,
  detail           TEXT,
  created_at       INTEGER NOT NULL
);
CREATE INDEX ix_subscription_operations_subscription ON subscription_operations (subscription_id, created_at);

CREATE TABLE metered_usage_reports (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  subscription_id   TEXT NOT NULL,
  dimension         TEXT NOT NULL,
  hour_start        INTEGER NOT NULL,               -- effectiveStartTime
  plan_id           TEXT NOT NULL,
  quantity          REAL NOT NULL,
  status            TEXT NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  next_attempt_at   INTEGER,                        -- Retry/Held: next try; InFlight: end of the claim's lease
  usage_event_id    TEXT,                           -- Marketplace usageEventId once accepted
  accepted_quantity REAL,
  request_id        TEXT,
  correlation_id    TEXT,
  error_code        TEXT,
  error_message     TEXT,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  UNIQUE (subscription_id, dimension, hour_start)   -- one event per subscription, dimension and hour, ever
);
CREATE INDEX ix_metered_usage_reports_status ON metered_usage_reports (status, next_attempt_at);
CREATE INDEX ix_metered_usage_reports_open ON metered_usage_reports (status, hour_start);

-- Usage messages the metering worker has counted (only those with billable units): a redelivered message is
-- ignored. Pruned after a few days; redeliveries come within minutes or hours.
CREATE TABLE metering_consumed (
  usage_event_id  TEXT PRIMARY KEY,
  consumed_at     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ix_metering_consumed_time ON metering_consumed (consumed_at);
