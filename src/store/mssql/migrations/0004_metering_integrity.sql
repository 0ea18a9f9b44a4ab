-- Money never silently lost (issue 9), as src/store/sqlite/migrations/0004_metering_integrity.sql: operators resolve
-- buckets with a note; call-level problems of the worker are kept as alerts while they last.
ALTER TABLE $(schema).metered_usage_reports ADD resolved_by nvarchar(128) NULL, resolution_note nvarchar(max) NULL;
GO

CREATE TABLE $(schema).system_alerts (
  alert_key      nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  message        nvarchar(max) NOT NULL,
  first_seen_at  datetime2(3) NOT NULL,
  last_seen_at   datetime2(3) NOT NULL,
  raise_count    int NOT NULL DEFAULT 1,
  CONSTRAINT pk_system_alerts PRIMARY KEY (alert_key)
);
