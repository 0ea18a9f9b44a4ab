-- The publisher console (issue 12): indexes for its aggregate queries, and a daily tally of events nothing else
-- records (refused and replayed webhook deliveries, reconciliation runs). As sqlite/migrations/0007_console.sql.
CREATE INDEX ix_usage_events_time ON $(schema).usage_events (occurred_at);
GO
CREATE INDEX ix_subscriptions_created ON $(schema).subscriptions (created_at);
GO
CREATE INDEX ix_subscription_operations_created ON $(schema).subscription_operations (created_at);
GO
CREATE INDEX ix_subscription_operations_source ON $(schema).subscription_operations (source, created_at);
GO
CREATE TABLE $(schema).activity_tallies (
  day    char(10) COLLATE Latin1_General_100_BIN2 NOT NULL,
  kind   nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  count  int NOT NULL,
  CONSTRAINT pk_activity_tallies PRIMARY KEY (day, kind)
);
GO
CREATE INDEX ix_metered_usage_reports_console ON $(schema).metered_usage_reports (status, hour_start)
  INCLUDE (plan_id, dimension, accepted_quantity, quantity);
GO
