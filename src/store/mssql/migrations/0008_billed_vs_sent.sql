-- Billed vs sent (issue 12, part 5), as src/store/sqlite/migrations/0008_billed_vs_sent.sql: what the Marketplace's
-- GET /usageEvents reported per day, subscription, dimension and plan, compared with the metering ledger; the job's
-- runs; and its lease (one run at a time across every instance sharing the store).
CREATE TABLE $(schema).billed_vs_sent_lease (
  job          nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  owner        nvarchar(200) NULL,
  lease_until  datetime2(3) NOT NULL,
  CONSTRAINT pk_billed_vs_sent_lease PRIMARY KEY (job)
);
GO

INSERT INTO $(schema).billed_vs_sent_lease (job, owner, lease_until) VALUES (N'billed-vs-sent', NULL, '1970-01-01T00:00:00');
GO

CREATE TABLE $(schema).billed_vs_sent_runs (
  id                      bigint IDENTITY(1, 1) NOT NULL,
  run_trigger             nvarchar(16) NOT NULL,
  status                  nvarchar(16) NOT NULL,
  owner                   nvarchar(200) NOT NULL,
  started_at              datetime2(3) NOT NULL,
  finished_at             datetime2(3) NULL,
  first_day               char(10) NOT NULL,
  last_day                char(10) NOT NULL,
  matches                 int NOT NULL DEFAULT 0,
  pending                 int NOT NULL DEFAULT 0,
  quantity_mismatches     int NOT NULL DEFAULT 0,
  rejected                int NOT NULL DEFAULT 0,
  missing_at_marketplace  int NOT NULL DEFAULT 0,
  missing_in_ledger       int NOT NULL DEFAULT 0,
  error                   nvarchar(max) NULL,
  CONSTRAINT pk_billed_vs_sent_runs PRIMARY KEY (id)
);
CREATE INDEX ix_billed_vs_sent_runs_status ON $(schema).billed_vs_sent_runs (status, started_at);
GO

CREATE TABLE $(schema).billed_vs_sent_rows (
  usage_day           char(10) NOT NULL,
  subscription_id     nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  dimension           nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  plan_id             nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
  outcome             nvarchar(32) NOT NULL,
  ledger_quantity     float NULL,
  ledger_hours        int NULL,
  submitted_quantity  float NULL,
  processed_quantity  float NULL,
  submitted_count     int NULL,
  recon_status        nvarchar(100) NULL,
  run_id              bigint NOT NULL,
  compared_at         datetime2(3) NOT NULL,
  CONSTRAINT pk_billed_vs_sent_rows PRIMARY KEY (usage_day, subscription_id, dimension, plan_id)
);
CREATE INDEX ix_billed_vs_sent_rows_outcome ON $(schema).billed_vs_sent_rows (outcome, usage_day);
CREATE INDEX ix_billed_vs_sent_rows_subscription ON $(schema).billed_vs_sent_rows (subscription_id, usage_day);
