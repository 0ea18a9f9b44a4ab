-- Proactive messages (issue 13): conversation references, operator alert events and their deliveries, tenant notices.

-- Where to reach a chat outside a turn. Written only when new or changed (the turn path caches what it wrote).
CREATE TABLE conversation_refs (
  ref_key     TEXT PRIMARY KEY,
  address     TEXT NOT NULL,
  locale      TEXT NOT NULL,
  client      TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
);

-- One row per problem: the state last alerted; a raise in the same state while unresolved is a repeat.
CREATE TABLE alert_problems (
  problem       TEXT PRIMARY KEY,
  state         TEXT NOT NULL,
  event_id      TEXT NOT NULL,
  repeat_count  INTEGER NOT NULL DEFAULT 0,
  resolved_at   INTEGER,
  updated_at    INTEGER NOT NULL
);

CREATE TABLE alert_events (
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL,
  problem      TEXT NOT NULL,
  event        TEXT NOT NULL,
  occurred_at  INTEGER NOT NULL
);
CREATE INDEX ix_alert_events_time ON alert_events (occurred_at);

CREATE TABLE alert_deliveries (
  event_id         TEXT NOT NULL,
  channel          TEXT NOT NULL,
  status           TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER,
  delivered_at     INTEGER,
  last_error       TEXT,
  PRIMARY KEY (event_id, channel)
);
CREATE INDEX ix_alert_deliveries_due ON alert_deliveries (status, next_attempt_at);

CREATE TABLE alert_delivery_log (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id      TEXT NOT NULL,
  channel       TEXT NOT NULL,
  attempt       INTEGER NOT NULL,
  outcome       TEXT NOT NULL,
  at            INTEGER NOT NULL,
  http_status   INTEGER,
  duration_ms   INTEGER,
  detail        TEXT
);
CREATE INDEX ix_alert_delivery_log_event ON alert_delivery_log (event_id, id);

-- A notice sent to a tenant's admins: unique per tenant and key, so it is sent once (claimed before sending).
CREATE TABLE tenant_notices (
  tenant_id   TEXT NOT NULL,
  notice_key  TEXT NOT NULL,
  kind        TEXT NOT NULL,
  sent_at     INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, notice_key)
);

CREATE TABLE notification_preferences (
  tenant_id   TEXT NOT NULL,
  kind        TEXT NOT NULL,
  enabled     INTEGER NOT NULL,
  updated_by  TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, kind)
);
