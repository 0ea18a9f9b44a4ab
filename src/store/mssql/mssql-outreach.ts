import { isNoticeKind } from '../../domain/tenant-notices';
import { alertEventFromJson, alertEventJson, conversationFromRow, deliveryState, toDeliveryLogEntry } from '../alert-event-rows';
import type { DeliveryLogRow, DeliveryRow } from '../alert-event-rows';
import type { AlertChannel, AlertEventRepo, ConversationRepo, DeliveryStatus, NoticeRepo } from '../outreach-repos';
import { isUniqueViolation, param, type MssqlDatabase } from './mssql-database';

/** Conversation references (as sqlite-outreach.ts). */
export function mssqlConversations(db: MssqlDatabase): ConversationRepo {
  const s = db.s;
  return {
    async save(c) {
      await db.query(
        `MERGE ${s}.conversation_refs WITH (HOLDLOCK) AS t
        USING (SELECT @key AS ref_key) AS k ON t.ref_key = k.ref_key
        WHEN MATCHED THEN UPDATE SET address = @address, locale = @locale, client = @client, updated_at = @at
        WHEN NOT MATCHED THEN INSERT (ref_key, address, locale, client, updated_at) VALUES (@key, @address, @locale, @client, @at);`,
        {
          key: param.text(c.key),
          address: param.longText(JSON.stringify(c.address)),
          locale: param.text(c.locale),
          client: param.text(c.client),
          at: param.time(c.updatedAt),
        },
      );
    },
    async get(key) {
      const { rows } = await db.query<{ ref_key: string; address: string; locale: string; client: string; updated_at: Date }>(
        `SELECT * FROM ${s}.conversation_refs WHERE ref_key = @key`,
        { key: param.text(key) },
      );
      const row = rows[0];
      return row ? conversationFromRow({ ...row, updatedAt: row.updated_at }) : undefined;
    },
    async remove(key) {
      const { rowsAffected } = await db.query(`DELETE FROM ${s}.conversation_refs WHERE ref_key = @key`, { key: param.text(key) });
      return (rowsAffected[0] ?? 0) > 0;
    },
  };
}

