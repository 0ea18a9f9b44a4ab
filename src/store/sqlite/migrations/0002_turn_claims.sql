-- One claim per (tenant, activity) for every admitted turn, shared by every instance on the store: a redelivered
-- activity is answered once across instances. The stale sweep frees claims older than the reservation timeout (a
-- crashed turn). A claim holds quota on each hard-capped dimension its worst case could land on: the holds are
-- keyed by (tenant, activity, dimension).
CREATE TABLE turn_claims (
  tenant_id        TEXT NOT NULL,
  activity_id      TEXT NOT NULL,
  subscription_id  TEXT NOT NULL,
  period_start     INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, activity_id)
) WITHOUT ROWID;                                    -- written and deleted once per turn: one b-tree less
CREATE INDEX ix_turn_claims_created ON turn_claims (created_at);

INSERT INTO turn_claims (tenant_id, activity_id, subscription_id, period_start, created_at)
SELECT tenant_id, activity_id, subscription_id, period_start, created_at FROM quota_reservations;

-- SQLite cannot change a primary key: the table is rebuilt under its own name.
ALTER TABLE quota_reservations RENAME TO quota_reservations_0001;
CREATE TABLE quota_reservations (
  tenant_id        TEXT NOT NULL,
  activity_id      TEXT NOT NULL,
  dimension        TEXT NOT NULL,
  subscription_id  TEXT NOT NULL,
  period_start     INTEGER NOT NULL,
  quantity         INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, activity_id, dimension)
);
INSERT INTO quota_reservations (tenant_id, activity_id, dimension, subscription_id, period_start, quantity, created_at)
SELECT tenant_id, activity_id, dimension, subscription_id, period_start, quantity, created_at FROM quota_reservations_0001;
DROP TABLE quota_reservations_0001;
