-- The publisher console (issue 12): indexes for its aggregate queries, and a daily tally of events nothing else
-- records (refused and replayed webhook deliveries, reconciliation runs).
CREATE INDEX ix_usage_events_time ON usage_events (occurred_at);                       -- answered turns per day
CREATE INDEX ix_subscriptions_created ON subscriptions (created_at);                   -- newest first, new per period
CREATE INDEX ix_subscription_operations_created ON subscription_operations (created_at);
CREATE INDEX ix_subscription_operations_source ON subscription_operations (source, created_at);

CREATE TABLE activity_tallies (
  day    TEXT NOT NULL,                                  -- YYYY-MM-DD, UTC
  kind   TEXT NOT NULL,                                  -- webhook.refused, webhook.replayed, reconcile.run
  count  INTEGER NOT NULL,
  PRIMARY KEY (day, kind)
) WITHOUT ROWID;

-- Metered hours by status (sum of units) and accepted units per month and plan, read from the index alone: at a
-- year of hours the table lookups cost more than the sums.
CREATE INDEX ix_metered_usage_reports_console
  ON metered_usage_reports (status, hour_start, plan_id, dimension, accepted_quantity, quantity);