/** Operator alert events, deliveries and the delivery log (as sqlite-outreach.ts). */
export function mssqlAlertEvents(db: MssqlDatabase): AlertEventRepo {
  const s = db.s;
  return {
    record(event, channels) {
      return db.transaction(async (tx) => {
        const at = param.time(event.occurredAt);
        // UPDLOCK + HOLDLOCK: concurrent raises of one problem queue here, so it is recorded once.
        const { rows } = await tx.query<{ state: string; resolved_at: Date | null }>(
          `SELECT state, resolved_at FROM ${s}.alert_problems WITH (UPDLOCK, HOLDLOCK) WHERE problem = @problem`,
          { problem: param.text(event.problem) },
        );
        const known = rows[0];
        if (known && known.resolved_at === null && known.state === event.state) {
          await tx.query(`UPDATE ${s}.alert_problems SET repeat_count = repeat_count + 1, updated_at = @at WHERE problem = @problem`, {
            at,
            problem: param.text(event.problem),
          });
          return 'duplicate' as const;
        }
        const values = { problem: param.text(event.problem), state: param.text(event.state), id: param.text(event.id), at };
        await tx.query(
          known
            ? `UPDATE ${s}.alert_problems SET state = @state, event_id = @id, repeat_count = 0, resolved_at = NULL, updated_at = @at
               WHERE problem = @problem`
            : `INSERT INTO ${s}.alert_problems (problem, state, event_id, repeat_count, resolved_at, updated_at)
               VALUES (@problem, @state, @id, 0, NULL, @at)`,
          values,
        );
        await tx.query(
          `INSERT INTO ${s}.alert_events (id, type, problem, event, occurred_at) VALUES (@id, @type, @problem, @event, @at)`,
          { ...values, type: param.text(event.type), event: param.longText(alertEventJson(event)) },
        );
        for (const channel of channels)
          await tx.query(
            `INSERT INTO ${s}.alert_deliveries (event_id, channel, status, attempts, next_attempt_at) VALUES (@id, @channel, 'pending', 0, @at)`,
            { id: param.text(event.id), channel: param.text(channel), at },
          );
        return 'recorded' as const;
      });
    },
    async resolve(problem, at) {
      const { rowsAffected } = await db.query(
        `UPDATE ${s}.alert_problems SET resolved_at = @at, updated_at = @at WHERE problem = @problem AND resolved_at IS NULL`,
        { at: param.time(at), problem: param.text(problem) },
      );
      return (rowsAffected[0] ?? 0) > 0;
    },
    async claimDue({ now, leaseUntil, limit }) {
      // READPAST: two instances claiming at once take different rows instead of waiting for each other. OUTPUT
      // allows no subquery, so the claimed keys go through a table variable and are joined to their events after.
      const { rows } = await db.query<{ event_id: string; channel: AlertChannel; attempts: number; event: string }>(
        `DECLARE @claimed TABLE (
          event_id nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
          channel nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
          attempts int NOT NULL,
          due_at datetime2(3) NULL);
        WITH due AS (
          SELECT TOP (@limit) d.* FROM ${s}.alert_deliveries AS d WITH (UPDLOCK, READPAST, ROWLOCK)
          WHERE d.status = 'pending' AND d.next_attempt_at <= @now ORDER BY d.next_attempt_at, d.event_id)
        UPDATE due SET next_attempt_at = @lease
        OUTPUT inserted.event_id, inserted.channel, inserted.attempts, deleted.next_attempt_at INTO @claimed;
        SELECT c.event_id, c.channel, c.attempts, e.event FROM @claimed AS c
        JOIN ${s}.alert_events AS e ON e.id = c.event_id
        ORDER BY c.due_at, c.event_id;`,
        { limit: param.int(limit), now: param.time(now), lease: param.time(leaseUntil) },
      );
      return rows.map((r) => ({ event: alertEventFromJson(r.event), channel: r.channel, attempts: r.attempts }));
    },
    async settle(a) {
      const counted = a.outcome === 'skipped' ? 0 : 1;
      const status: DeliveryStatus = a.outcome === 'retry' ? 'pending' : a.outcome;
      await db.transaction(async (tx) => {
        const { rows } = await tx.query<{ attempts: number }>(
          `UPDATE ${s}.alert_deliveries SET status = @status, attempts = attempts + @counted, next_attempt_at = @next,
            delivered_at = COALESCE(@delivered, delivered_at), last_error = @error
          OUTPUT inserted.attempts
          WHERE event_id = @id AND channel = @channel`,
          {
            status: param.text(status),
            counted: param.int(counted),
            next: param.time(a.outcome === 'retry' ? (a.nextAttemptAt ?? a.at) : null),
            delivered: param.time(a.outcome === 'delivered' ? a.at : null),
            error: param.text(a.outcome === 'delivered' ? null : (a.detail ?? null)),
            id: param.text(a.eventId),
            channel: param.text(a.channel),
          },
        );
        await tx.query(
          `INSERT INTO ${s}.alert_delivery_log (event_id, channel, attempt, outcome, at, http_status, duration_ms, detail)
          VALUES (@id, @channel, @attempt, @outcome, @at, @status, @ms, @detail)`,
          {
            id: param.text(a.eventId),
            channel: param.text(a.channel),
            attempt: param.int(rows[0]?.attempts ?? counted),
            outcome: param.text(a.outcome),
            at: param.time(a.at),
            status: param.int(a.httpStatus ?? null),
            ms: param.int(a.durationMs ?? null),
            detail: param.text(a.detail ?? null),
          },
        );
      });
    },
    async recent(limit) {
      const { rows } = await db.query<{ id: string; event: string; repeat_count: number | null; current_event: string | null }>(
        `SELECT TOP (@limit) e.id, e.event, p.repeat_count, p.event_id AS current_event FROM ${s}.alert_events AS e
        LEFT JOIN ${s}.alert_problems AS p ON p.problem = e.problem ORDER BY e.occurred_at DESC, e.id DESC`,
        { limit: param.int(limit) },
      );
      const out = [];
      for (const r of rows) {
        const deliveries = await db.query<DeliveryRow>(
          `SELECT * FROM ${s}.alert_deliveries WHERE event_id = @id ORDER BY channel`,
          { id: param.text(r.id) },
        );
        out.push({
          event: alertEventFromJson(r.event),
          repeats: r.current_event === r.id ? (r.repeat_count ?? 0) : 0,
          deliveries: deliveries.rows.map(deliveryState),
        });
      }
      return out;
    },
    async log(eventId) {
      const { rows } = await db.query<DeliveryLogRow>(
        `SELECT * FROM ${s}.alert_delivery_log WHERE event_id = @id ORDER BY id`,
        { id: param.text(eventId) },
      );
      return rows.map(toDeliveryLogEntry);
    },
    prune(before) {
      return db.transaction(async (tx) => {
        const old = `SELECT e.id FROM ${s}.alert_events AS e WHERE e.occurred_at < @before
          AND NOT EXISTS (SELECT 1 FROM ${s}.alert_deliveries AS d WHERE d.event_id = e.id AND d.status = 'pending')`;
        const params = { before: param.time(before) };
        await tx.query(`DELETE FROM ${s}.alert_delivery_log WHERE event_id IN (${old})`, params);
        await tx.query(`DELETE FROM ${s}.alert_deliveries WHERE event_id IN (${old})`, params);
        const { rowsAffected } = await tx.query(`DELETE FROM ${s}.alert_events WHERE id IN (${old})`, params);
        return rowsAffected[0] ?? 0;
      });
    },
  };
}

