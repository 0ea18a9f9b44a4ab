-- When the Marketplace created an operation (its `timeStamp`), or, for a reconciliation, the `lastModified` of the
-- state stored: the newest one applied to a subscription is the mark below which a late delivery is ignored
-- (src/domain/subscription-lifecycle.ts, "an older operation never undoes a newer one"). NULL for local actions.
ALTER TABLE subscription_operations ADD COLUMN operation_time INTEGER;
CREATE INDEX ix_subscription_operations_time ON subscription_operations (subscription_id, status, operation_time);
