import type { UsageKind } from '../../domain/billing-rules';
import { dayWindow } from '../../domain/retention';
import { overageUnits } from '../../domain/usage';
import type { ClaimOutcome, DailyUsage, RecordOutcome, RecordUsageInput, TurnClaim, UsageRepo } from '../usage-repo';
import { ID_COLLATION, param, type MssqlDatabase, type Queryable, type SqlParams } from './mssql-database';

/**
 * Quota, usage events, counters and the outbox.
 *
 * Lock order, the same in every transaction so that turns do not deadlock each other: turn_claims, then
 * quota_reservations, then usage_events, then usage_counters (by dimension), then usage_outbox and tenant_users.
 */
export function mssqlUsage(db: MssqlDatabase): UsageRepo {
  const s = db.s;

  /**
   * Deletes the claims `where` selects (a predicate on turn_claims), then their holds, and gives the held units back
   * to their counters (never below zero). The batch that includes it declares nothing else called @claims or
   * @released.
   */
  const releaseClaims = (where: string) => `
    DECLARE @claims TABLE (
      tenant_id nvarchar(128) COLLATE ${ID_COLLATION} NOT NULL,
      activity_id nvarchar(256) COLLATE ${ID_COLLATION} NOT NULL);
    DECLARE @released TABLE (
      subscription_id nvarchar(128) COLLATE ${ID_COLLATION} NOT NULL,
      period_start datetime2(3) NOT NULL,
      dimension nvarchar(64) COLLATE ${ID_COLLATION} NOT NULL,
      quantity int NOT NULL);
    DELETE FROM ${s}.turn_claims OUTPUT deleted.tenant_id, deleted.activity_id INTO @claims WHERE ${where};
    DELETE r
    OUTPUT deleted.subscription_id, deleted.period_start, deleted.dimension, deleted.quantity INTO @released
    FROM ${s}.quota_reservations AS r
    JOIN @claims AS c ON c.tenant_id = r.tenant_id AND c.activity_id = r.activity_id;
    UPDATE c SET reserved = CASE WHEN c.reserved > r.quantity THEN c.reserved - r.quantity ELSE 0 END, updated_at = @now
    FROM ${s}.usage_counters AS c
    JOIN (SELECT subscription_id, period_start, dimension, SUM(quantity) AS quantity FROM @released
      GROUP BY subscription_id, period_start, dimension) AS r
      ON r.subscription_id = c.subscription_id AND r.period_start = c.period_start AND r.dimension = c.dimension;`;

  const releaseWhere = async (q: Queryable, where: string, params: SqlParams): Promise<number> => {
    const { rows } = await q.query<{ n: number }>(`${releaseClaims(where)} SELECT COUNT(*) AS n FROM @claims;`, {
      ...params,
      now: param.time(new Date()),
    });
    return rows[0]?.n ?? 0;
  };

  // The claim row is inserted first: it makes a redelivery of an activity in flight a duplicate, and the
  // usage_events check after it (once that row is ours) catches an activity already recorded. Then the quota
  // decision is one conditional UPDATE per held dimension, in dimension order (the lock order): concurrent turns at
  // the cap queue on the counter row, and each sees the units the ones before it took, so none can take the last
  // unit twice. The first hold that does not fit rolls everything back, claim included.
  const claimBatch = `
    SET NOCOUNT ON;
    DECLARE @h TABLE (
      dimension nvarchar(64) COLLATE ${ID_COLLATION} NOT NULL PRIMARY KEY,
      quantity int NOT NULL,
      lim int NOT NULL);
    INSERT INTO @h (dimension, quantity, lim)
    SELECT dimension, quantity, lim FROM OPENJSON(@holds)
      WITH (dimension nvarchar(64) '$.dimension', quantity int '$.quantity', lim int '$.limit');
    INSERT INTO ${s}.usage_counters (subscription_id, period_start, dimension, used, reserved, updated_at)
    SELECT @sub, @period, h.dimension, 0, 0, @at FROM @h AS h
    WHERE NOT EXISTS (SELECT 1 FROM ${s}.usage_counters WITH (UPDLOCK, HOLDLOCK)
      WHERE subscription_id = @sub AND period_start = @period AND dimension = h.dimension);
    BEGIN TRANSACTION;
    INSERT INTO ${s}.turn_claims (tenant_id, activity_id, subscription_id, period_start, created_at)
    SELECT @tenant, @activity, @sub, @period, @at
    WHERE NOT EXISTS (SELECT 1 FROM ${s}.turn_claims WITH (UPDLOCK, HOLDLOCK)
      WHERE tenant_id = @tenant AND activity_id = @activity);
    IF @@ROWCOUNT = 0 OR EXISTS (SELECT 1 FROM ${s}.usage_events WHERE tenant_id = @tenant AND activity_id = @activity)
    BEGIN
      ROLLBACK TRANSACTION;
      SELECT N'duplicate' AS outcome, NULL AS dimension, 0 AS used, 0 AS reserved;
      RETURN;
    END;
    DECLARE @dim nvarchar(64) = (SELECT MIN(dimension) FROM @h);
    WHILE @dim IS NOT NULL
    BEGIN
      UPDATE c SET reserved = c.reserved + h.quantity, updated_at = @at
      FROM ${s}.usage_counters AS c JOIN @h AS h ON h.dimension = c.dimension
      WHERE c.subscription_id = @sub AND c.period_start = @period AND c.dimension = @dim
        AND c.used + c.reserved + h.quantity <= h.lim;
      IF @@ROWCOUNT = 0
      BEGIN
        ROLLBACK TRANSACTION;
        SELECT N'exceeded' AS outcome, dimension, used, reserved FROM ${s}.usage_counters
        WHERE subscription_id = @sub AND period_start = @period AND dimension = @dim;
        RETURN;
      END;
      SET @dim = (SELECT MIN(dimension) FROM @h WHERE dimension > @dim);
    END;
    INSERT INTO ${s}.quota_reservations (tenant_id, activity_id, dimension, subscription_id, period_start, quantity, created_at)
    SELECT @tenant, @activity, dimension, @sub, @period, quantity, @at FROM @h;
    COMMIT TRANSACTION;
    SELECT N'ok' AS outcome, NULL AS dimension, 0 AS used, 0 AS reserved;`;

  // First half of recording a turn (inside the caller's transaction): settle the claim and its holds, insert the event
  // unless this (tenant, activity) is already recorded, add the real quantity to the counter. The key-range lock
  // of the NOT EXISTS makes a concurrent second delivery wait, then find the row.
  const recordEventBatch = `
    SET NOCOUNT ON;
    ${releaseClaims('@settle = 1 AND tenant_id = @tenant AND activity_id = @activity')}
    INSERT INTO ${s}.usage_events (id, tenant_id, activity_id, subscription_id, plan_id, user_id, conversation_id,
      conversation_type, dimension, quantity, prompt_tokens, completion_tokens, total_tokens, processing_ms,
      attachment_count, text_length, message_text, response_text, occurred_at, period_start)
    SELECT @id, @tenant, @activity, @sub, @plan, @user, @conversation, @conversationType, @dim, @quantity,
      @promptTokens, @completionTokens, @totalTokens, @processingMs, @attachments, @textLength, @messageText,
      @responseText, @occurredAt, @period
    WHERE NOT EXISTS (SELECT 1 FROM ${s}.usage_events WITH (UPDLOCK, HOLDLOCK)
      WHERE tenant_id = @tenant AND activity_id = @activity);
    IF @@ROWCOUNT = 0
    BEGIN
      SELECT CAST(1 AS bit) AS duplicate, 0 AS used_after;
      RETURN;
    END;
    INSERT INTO ${s}.usage_counters (subscription_id, period_start, dimension, used, reserved, updated_at)
    SELECT @sub, @period, @dim, 0, 0, @now
    WHERE NOT EXISTS (SELECT 1 FROM ${s}.usage_counters WITH (UPDLOCK, HOLDLOCK)
      WHERE subscription_id = @sub AND period_start = @period AND dimension = @dim);
    DECLARE @counted TABLE (used int NOT NULL);
    UPDATE ${s}.usage_counters SET used = used + @quantity, updated_at = @now
    OUTPUT inserted.used INTO @counted (used)
    WHERE subscription_id = @sub AND period_start = @period AND dimension = @dim;
    SELECT CAST(0 AS bit) AS duplicate, used AS used_after FROM @counted;`;

  // Second half: the billable units (worked out by the domain rule from the counter above), the outbox message,
  // and the user's display name when it is new or changed.
  const recordTailBatch = `
    SET NOCOUNT ON;
    IF @billable > 0 UPDATE ${s}.usage_events SET billable = @billable WHERE id = @id;
    INSERT INTO ${s}.usage_outbox (usage_event_id, enqueued_at) VALUES (@id, @now);
    IF @seeUser = 1
    BEGIN
      MERGE ${s}.tenant_users WITH (HOLDLOCK) AS t
      USING (SELECT @tenant AS tenant_id, @user AS user_id) AS src
        ON t.tenant_id = src.tenant_id AND t.user_id = src.user_id
      WHEN MATCHED THEN UPDATE SET user_name = COALESCE(@userName, t.user_name), last_seen = @occurredAt
      WHEN NOT MATCHED THEN INSERT (tenant_id, user_id, user_name, last_seen) VALUES (@tenant, @user, @userName, @occurredAt);
    END;`;

  // Admins' views: whole UTC days, from the aggregates plus the events not rolled up yet.
  const dailyRolledAndTail = `
    SELECT d.day, d.dimension, d.turns, d.units FROM ${s}.usage_daily_totals AS d
      WHERE d.subscription_id = @sub AND d.day >= CAST(@start AS date) AND d.day < CAST(@end AS date)
    UNION ALL
    SELECT CAST(e.occurred_at AS date), e.dimension, 1, e.quantity
      FROM ${s}.usage_events AS e WITH (INDEX (ix_usage_events_unrolled))
      WHERE e.subscription_id = @sub AND e.rolled_up = 0 AND e.occurred_at >= @start AND e.occurred_at < @end`;
  // Top users, exact without adding up every user of the period (see sqlite-usage.ts): the first @limit rolled-up
  // users in rank order (ix_usage_period_users_rank stops there) and every user of the tail are the only candidates.
  // The tail is read under the same snapshot as the aggregates: the statement's row versions (READ COMMITTED
  // SNAPSHOT, Azure SQL's default) see the rollup's transaction whole or not at all.
  const topUsersQuery = `
    WITH tail AS (
      SELECT e.user_id, MIN(e.tenant_id) AS tenant_id, COUNT(*) AS turns, SUM(CAST(e.quantity AS bigint)) AS units
      FROM ${s}.usage_events AS e WITH (INDEX (ix_usage_events_unrolled))
      WHERE e.subscription_id = @sub AND e.rolled_up = 0 AND e.period_start = @period GROUP BY e.user_id),
    ranked AS (
      SELECT TOP (@limit) p.user_id FROM ${s}.usage_period_users AS p
      WHERE p.subscription_id = @sub AND p.period_start = @period ORDER BY p.units DESC, p.turns DESC, p.user_id),
    candidates AS (SELECT user_id FROM ranked UNION SELECT user_id FROM tail)
    SELECT TOP (@limit) c.user_id, u.user_name, x.turns, x.quantity
    FROM candidates AS c
    LEFT JOIN ${s}.usage_period_users AS r
      ON r.subscription_id = @sub AND r.period_start = @period AND r.user_id = c.user_id
    LEFT JOIN tail AS t ON t.user_id = c.user_id
    CROSS APPLY (SELECT COALESCE(r.tenant_id, t.tenant_id) AS tenant_id,
      CAST(COALESCE(r.turns, 0) + COALESCE(t.turns, 0) AS int) AS turns,
      COALESCE(r.units, 0) + COALESCE(t.units, 0) AS quantity) AS x
    LEFT JOIN ${s}.tenant_users AS u ON u.tenant_id = x.tenant_id AND u.user_id = c.user_id
    ORDER BY x.quantity DESC, x.turns DESC, c.user_id`;
  const windowParams = (subscriptionId: string, from: Date, to: Date) => {
    const w = dayWindow(from, to);
    return {
      sub: param.text(subscriptionId),
      start: param.time(new Date(w.start)),
      end: param.time(new Date(w.end)),
    };
  };

  // Display names are written when first seen or changed, not on every turn.
  const knownNames = new Map<string, string | null>();
  const nameKey = (tenantId: string, userId: string) => `${tenantId}\u0000${userId}`;

  const record = async (input: RecordUsageInput): Promise<{ outcome: RecordOutcome; sawUser: boolean }> => {
    const e = input.event;
    const now = new Date();
    const userName = input.userName ?? null;
    const seeUser = knownNames.get(nameKey(e.tenantId, e.userId)) !== userName;
    return db.transaction(async (tx) => {
      const common = {
        id: param.text(e.id),
        tenant: param.text(e.tenantId),
        user: param.text(e.userId),
        occurredAt: param.time(e.occurredAt),
        now: param.time(now),
      };
      const first = await tx.query<{ duplicate: boolean; used_after: number }>(recordEventBatch, {
        ...common,
        settle: param.bit(input.reserved === true),
        activity: param.text(e.activityId),
        sub: param.text(e.subscriptionId),
        plan: param.text(e.planId),
        conversation: param.text(e.conversationId),
        conversationType: param.text(e.conversationType),
        dim: param.text(e.dimension),
        quantity: param.int(e.quantity),
        promptTokens: param.int(e.promptTokens),
        completionTokens: param.int(e.completionTokens),
        totalTokens: param.int(e.totalTokens),
        processingMs: param.int(e.processingMs),
        attachments: param.int(e.attachmentCount),
        textLength: param.int(e.textLength),
        messageText: param.longText(e.messageText),
        responseText: param.longText(e.responseText),
        period: param.time(e.periodStart),
      });
      const row = first.rows[0];
      if (!row) throw new Error('recording a usage event returned no outcome');
      // A redelivery: the reservation it held is settled (above) and nothing else changes.
      if (row.duplicate) return { outcome: { status: 'duplicate' }, sawUser: false };
      const usedBefore = row.used_after - e.quantity;
      const billable = input.overage ? overageUnits(usedBefore, e.quantity, input.included) : 0;
      await tx.query(recordTailBatch, {
        ...common,
        billable: param.int(billable),
        seeUser: param.bit(seeUser),
        userName: param.text(userName),
      });
      return { outcome: { status: 'recorded', usedBefore, billable }, sawUser: seeUser };
    });
  };

  return {
    async claim(c: TurnClaim): Promise<ClaimOutcome> {
      const { rows } = await db.query<{
        outcome: 'ok' | 'duplicate' | 'exceeded';
        dimension: UsageKind | null;
        used: number;
        reserved: number;
      }>(claimBatch, {
        tenant: param.text(c.tenantId),
        activity: param.text(c.activityId),
        sub: param.text(c.subscriptionId),
        period: param.time(c.periodStart),
        holds: param.longText(
          JSON.stringify(c.holds.map((h) => ({ dimension: h.dimension, quantity: h.quantity, limit: h.limit }))),
        ),
        at: param.time(c.at),
      });
      const row = rows[0];
      if (!row) throw new Error('claiming a turn returned no outcome');
      if (row.outcome === 'ok') return { ok: true };
      if (row.outcome === 'duplicate' || !row.dimension) return { ok: false, reason: 'duplicate' };
      return { ok: false, reason: 'exceeded', dimension: row.dimension, used: row.used, reserved: row.reserved };
    },
    async release(tenantId, activityId) {
      const n = await db.transaction((tx) =>
        releaseWhere(tx, 'tenant_id = @tenant AND activity_id = @activity', {
          tenant: param.text(tenantId),
          activity: param.text(activityId),
        }),
      );
      return n > 0;
    },
    async releaseStale(createdBefore) {
      return db.transaction((tx) => releaseWhere(tx, 'created_at < @before', { before: param.time(createdBefore) }));
    },
    async record(input) {
      const { outcome, sawUser } = await record(input);
      // Only once committed: a transaction that runs again (deadlock) must write the name again.
      if (sawUser) {
        const e = input.event;
        if (knownNames.size >= 50_000) knownNames.clear();
        knownNames.set(nameKey(e.tenantId, e.userId), input.userName ?? null);
      }
      return outcome;
    },
    async counters(subscriptionId, periodStart) {
      const { rows } = await db.query<{ dimension: UsageKind; used: number; reserved: number }>(
        `SELECT dimension, used, reserved FROM ${s}.usage_counters
        WHERE subscription_id = @sub AND period_start = @period ORDER BY dimension`,
        { sub: param.text(subscriptionId), period: param.time(periodStart) },
      );
      return rows.map((r) => ({ subscriptionId, periodStart, dimension: r.dimension, used: r.used, reserved: r.reserved }));
    },
    // The daily aggregates plus the events not rolled up yet, in one statement (one snapshot under Azure SQL's
    // read committed snapshot): an event is counted in exactly one of them.
    async daily(subscriptionId, from, to) {
      const { rows } = await db.query<DailyUsage>(
        `SELECT CONVERT(char(10), x.day, 23) AS day, x.dimension, SUM(x.turns) AS turns, SUM(x.units) AS quantity
        FROM (${dailyRolledAndTail}) AS x
        GROUP BY x.day, x.dimension ORDER BY x.day, x.dimension`,
        windowParams(subscriptionId, from, to),
      );
      return rows.map((r) => ({ day: r.day, dimension: r.dimension, turns: r.turns, quantity: Number(r.quantity) }));
    },
    async topUsers(subscriptionId, periodStart, limit) {
      const { rows } = await db.query<{ user_id: string; user_name: string | null; turns: number; quantity: number | string }>(
        topUsersQuery,
        { sub: param.text(subscriptionId), period: param.time(periodStart), limit: param.int(limit) },
      );
      return rows.map((r) => ({
        userId: r.user_id,
        ...(r.user_name ? { userName: r.user_name } : {}),
        turns: r.turns,
        quantity: Number(r.quantity),
      }));
    },
  };
}