/** Tenant notices claimed once and notification preferences (as sqlite-outreach.ts). */
export function mssqlNotices(db: MssqlDatabase): NoticeRepo {
  const s = db.s;
  return {
    async claim({ tenantId, key, kind, at }) {
      try {
        await db.query(
          `INSERT INTO ${s}.tenant_notices (tenant_id, notice_key, kind, sent_at) VALUES (@tenant, @key, @kind, @at)`,
          { tenant: param.text(tenantId), key: param.text(key), kind: param.text(kind), at: param.time(at) },
        );
        return true;
      } catch (thrown) {
        // The unique key: another turn or instance claimed this notice first.
        if (isUniqueViolation(thrown)) return false;
        throw thrown;
      }
    },
    async disabledKinds(tenantId) {
      const { rows } = await db.query<{ kind: string }>(
        `SELECT kind FROM ${s}.notification_preferences WHERE tenant_id = @tenant AND enabled = 0 ORDER BY kind`,
        { tenant: param.text(tenantId) },
      );
      return rows.map((r) => r.kind).filter(isNoticeKind);
    },
    async setEnabled({ tenantId, kind, enabled, by, at }) {
      await db.query(
        `MERGE ${s}.notification_preferences WITH (HOLDLOCK) AS t
        USING (SELECT @tenant AS tenant_id, @kind AS kind) AS k ON t.tenant_id = k.tenant_id AND t.kind = k.kind
        WHEN MATCHED THEN UPDATE SET enabled = @enabled, updated_by = @by, updated_at = @at
        WHEN NOT MATCHED THEN INSERT (tenant_id, kind, enabled, updated_by, updated_at) VALUES (@tenant, @kind, @enabled, @by, @at);`,
        { tenant: param.text(tenantId), kind: param.text(kind), enabled: param.bit(enabled), by: param.text(by), at: param.time(at) },
      );
    },
    async prune(before) {
      const { rowsAffected } = await db.query(`DELETE FROM ${s}.tenant_notices WHERE sent_at < @before`, { before: param.time(before) });
      return rowsAffected[0] ?? 0;
    },
  };
}
