-- Bounded data growth (issue 14). Usage events are rolled up into daily aggregates by a batch job that also deletes
-- raw events past their retention once they are billed and settled; admins' views read the aggregates plus the
-- events not rolled up yet, so their figures stay exact whatever the job has done.

-- One row per (subscription, UTC day, user, usage kind, plan): `day` counts days since 1970-01-01.
CREATE TABLE usage_daily (
  subscription_id  TEXT NOT NULL,
  day              INTEGER NOT NULL,
  user_id          TEXT NOT NULL,
  dimension        TEXT NOT NULL,
  plan_id          TEXT NOT NULL,
  tenant_id        TEXT NOT NULL,
  turns            INTEGER NOT NULL,
  units            INTEGER NOT NULL,
  billable_units   INTEGER NOT NULL,
  tokens           INTEGER NOT NULL,
  PRIMARY KEY (subscription_id, day, user_id, dimension, plan_id)
) WITHOUT ROWID;

-- The job's progress: every usage event whose rowid is at or below `rolled_through` is counted in usage_daily, none
-- above it is. SQLite serialises writers, so rowids are handed out in commit order; a deletion that removes the
-- newest events lowers the mark in the same transaction, so a reused rowid is always above it. `text_scrubbed_through`:
-- the message text of events at or below it is past its retention and gone.
CREATE TABLE usage_rollup_state (
  id                     INTEGER PRIMARY KEY CHECK (id = 1),
  rolled_through         INTEGER NOT NULL,
  text_scrubbed_through  INTEGER NOT NULL
);
INSERT INTO usage_rollup_state (id, rolled_through, text_scrubbed_through) VALUES (1, 0, 0);

-- One holder at a time for maintenance jobs shared by every process on the store (the retention job).
CREATE TABLE maintenance_leases (
  name         TEXT PRIMARY KEY,
  holder       TEXT NOT NULL,
  lease_until  INTEGER NOT NULL
);
