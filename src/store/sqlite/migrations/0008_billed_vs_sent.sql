-- Billed vs sent (issue 12, part 5): what the Marketplace's GET /usageEvents reported per day, subscription,
-- dimension and plan, compared with the metering ledger; the job's runs; and its lease (one run at a time across
-- every instance sharing the store). Comparisons of a day are replaced by the next run that compares that day.
CREATE TABLE billed_vs_sent_lease (
  job          TEXT PRIMARY KEY,
  owner        TEXT,
  lease_until  INTEGER NOT NULL
);
INSERT INTO billed_vs_sent_lease (job, owner, lease_until) VALUES ('billed-vs-sent', NULL, 0);

CREATE TABLE billed_vs_sent_runs (
  id                      INTEGER PRIMARY KEY AUTOINCREMENT,
  run_trigger             TEXT NOT NULL,            -- schedule | manual
  status                  TEXT NOT NULL,            -- Running | Done | Failed
  owner                   TEXT NOT NULL,
  started_at              INTEGER NOT NULL,
  finished_at             INTEGER,
  first_day               TEXT NOT NULL,            -- YYYY-MM-DD (UTC), both included
  last_day                TEXT NOT NULL,
  matches                 INTEGER NOT NULL DEFAULT 0,
  pending                 INTEGER NOT NULL DEFAULT 0,
  quantity_mismatches     INTEGER NOT NULL DEFAULT 0,
  rejected                INTEGER NOT NULL DEFAULT 0,
  missing_at_marketplace  INTEGER NOT NULL DEFAULT 0,
  missing_in_ledger       INTEGER NOT NULL DEFAULT 0,
  error                   TEXT
);
CREATE INDEX ix_billed_vs_sent_runs_status ON billed_vs_sent_runs (status, started_at);

CREATE TABLE billed_vs_sent_rows (
  usage_day           TEXT NOT NULL,                -- YYYY-MM-DD (UTC)
  subscription_id     TEXT NOT NULL,
  dimension           TEXT NOT NULL,                -- the offer's dimension id, as the Marketplace reports it
  plan_id             TEXT NOT NULL,
  outcome             TEXT NOT NULL,                -- Match | Pending | QuantityMismatch | Rejected | MissingAtMarketplace | MissingInLedger
  ledger_quantity     REAL,
  ledger_hours        INTEGER,
  submitted_quantity  REAL,
  processed_quantity  REAL,
  submitted_count     INTEGER,
  recon_status        TEXT,
  run_id              INTEGER NOT NULL,
  compared_at         INTEGER NOT NULL,
  PRIMARY KEY (usage_day, subscription_id, dimension, plan_id)
);
CREATE INDEX ix_billed_vs_sent_rows_outcome ON billed_vs_sent_rows (outcome, usage_day);
CREATE INDEX ix_billed_vs_sent_rows_subscription ON billed_vs_sent_rows (subscription_id, usage_day);
