import type Database from 'better-sqlite3';
import { isNoticeKind } from '../../domain/tenant-notices';
import { alertEventFromJson, alertEventJson, conversationFromRow, deliveryState, toDeliveryLogEntry } from '../alert-event-rows';
import type { DeliveryLogRow, DeliveryRow } from '../alert-event-rows';
import type { AlertChannel, AlertEventRepo, ConversationRepo, DeliveryStatus, NoticeRepo } from '../outreach-repos';
import type { WriteBatcher } from './write-batcher';

interface ConversationRow {
  ref_key: string;
  address: string;
  locale: string;
  client: string;
  updated_at: number;
}

/** Conversation references (see ConversationRepo). */
export function sqliteConversations(db: Database.Database, batcher: WriteBatcher): ConversationRepo {
  const save = db.prepare(`INSERT INTO conversation_refs (ref_key, address, locale, client, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (ref_key) DO UPDATE SET address = excluded.address, locale = excluded.locale, client = excluded.client,
      updated_at = excluded.updated_at`);
  const get = db.prepare('SELECT * FROM conversation_refs WHERE ref_key = ?');
  const remove = db.prepare('DELETE FROM conversation_refs WHERE ref_key = ?');
  return {
    async save(c) {
      await batcher.run(() => save.run(c.key, JSON.stringify(c.address), c.locale, c.client, c.updatedAt.getTime()));
    },
    get(key) {
      const row = get.get(key) as ConversationRow | undefined;
      return Promise.resolve(row ? conversationFromRow({ ...row, updatedAt: new Date(row.updated_at) }) : undefined);
    },
    async remove(key) {
      return batcher.run(() => remove.run(key).changes > 0);
    },
  };
}

