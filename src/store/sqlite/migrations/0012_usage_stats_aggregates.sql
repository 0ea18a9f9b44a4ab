-- `stats` at the largest tenant's size (issue 14): usage_daily holds one row per (subscription, day, user, usage kind,
-- plan), so a 14-day chart of a 10,000-user tenant added up some 30,000 rows. Two smaller aggregates, kept by the
-- same rollup step in the same transaction (so the rollup mark covers them too), answer it instead.

-- The chart: one row per (subscription, UTC day, usage kind). `day` counts days since 1970-01-01.
CREATE TABLE usage_daily_totals (
  subscription_id  TEXT NOT NULL,
  day              INTEGER NOT NULL,
  dimension        TEXT NOT NULL,
  turns            INTEGER NOT NULL,
  units            INTEGER NOT NULL,
  billable_units   INTEGER NOT NULL,
  tokens           INTEGER NOT NULL,
  PRIMARY KEY (subscription_id, day, dimension)
) WITHOUT ROWID;

-- Top users: one row per (subscription, billing period, user), every usage kind together. The second index is in
-- the order `stats` ranks users, so the five first are read without looking at the others.
CREATE TABLE usage_period_users (
  subscription_id  TEXT NOT NULL,
  period_start     INTEGER NOT NULL,
  user_id          TEXT NOT NULL,
  tenant_id        TEXT NOT NULL,
  turns            INTEGER NOT NULL,
  units            INTEGER NOT NULL,
  PRIMARY KEY (subscription_id, period_start, user_id)
) WITHOUT ROWID;
CREATE INDEX ix_usage_period_users_rank ON usage_period_users (subscription_id, period_start, units DESC, turns DESC, user_id);

-- What is rolled up already: the chart from the per-user aggregates; the periods from the raw events still kept
-- (a period whose events are past the usage retention is partial; `stats` shows only the current one).
INSERT INTO usage_daily_totals (subscription_id, day, dimension, turns, units, billable_units, tokens)
  SELECT subscription_id, day, dimension, SUM(turns), SUM(units), SUM(billable_units), SUM(tokens)
  FROM usage_daily GROUP BY subscription_id, day, dimension;
INSERT INTO usage_period_users (subscription_id, period_start, user_id, tenant_id, turns, units)
  SELECT subscription_id, period_start, user_id, MIN(tenant_id), COUNT(*), SUM(quantity)
  FROM usage_events WHERE rowid <= (SELECT rolled_through FROM usage_rollup_state WHERE id = 1)
  GROUP BY subscription_id, period_start, user_id;
