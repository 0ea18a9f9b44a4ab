-- `stats` at the largest tenant's size (issue 14), as src/store/sqlite/migrations/0012_usage_stats_aggregates.sql:
-- two smaller aggregates kept by the rollup step in the transaction that sets `rolled_up`.

-- The chart: one row per (subscription, UTC day, usage kind).
CREATE TABLE $(schema).usage_daily_totals (
  subscription_id  nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  day              date NOT NULL,
  dimension        nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  turns            int NOT NULL,
  units            bigint NOT NULL,
  billable_units   bigint NOT NULL,
  tokens           bigint NOT NULL,
  CONSTRAINT pk_usage_daily_totals PRIMARY KEY (subscription_id, day, dimension)
);
GO

-- Top users: one row per (subscription, billing period, user); the second index is in the order `stats` ranks users.
CREATE TABLE $(schema).usage_period_users (
  subscription_id  nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  period_start     datetime2(3) NOT NULL,
  user_id          nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  tenant_id        nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  turns            int NOT NULL,
  units            bigint NOT NULL,
  CONSTRAINT pk_usage_period_users PRIMARY KEY (subscription_id, period_start, user_id)
);
GO
CREATE INDEX ix_usage_period_users_rank ON $(schema).usage_period_users
  (subscription_id, period_start, units DESC, turns DESC, user_id) INCLUDE (tenant_id);
GO

-- What is rolled up already (a period whose events are past the usage retention is partial; `stats` shows only the
-- current one).
INSERT INTO $(schema).usage_daily_totals (subscription_id, day, dimension, turns, units, billable_units, tokens)
  SELECT subscription_id, day, dimension, SUM(turns), SUM(units), SUM(billable_units), SUM(tokens)
  FROM $(schema).usage_daily GROUP BY subscription_id, day, dimension;
INSERT INTO $(schema).usage_period_users (subscription_id, period_start, user_id, tenant_id, turns, units)
  SELECT subscription_id, period_start, user_id, MIN(tenant_id), COUNT(*), SUM(CAST(quantity AS bigint))
  FROM $(schema).usage_events WHERE rolled_up = 1
  GROUP BY subscription_id, period_start, user_id;
