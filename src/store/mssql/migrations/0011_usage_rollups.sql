-- Bounded data growth (issue 14), as src/store/sqlite/migrations/0011_usage_rollups.sql. SQL Server hands out
-- identity values before commit, so the embedded store's "rolled up through rowid N" mark would miss a late commit:
-- here each event carries `rolled_up` instead (0 until the rollup job counts it, in the same transaction as the
-- aggregate). Adding a NOT NULL column with a constant default is a metadata change: no table rewrite.
ALTER TABLE $(schema).usage_events ADD rolled_up bit NOT NULL CONSTRAINT df_usage_events_rolled_up DEFAULT 0;
GO

-- The events not rolled up yet, per subscription and time: what the job takes and what admins' views add to the
-- aggregates. Small (the job keeps it to a few minutes of traffic), so the turn's insert pays little for it.
CREATE INDEX ix_usage_events_unrolled ON $(schema).usage_events (subscription_id, occurred_at)
  INCLUDE (user_id, dimension, quantity) WHERE rolled_up = 0;

-- One row per (subscription, UTC day, user, usage kind, plan).
CREATE TABLE $(schema).usage_daily (
  subscription_id  nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  day              date NOT NULL,
  user_id          nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  dimension        nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  plan_id          nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
  tenant_id        nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  turns            int NOT NULL,
  units            bigint NOT NULL,
  billable_units   bigint NOT NULL,
  tokens           bigint NOT NULL,
  CONSTRAINT pk_usage_daily PRIMARY KEY (subscription_id, day, user_id, dimension, plan_id)
);

-- One holder at a time for maintenance jobs shared by every instance on the store (the retention job).
CREATE TABLE $(schema).maintenance_leases (
  name         nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  holder       nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  lease_until  datetime2(3) NOT NULL,
  CONSTRAINT pk_maintenance_leases PRIMARY KEY (name)
);