/** Operator alert events, their deliveries and the delivery log (see AlertEventRepo). */
export function sqliteAlertEvents(db: Database.Database, batcher: WriteBatcher): AlertEventRepo {
  const problem = db.prepare('SELECT state, resolved_at FROM alert_problems WHERE problem = ?');
  const repeat = db.prepare('UPDATE alert_problems SET repeat_count = repeat_count + 1, updated_at = ? WHERE problem = ?');
  const upsertProblem = db.prepare(`INSERT INTO alert_problems (problem, state, event_id, repeat_count, resolved_at, updated_at)
    VALUES (?, ?, ?, 0, NULL, ?)
    ON CONFLICT (problem) DO UPDATE SET state = excluded.state, event_id = excluded.event_id, repeat_count = 0,
      resolved_at = NULL, updated_at = excluded.updated_at`);
  const insertEvent = db.prepare('INSERT INTO alert_events (id, type, problem, event, occurred_at) VALUES (?, ?, ?, ?, ?)');
  const insertDelivery = db.prepare(`INSERT INTO alert_deliveries (event_id, channel, status, attempts, next_attempt_at)
    VALUES (?, ?, 'pending', 0, ?)`);
  const resolve = db.prepare('UPDATE alert_problems SET resolved_at = ?, updated_at = ? WHERE problem = ? AND resolved_at IS NULL');
  const due = db.prepare(`SELECT d.event_id, d.channel, d.attempts, e.event FROM alert_deliveries d
    JOIN alert_events e ON e.id = d.event_id
    WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.event_id LIMIT ?`);
  const lease = db.prepare(`UPDATE alert_deliveries SET next_attempt_at = ? WHERE event_id = ? AND channel = ?`);
  const attemptsOf = db.prepare('SELECT attempts FROM alert_deliveries WHERE event_id = ? AND channel = ?');
  const settle = db.prepare(`UPDATE alert_deliveries SET status = ?, attempts = attempts + ?, next_attempt_at = ?,
    delivered_at = COALESCE(?, delivered_at), last_error = ? WHERE event_id = ? AND channel = ?`);
  const log = db.prepare(`INSERT INTO alert_delivery_log (event_id, channel, attempt, outcome, at, http_status, duration_ms, detail)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const recent = db.prepare(`SELECT e.id, e.event, p.repeat_count, p.event_id AS current_event FROM alert_events e
    LEFT JOIN alert_problems p ON p.problem = e.problem ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?`);
  const deliveriesOf = db.prepare('SELECT * FROM alert_deliveries WHERE event_id = ? ORDER BY channel');
  const logOf = db.prepare('SELECT * FROM alert_delivery_log WHERE event_id = ? ORDER BY id');
  const old = `SELECT e.id FROM alert_events e WHERE e.occurred_at < ?
    AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.event_id = e.id AND d.status = 'pending')`;
  const pruneLog = db.prepare(`DELETE FROM alert_delivery_log WHERE event_id IN (${old})`);
  const pruneDeliveries = db.prepare(`DELETE FROM alert_deliveries WHERE event_id IN (${old})`);
  const pruneEvents = db.prepare(`DELETE FROM alert_events WHERE id IN (${old})`);

  return {
    async record(event, channels) {
      return batcher.run(() => {
        const at = event.occurredAt.getTime();
        const known = problem.get(event.problem) as { state: string; resolved_at: number | null } | undefined;
        if (known && known.resolved_at === null && known.state === event.state) {
          repeat.run(at, event.problem);
          return 'duplicate' as const;
        }
        upsertProblem.run(event.problem, event.state, event.id, at);
        insertEvent.run(event.id, event.type, event.problem, alertEventJson(event), at);
        for (const channel of channels) insertDelivery.run(event.id, channel, at);
        return 'recorded' as const;
      });
    },
    async resolve(name, at) {
      return batcher.run(() => resolve.run(at.getTime(), at.getTime(), name).changes > 0);
    },
    async claimDue({ now, leaseUntil, limit }) {
      return batcher.run(() => {
        const rows = due.all(now.getTime(), limit) as { event_id: string; channel: AlertChannel; attempts: number; event: string }[];
        for (const r of rows) lease.run(leaseUntil.getTime(), r.event_id, r.channel);
        return rows.map((r) => ({ event: alertEventFromJson(r.event), channel: r.channel, attempts: r.attempts }));
      });
    },
    async settle(a) {
      await batcher.run(() => {
        const before = (attemptsOf.get(a.eventId, a.channel) as { attempts: number } | undefined)?.attempts ?? 0;
        const counted = a.outcome === 'skipped' ? 0 : 1;
        const status: DeliveryStatus = a.outcome === 'retry' ? 'pending' : a.outcome;
        settle.run(
          status,
          counted,
          a.outcome === 'retry' ? (a.nextAttemptAt?.getTime() ?? a.at.getTime()) : null,
          a.outcome === 'delivered' ? a.at.getTime() : null,
          a.outcome === 'delivered' ? null : (a.detail ?? null),
          a.eventId,
          a.channel,
        );
        log.run(a.eventId, a.channel, before + counted, a.outcome, a.at.getTime(), a.httpStatus ?? null, a.durationMs ?? null, a.detail ?? null);
      });
    },
    recent(limit) {
      const rows = recent.all(limit) as { id: string; event: string; repeat_count: number | null; current_event: string | null }[];
      return Promise.resolve(
        rows.map((r) => ({
          event: alertEventFromJson(r.event),
          repeats: r.current_event === r.id ? (r.repeat_count ?? 0) : 0,
          deliveries: (deliveriesOf.all(r.id) as DeliveryRow[]).map(deliveryState),
        })),
      );
    },
    log(eventId) {
      return Promise.resolve((logOf.all(eventId) as DeliveryLogRow[]).map(toDeliveryLogEntry));
    },
    async prune(before) {
      return batcher.run(() => {
        const at = before.getTime();
        pruneLog.run(at);
        pruneDeliveries.run(at);
        return pruneEvents.run(at).changes;
      });
    },
  };
}

/** Tenant notices claimed once, and each tenant's notification preferences (see NoticeRepo). */
export function sqliteNotices(db: Database.Database, batcher: WriteBatcher): NoticeRepo {
  const claim = db.prepare(`INSERT INTO tenant_notices (tenant_id, notice_key, kind, sent_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (tenant_id, notice_key) DO NOTHING`);
  const pruneNotices = db.prepare('DELETE FROM tenant_notices WHERE sent_at < ?');
  const disabled = db.prepare('SELECT kind FROM notification_preferences WHERE tenant_id = ? AND enabled = 0 ORDER BY kind');
  const set = db.prepare(`INSERT INTO notification_preferences (tenant_id, kind, enabled, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (tenant_id, kind) DO UPDATE SET enabled = excluded.enabled, updated_by = excluded.updated_by,
      updated_at = excluded.updated_at`);
  return {
    async claim({ tenantId, key, kind, at }) {
      return batcher.run(() => claim.run(tenantId, key, kind, at.getTime()).changes === 1);
    },
    disabledKinds(tenantId) {
      return Promise.resolve((disabled.all(tenantId) as { kind: string }[]).map((r) => r.kind).filter(isNoticeKind));
    },
    async setEnabled({ tenantId, kind, enabled, by, at }) {
      await batcher.run(() => set.run(tenantId, kind, enabled ? 1 : 0, by, at.getTime()));
    },
    async prune(before) {
      return batcher.run(() => pruneNotices.run(before.getTime()).changes);
    },
  };
}
