import type Database from 'better-sqlite3';
import { HOUR } from '../../domain/clock';
import type { Dimension } from '../../domain/billing-rules';
import { hourStart } from '../../domain/metering';
import type { UsageMessage } from '../../domain/usage';
import type { AcceptedDay, DueReport, MeteringRepo, MeteringReport, MeteringStatus } from '../store';
import type { WriteBatcher } from './write-batcher';
import { toMeteringReport, type ReportRow } from '../row-mapping';

/** Longest walk for an open hour: a day of hours after the one asked for. */
const MAX_CARRY_HOURS = 48;

export function sqliteMetering(db: Database.Database, batcher: WriteBatcher): MeteringRepo {
  const remember = db.prepare('INSERT INTO metering_consumed (usage_event_id, consumed_at) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const bucket = db.prepare(
    'SELECT id, status FROM metered_usage_reports WHERE subscription_id = ? AND dimension = ? AND hour_start = ?',
  );
  const addToBucket = db.prepare(`UPDATE metered_usage_reports SET quantity = quantity + ?, plan_id = ?, updated_at = ?
    WHERE id = ? AND status = 'Open'`);
  const openBucket = db.prepare(`INSERT INTO metered_usage_reports (subscription_id, dimension, hour_start, plan_id, quantity,
      status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'Open', 0, ?, ?)`);
  // Due buckets in three index-friendly parts; `due_at` orders them all.
  const dueOpen = db.prepare(`SELECT id, hour_start + ${HOUR} + @grace AS due_at FROM metered_usage_reports
    WHERE status = 'Open' AND hour_start + ${HOUR} <= @closedBefore`);
  const dueRetry = db.prepare(`SELECT id, next_attempt_at AS due_at FROM metered_usage_reports
    WHERE status IN ('Retry', 'Held') AND next_attempt_at <= @now`);
  const dueInFlight = db.prepare(`SELECT id, next_attempt_at AS due_at FROM metered_usage_reports
    WHERE status = 'InFlight' AND (@reclaim = 1 OR next_attempt_at <= @now)`);
  const claimOne = db.prepare(`UPDATE metered_usage_reports
    SET status = 'InFlight', next_attempt_at = @leaseUntil, attempts = attempts + 1, correlation_id = @correlationId,
      request_id = NULL, updated_at = @now
    WHERE id = @id AND ((status = 'Open' AND hour_start + ${HOUR} <= @closedBefore)
      OR (status IN ('Retry', 'Held') AND next_attempt_at <= @now)
      OR (status = 'InFlight' AND (@reclaim = 1 OR next_attempt_at <= @now)))
    RETURNING *`);
  const settleOne = db.prepare(`UPDATE metered_usage_reports
    SET status = @status, next_attempt_at = @nextAttemptAt, usage_event_id = COALESCE(@usageEventId, usage_event_id),
      accepted_quantity = COALESCE(@acceptedQuantity, accepted_quantity), request_id = COALESCE(@requestId, request_id),
      error_code = @errorCode, error_message = @errorMessage, updated_at = @now
    WHERE id = @id AND status = 'InFlight' AND correlation_id = @correlationId
    RETURNING *`);
  const getOne = db.prepare('SELECT * FROM metered_usage_reports WHERE subscription_id = ? AND dimension = ? AND hour_start = ?');
  const byStatus = db.prepare(
    'SELECT status, COUNT(*) AS reports, SUM(quantity) AS quantity FROM metered_usage_reports GROUP BY status',
  );
  const attention = db.prepare(`SELECT * FROM metered_usage_reports WHERE status IN ('Conflict', 'Failed', 'Held')
    ORDER BY updated_at DESC, id DESC LIMIT ?`);
  const acceptedByDay = db.prepare(`SELECT subscription_id, dimension,
      strftime('%Y-%m-%d', hour_start / 1000, 'unixepoch') AS day, SUM(accepted_quantity) AS quantity
    FROM metered_usage_reports WHERE status = 'Accepted' AND hour_start >= ?
    GROUP BY subscription_id, dimension, day ORDER BY subscription_id, dimension, day`);
  const prune = db.prepare('DELETE FROM metering_consumed WHERE consumed_at < ?');
  const noteCarry = db.prepare('UPDATE metered_usage_reports SET error_message = ? WHERE id = ?');

  /**
   * Adds units to the Open bucket of the first hour at or after `hour` whose bucket is open or absent: an hour already
   * submitted is never changed (one event per subscription, dimension and hour, ever). Returns the hour used.
   */
  function addUnits(subscriptionId: string, dimension: string, hour: number, planId: string, units: number, now: number): number {
    for (let h = hour, step = 0; step <= MAX_CARRY_HOURS; h += HOUR, step++) {
      const row = bucket.get(subscriptionId, dimension, h) as { id: number; status: string } | undefined;
      if (!row) {
        openBucket.run(subscriptionId, dimension, h, planId, units, now, now);
        return h;
      }
      if (row.status === 'Open') {
        addToBucket.run(units, planId, now, row.id);
        return h;
      }
    }
    throw new Error(
      `no open metering hour for ${subscriptionId}/${dimension} within ${MAX_CARRY_HOURS} hours of ${new Date(hour).toISOString()}`,
    );
  }

  return {
    async consume(messages, now, tooOldBefore) {
      const at = now.getTime();
      const currentHour = hourStart(now).getTime();
      const oldest = tooOldBefore.getTime();
      return batcher.run(() => {
        const outcome = { consumed: 0, duplicates: 0, carriedUnits: 0 };
        // Sum per (subscription, dimension, hour) first: one bucket write per group, not per message.
        const groups = new Map<
          string,
          { subscriptionId: string; dimension: string; hour: number; planId: string; latest: number; units: number }
        >();
        for (const m of messages as readonly UsageMessage[]) {
          if (!(m.billable > 0)) {
            outcome.consumed += 1;
            continue;
          }
          if (remember.run(m.usageEventId, at).changes === 0) {
            outcome.duplicates += 1;
            continue;
          }
          outcome.consumed += 1;
          const occurred = new Date(m.occurredAt).getTime();
          // An hour the API would refuse as expired goes straight into the current hour.
          const hour = occurred < oldest ? currentHour : hourStart(new Date(occurred)).getTime();
          if (hour !== hourStart(new Date(occurred)).getTime()) outcome.carriedUnits += m.billable;
          const key = `${m.subscriptionId}\u0000${m.dimension}\u0000${hour}`;
          const group = groups.get(key);
          if (!group)
            groups.set(key, {
              subscriptionId: m.subscriptionId,
              dimension: m.dimension,
              hour,
              planId: m.planId,
              latest: occurred,
              units: m.billable,
            });
          else {
            group.units += m.billable;
            if (occurred >= group.latest) {
              group.latest = occurred;
              group.planId = m.planId;
            }
          }
        }
        for (const g of groups.values()) {
          const used = addUnits(g.subscriptionId, g.dimension, g.hour, g.planId, g.units, at);
          if (used !== g.hour) outcome.carriedUnits += g.units;
        }
        return outcome;
      });
    },

    async listDue({ now, closedBefore, reclaimInFlight, limit }) {
      const params = {
        now: now.getTime(),
        closedBefore: closedBefore.getTime(),
        grace: now.getTime() - closedBefore.getTime(),
        reclaim: reclaimInFlight ? 1 : 0,
      };
      const rows = [
        ...(dueOpen.all(params) as { id: number; due_at: number }[]),
        ...(dueRetry.all(params) as { id: number; due_at: number }[]),
        ...(dueInFlight.all(params) as { id: number; due_at: number }[]),
      ];
      rows.sort((a, b) => a.due_at - b.due_at || a.id - b.id);
      return rows.slice(0, limit).map((r): DueReport => ({ id: r.id, dueAt: new Date(r.due_at) }));
    },

    async claim(ids, { now, closedBefore, leaseUntil, reclaimInFlight, correlationId }) {
      return batcher.run(() => {
        const claimed: MeteringReport[] = [];
        for (const id of ids) {
          const row = claimOne.get({
            id,
            now: now.getTime(),
            closedBefore: closedBefore.getTime(),
            leaseUntil: leaseUntil.getTime(),
            reclaim: reclaimInFlight ? 1 : 0,
            correlationId,
          }) as ReportRow | undefined;
          if (row) claimed.push(toMeteringReport(row));
        }
        return claimed;
      });
    },

    async settle(outcomes, now) {
      const at = now.getTime();
      return batcher.run(() => {
        for (const o of outcomes) {
          const row = settleOne.get({
            id: o.id,
            correlationId: o.correlationId,
            status: o.status,
            now: at,
            requestId: o.requestId ?? null,
            nextAttemptAt: o.status === 'Retry' || o.status === 'Held' ? o.nextAttemptAt.getTime() : null,
            usageEventId: o.status === 'Accepted' || o.status === 'Conflict' ? (o.usageEventId ?? null) : null,
            acceptedQuantity: o.status === 'Accepted' || o.status === 'Conflict' ? o.acceptedQuantity : null,
            errorCode:
              o.status === 'Retry' || o.status === 'Held' || o.status === 'Failed'
                ? o.errorCode
                : o.status === 'Expired'
                  ? 'Expired'
                  : null,
            errorMessage: 'errorMessage' in o ? o.errorMessage : null,
          }) as ReportRow | undefined;
          // Not ours any more (reclaimed after our lease ran out): the other claimer settles it.
          if (!row || o.status !== 'Expired') continue;
          const into = addUnits(row.subscription_id, row.dimension, hourStart(now).getTime(), row.plan_id, row.quantity, at);
          noteCarry.run(`${o.errorMessage}; ${row.quantity} units carried into ${new Date(into).toISOString()}`, row.id);
        }
      });
    },

    async get(subscriptionId, dimension, hour) {
      const row = getOne.get(subscriptionId, dimension, hour.getTime()) as ReportRow | undefined;
      return row ? toMeteringReport(row) : undefined;
    },

    async list(filter = {}) {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (filter.status) {
        where.push('status = ?');
        args.push(filter.status);
      }
      if (filter.subscriptionId) {
        where.push('subscription_id = ?');
        args.push(filter.subscriptionId);
      }
      const sql = `SELECT * FROM metered_usage_reports ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY hour_start, subscription_id, dimension`;
      return (db.prepare(sql).all(...args) as ReportRow[]).map(toMeteringReport);
    },

    async overview(attentionLimit) {
      const counts = byStatus.all() as { status: MeteringStatus; reports: number; quantity: number }[];
      return {
        byStatus: Object.fromEntries(counts.map((c) => [c.status, { reports: c.reports, quantity: c.quantity }])),
        attention: (attention.all(attentionLimit) as ReportRow[]).map(toMeteringReport),
      };
    },

    async acceptedByDay(from) {
      return (
        acceptedByDay.all(from.getTime()) as { subscription_id: string; dimension: Dimension; day: string; quantity: number }[]
      ).map((r): AcceptedDay => ({
        subscriptionId: r.subscription_id,
        dimension: r.dimension,
        day: r.day,
        quantity: r.quantity,
      }));
    },

    async pruneConsumed(before) {
      return batcher.run(() => prune.run(before.getTime()).changes);
    },
  };
}
