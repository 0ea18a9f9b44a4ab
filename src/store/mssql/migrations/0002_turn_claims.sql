-- One claim per (tenant, activity) for every admitted turn, shared by every instance on the store: a redelivered
-- activity is answered once across instances. The stale sweep frees claims older than the reservation timeout (a
-- crashed turn). A claim holds quota on each hard-capped dimension its worst case could land on: the holds (the
-- quota_reservations rows) are now keyed by (tenant, activity, dimension).
CREATE TABLE $(schema).turn_claims (
  tenant_id        nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  activity_id      nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL,
  subscription_id  nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
  period_start     datetime2(3) NOT NULL,
  created_at       datetime2(3) NOT NULL,
  CONSTRAINT pk_turn_claims PRIMARY KEY (tenant_id, activity_id)
);
CREATE INDEX ix_turn_claims_created ON $(schema).turn_claims (created_at);
GO

INSERT INTO $(schema).turn_claims (tenant_id, activity_id, subscription_id, period_start, created_at)
SELECT tenant_id, activity_id, subscription_id, period_start, created_at FROM $(schema).quota_reservations;

ALTER TABLE $(schema).quota_reservations DROP CONSTRAINT pk_quota_reservations;
ALTER TABLE $(schema).quota_reservations
  ADD CONSTRAINT pk_quota_reservations PRIMARY KEY (tenant_id, activity_id, dimension);
DROP INDEX ix_quota_reservations_created ON $(schema).quota_reservations;
GO
