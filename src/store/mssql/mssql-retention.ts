import { UNSETTLED_METERING_STATUSES } from '../../domain/retention';
import type { RetentionRepo } from '../retention-repo';
import { param, type MssqlDatabase } from './mssql-database';

/** Subscriptions a purge or scrub step covers: it walks the subscriptions by id, a few at a time. */
const SUBSCRIPTIONS_PER_STEP = 100;

/**
 * The retention job's steps on Azure SQL. Identity values are handed out before commit, so progress cannot be a
 * mark: each event carries `rolled_up`, set in the transaction that adds it to the aggregates (READPAST skips rows
 * a turn is still writing: the next step takes them). Old events are found through the clustered index
 * (subscription, time), walking the subscriptions by id.
 */
export function mssqlRetention(db: MssqlDatabase): RetentionRepo {
  const s = db.s;
  const unsettled = UNSETTLED_METERING_STATUSES.map((x) => `N'${x}'`).join(', ');
  /** The next few subscriptions after @after, and the last of them (the step's `next`). */
  const window = `
    DECLARE @subs TABLE (id nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL PRIMARY KEY);
    INSERT INTO @subs (id) SELECT TOP (${SUBSCRIPTIONS_PER_STEP}) id FROM ${s}.subscriptions
      WHERE @after IS NULL OR id > @after ORDER BY id;
    DECLARE @last nvarchar(128) = (SELECT MAX(id) FROM @subs);`;

  return {
    async lease(name, holder, now, until) {
      const { rows } = await db.query<{ taken: number }>(
        `SET NOCOUNT ON;
        UPDATE ${s}.maintenance_leases WITH (UPDLOCK, HOLDLOCK) SET holder = @holder, lease_until = @until
        WHERE name = @name AND (lease_until <= @now OR holder = @holder);
        IF @@ROWCOUNT = 0
          INSERT INTO ${s}.maintenance_leases (name, holder, lease_until)
          SELECT @name, @holder, @until
          WHERE NOT EXISTS (SELECT 1 FROM ${s}.maintenance_leases WITH (UPDLOCK, HOLDLOCK) WHERE name = @name);
        SELECT COUNT(*) AS taken FROM ${s}.maintenance_leases WHERE name = @name AND holder = @holder;`,
        { name: param.text(name), holder: param.text(holder), now: param.time(now), until: param.time(until) },
      );
      return (rows[0]?.taken ?? 0) > 0;
    },
    async releaseLease(name, holder) {
      await db.query(`DELETE FROM ${s}.maintenance_leases WHERE name = @name AND holder = @holder`, {
        name: param.text(name),
        holder: param.text(holder),
      });
    },
    async rollUp(limit) {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<{ n: number }>(
          `SET NOCOUNT ON;
          DECLARE @rows TABLE (subscription_id nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
            day date NOT NULL, user_id nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
            dimension nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
            plan_id nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
            tenant_id nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
            quantity int NOT NULL, billable int NOT NULL, tokens int NOT NULL, period_start datetime2(3) NOT NULL);
          UPDATE TOP (@limit) e SET rolled_up = 1
          OUTPUT inserted.subscription_id, CAST(inserted.occurred_at AS date), inserted.user_id, inserted.dimension,
            inserted.plan_id, inserted.tenant_id, inserted.quantity, inserted.billable, inserted.total_tokens,
            inserted.period_start INTO @rows
          FROM ${s}.usage_events AS e WITH (READPAST, ROWLOCK) WHERE e.rolled_up = 0;
          MERGE ${s}.usage_daily WITH (HOLDLOCK) AS d
          USING (SELECT subscription_id, day, user_id, dimension, plan_id, MIN(tenant_id) AS tenant_id, COUNT(*) AS turns,
              SUM(CAST(quantity AS bigint)) AS units, SUM(CAST(billable AS bigint)) AS billable_units,
              SUM(CAST(tokens AS bigint)) AS tokens
            FROM @rows GROUP BY subscription_id, day, user_id, dimension, plan_id) AS r
            ON d.subscription_id = r.subscription_id AND d.day = r.day AND d.user_id = r.user_id
              AND d.dimension = r.dimension AND d.plan_id = r.plan_id
          WHEN MATCHED THEN UPDATE SET turns = d.turns + r.turns, units = d.units + r.units,
            billable_units = d.billable_units + r.billable_units, tokens = d.tokens + r.tokens
          WHEN NOT MATCHED THEN INSERT (subscription_id, day, user_id, dimension, plan_id, tenant_id, turns, units,
              billable_units, tokens)
            VALUES (r.subscription_id, r.day, r.user_id, r.dimension, r.plan_id, r.tenant_id, r.turns, r.units,
              r.billable_units, r.tokens);
          MERGE ${s}.usage_daily_totals WITH (HOLDLOCK) AS d
          USING (SELECT subscription_id, day, dimension, COUNT(*) AS turns, SUM(CAST(quantity AS bigint)) AS units,
              SUM(CAST(billable AS bigint)) AS billable_units, SUM(CAST(tokens AS bigint)) AS tokens
            FROM @rows GROUP BY subscription_id, day, dimension) AS r
            ON d.subscription_id = r.subscription_id AND d.day = r.day AND d.dimension = r.dimension
          WHEN MATCHED THEN UPDATE SET turns = d.turns + r.turns, units = d.units + r.units,
            billable_units = d.billable_units + r.billable_units, tokens = d.tokens + r.tokens
          WHEN NOT MATCHED THEN INSERT (subscription_id, day, dimension, turns, units, billable_units, tokens)
            VALUES (r.subscription_id, r.day, r.dimension, r.turns, r.units, r.billable_units, r.tokens);
          MERGE ${s}.usage_period_users WITH (HOLDLOCK) AS p
          USING (SELECT subscription_id, period_start, user_id, MIN(tenant_id) AS tenant_id, COUNT(*) AS turns,
              SUM(CAST(quantity AS bigint)) AS units
            FROM @rows GROUP BY subscription_id, period_start, user_id) AS r
            ON p.subscription_id = r.subscription_id AND p.period_start = r.period_start AND p.user_id = r.user_id
          WHEN MATCHED THEN UPDATE SET turns = p.turns + r.turns, units = p.units + r.units
          WHEN NOT MATCHED THEN INSERT (subscription_id, period_start, user_id, tenant_id, turns, units)
            VALUES (r.subscription_id, r.period_start, r.user_id, r.tenant_id, r.turns, r.units);
          SELECT COUNT(*) AS n FROM @rows;`,
          { limit: param.int(limit) },
        );
        return rows[0]?.n ?? 0;
      });
    },
    async purgeEvents({ before, limit, after }) {
      const { rows } = await db.query<{ n: number; last: string | null }>(
        `SET NOCOUNT ON;
        ${window}
        DELETE TOP (@limit) e FROM ${s}.usage_events AS e
        JOIN @subs AS w ON w.id = e.subscription_id
        WHERE e.occurred_at < @before AND e.rolled_up = 1
          AND NOT EXISTS (SELECT 1 FROM ${s}.usage_outbox AS o WHERE o.usage_event_id = e.id)
          AND (e.billable = 0 OR NOT EXISTS (SELECT 1 FROM ${s}.metered_usage_reports AS r
            WHERE r.subscription_id = e.subscription_id AND r.dimension = e.dimension AND r.status IN (${unsettled})));
        SELECT @@ROWCOUNT AS n, @last AS last;`,
        { after: param.text(after ?? null), before: param.time(before), limit: param.int(limit) },
      );
      const row = rows[0];
      if (!row?.last) return { rows: row?.n ?? 0 };
      // A full step may have left rows of these subscriptions: the same window again.
      return { rows: row.n, next: row.n >= limit ? (after ?? '') : row.last };
    },
    async scrubText({ before, limit, after }) {
      const { rows } = await db.query<{ n: number; last: string | null }>(
        `SET NOCOUNT ON;
        ${window}
        UPDATE TOP (@limit) e SET message_text = NULL, response_text = NULL
        FROM ${s}.usage_events AS e JOIN @subs AS w ON w.id = e.subscription_id
        WHERE e.occurred_at < @before AND (e.message_text IS NOT NULL OR e.response_text IS NOT NULL);
        SELECT @@ROWCOUNT AS n, @last AS last;`,
        { after: param.text(after ?? null), before: param.time(before), limit: param.int(limit) },
      );
      const row = rows[0];
      if (!row?.last) return { rows: row?.n ?? 0 };
      return { rows: row.n, next: row.n >= limit ? (after ?? '') : row.last };
    },
  };
}
