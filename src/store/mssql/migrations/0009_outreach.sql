-- Proactive messages (issue 13), as src/store/sqlite/migrations/0009_outreach.sql: conversation references, operator
-- alert events and their deliveries, tenant notices claimed once, notification preferences.
CREATE TABLE $(schema).conversation_refs (
  ref_key     nvarchar(400) COLLATE Latin1_General_100_BIN2 NOT NULL,
  address     nvarchar(max) NOT NULL,
  locale      nvarchar(16) NOT NULL,
  client      nvarchar(16) NOT NULL,
  updated_at  datetime2(3) NOT NULL,
  CONSTRAINT pk_conversation_refs PRIMARY KEY (ref_key)
);

CREATE TABLE $(schema).alert_problems (
  problem       nvarchar(400) COLLATE Latin1_General_100_BIN2 NOT NULL,
  state         nvarchar(800) NOT NULL,
  event_id      nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  repeat_count  int NOT NULL DEFAULT 0,
  resolved_at   datetime2(3) NULL,
  updated_at    datetime2(3) NOT NULL,
  CONSTRAINT pk_alert_problems PRIMARY KEY (problem)
);

CREATE TABLE $(schema).alert_events (
  id           nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  type         nvarchar(64) NOT NULL,
  problem      nvarchar(400) COLLATE Latin1_General_100_BIN2 NOT NULL,
  event        nvarchar(max) NOT NULL,
  occurred_at  datetime2(3) NOT NULL,
  CONSTRAINT pk_alert_events PRIMARY KEY (id)
);
CREATE INDEX ix_alert_events_time ON $(schema).alert_events (occurred_at);

CREATE TABLE $(schema).alert_deliveries (
  event_id         nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  channel          nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
  status           nvarchar(16) NOT NULL,
  attempts         int NOT NULL DEFAULT 0,
  next_attempt_at  datetime2(3) NULL,
  delivered_at     datetime2(3) NULL,
  last_error       nvarchar(500) NULL,
  CONSTRAINT pk_alert_deliveries PRIMARY KEY (event_id, channel)
);
CREATE INDEX ix_alert_deliveries_due ON $(schema).alert_deliveries (status, next_attempt_at);

CREATE TABLE $(schema).alert_delivery_log (
  id            bigint IDENTITY(1, 1) NOT NULL,
  event_id      nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  channel       nvarchar(16) NOT NULL,
  attempt       int NOT NULL,
  outcome       nvarchar(16) NOT NULL,
  at            datetime2(3) NOT NULL,
  http_status   int NULL,
  duration_ms   int NULL,
  detail        nvarchar(500) NULL,
  CONSTRAINT pk_alert_delivery_log PRIMARY KEY (id)
);
CREATE INDEX ix_alert_delivery_log_event ON $(schema).alert_delivery_log (event_id, id);

CREATE TABLE $(schema).tenant_notices (
  tenant_id   nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  notice_key  nvarchar(400) COLLATE Latin1_General_100_BIN2 NOT NULL,
  kind        nvarchar(32) NOT NULL,
  sent_at     datetime2(3) NOT NULL,
  CONSTRAINT pk_tenant_notices PRIMARY KEY (tenant_id, notice_key)
);

CREATE TABLE $(schema).notification_preferences (
  tenant_id   nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  kind        nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
  enabled     bit NOT NULL,
  updated_by  nvarchar(128) NOT NULL,
  updated_at  datetime2(3) NOT NULL,
  CONSTRAINT pk_notification_preferences PRIMARY KEY (tenant_id, kind)
);
