-- Money never silently lost (issue 9): operators resolve buckets with a note; call-level problems of the worker
-- (e.g. it cannot authenticate to the Marketplace) are kept as alerts while they last.
ALTER TABLE metered_usage_reports ADD COLUMN resolved_by TEXT;
ALTER TABLE metered_usage_reports ADD COLUMN resolution_note TEXT;

CREATE TABLE system_alerts (
  alert_key      TEXT PRIMARY KEY,
  message        TEXT NOT NULL,
  first_seen_at  INTEGER NOT NULL,
  last_seen_at   INTEGER NOT NULL,
  raise_count    INTEGER NOT NULL DEFAULT 1
);
