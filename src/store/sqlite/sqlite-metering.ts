import type Database from 'better-sqlite3';
import { HOUR } from '../../domain/clock';
import type { UsageKind } from '../../domain/billing-rules';
import { ATTENTION_STATUSES, hourStart } from '../../domain/metering';
import { groupConsumed } from '../../domain/metering-consume';
import { placeUnits, type HourBucket, type PlacementContext } from '../../domain/metering-placement';
import { expiredUnits, settlementColumns } from '../../domain/metering-settlement';
import type { AcceptedDay, DueReport, MeteringRepo, MeteringReport, MeteringStatus } from '../metering-repo';
import type { WriteBatcher } from './write-batcher';
import { toMeteringReport, type ReportRow } from '../row-mapping';

const ATTENTION_IN = ATTENTION_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * Hourly metering buckets in the embedded store. The decisions (where units go, what a settlement writes, what
 * becomes of expired units) are the domain's (src/domain/metering-*.ts); this file reads and writes rows. Every
 * write runs in the store's single writer (WriteBatcher), so a read and the write that depends on it cannot be
 * interleaved with another worker's.
 */
export function sqliteMetering(db: Database.Database, batcher: WriteBatcher): MeteringRepo {
  const remember = db.prepare('INSERT INTO metering_consumed (usage_event_id, consumed_at) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const bucket = db.prepare(
    'SELECT id, status, plan_id FROM metered_usage_reports WHERE subscription_id = ? AND dimension = ? AND hour_start = ?',
  );
  const subscriptionNow = db.prepare('SELECT status, plan_id FROM subscriptions WHERE id = ?');
  // The plan of a bucket is written when it opens and never changed (placeUnits only adds under the same plan).
  const addToBucket = db.prepare(`UPDATE metered_usage_reports SET quantity = quantity + ?, updated_at = ?
    WHERE id = ? AND status = 'Open'`);
  const openBucket = db.prepare(`INSERT INTO metered_usage_reports (subscription_id, dimension, hour_start, plan_id, quantity,
      status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'Open', 0, ?, ?)`);
  // Due buckets in three index-friendly parts; `due_at` orders them all. A live lease is never due.
  const dueOpen = db.prepare(`SELECT id, hour_start + ${HOUR} + @grace AS due_at, 0 AS urgent FROM metered_usage_reports
    WHERE status = 'Open' AND hour_start + ${HOUR} <= @closedBefore`);
  const dueRetry = db.prepare(`SELECT id, next_attempt_at AS due_at, 1 AS urgent FROM metered_usage_reports
    WHERE status IN ('Retry', 'Held') AND next_attempt_at <= @now`);
  const dueInFlight = db.prepare(`SELECT id, next_attempt_at AS due_at, 1 AS urgent FROM metered_usage_reports
    WHERE status = 'InFlight' AND next_attempt_at <= @now`);
  const claimOne = db.prepare(`UPDATE metered_usage_reports
    SET status = 'InFlight', next_attempt_at = @leaseUntil, correlation_id = @correlationId, request_id = NULL,
      updated_at = @now
    WHERE id = @id AND ((status = 'Open' AND hour_start + ${HOUR} <= @closedBefore)
      OR (status IN ('Retry', 'Held', 'InFlight') AND next_attempt_at <= @now))
    RETURNING *`);
  const settleOne = db.prepare(`UPDATE metered_usage_reports
    SET status = @status, attempts = attempts + @attemptsAdded, next_attempt_at = @nextAttemptAt,
      usage_event_id = COALESCE(@usageEventId, usage_event_id),
      accepted_quantity = COALESCE(@acceptedQuantity, accepted_quantity), request_id = COALESCE(@requestId, request_id),
      error_code = @errorCode, error_message = @errorMessage, updated_at = @now
    WHERE id = @id AND status = 'InFlight' AND correlation_id = @correlationId
    RETURNING *`);
  const endOne = db.prepare(`UPDATE metered_usage_reports SET status = 'Failed', error_code = ?, error_message = ? WHERE id = ?`);
  const noteCarry = db.prepare('UPDATE metered_usage_reports SET error_message = ? WHERE id = ?');
  const resendOne = db.prepare(`UPDATE metered_usage_reports SET status = 'Retry', next_attempt_at = @at,
      resolved_by = @by, resolution_note = @note, updated_at = @at
    WHERE id = @id AND status = 'Failed'`);
  const resolveOne = db.prepare(`UPDATE metered_usage_reports SET status = 'Resolved', next_attempt_at = NULL,
      resolved_by = @by, resolution_note = @note, updated_at = @at
    WHERE id = @id AND status IN ('Failed', 'Conflict')`);
  const exists = db.prepare('SELECT 1 FROM metered_usage_reports WHERE id = ?');
  const getOne = db.prepare('SELECT * FROM metered_usage_reports WHERE subscription_id = ? AND dimension = ? AND hour_start = ?');
  const byStatus = db.prepare(
    'SELECT status, COUNT(*) AS reports, SUM(quantity) AS quantity FROM metered_usage_reports GROUP BY status',
  );
  const attention = db.prepare(`SELECT * FROM metered_usage_reports
    WHERE status IN (${ATTENTION_IN}) OR (status = 'Retry' AND attempts >= @attempts)
    ORDER BY updated_at DESC, id DESC LIMIT @limit`);
  const acceptedByDay = db.prepare(`SELECT subscription_id, dimension,
      strftime('%Y-%m-%d', hour_start / 1000, 'unixepoch') AS day, SUM(accepted_quantity) AS quantity
    FROM metered_usage_reports WHERE status = 'Accepted' AND hour_start >= ?
    GROUP BY subscription_id, dimension, day ORDER BY subscription_id, dimension, day`);
  const prune = db.prepare('DELETE FROM metering_consumed WHERE consumed_at < ?');

  const bucketsOf =
    (subscriptionId: string, dimension: string) =>
    (hour: number): HourBucket | undefined => {
      const row = bucket.get(subscriptionId, dimension, hour) as { status: MeteringStatus; plan_id: string } | undefined;
      return row ? { status: row.status, planId: row.plan_id } : undefined;
    };
  const subscription = (id: string) => {
    const row = subscriptionNow.get(id) as { status: string; plan_id: string } | undefined;
    return row ? { status: row.status, planId: row.plan_id } : undefined;
  };

  /** Writes units into the placement's hour: opens its bucket or adds to it (placeUnits chose an absent or Open one). */
  function addUnits(subscriptionId: string, dimension: string, hour: number, planId: string, units: number, now: number): void {
    const row = bucket.get(subscriptionId, dimension, hour) as { id: number } | undefined;
    if (row) addToBucket.run(units, now, row.id);
    else openBucket.run(subscriptionId, dimension, hour, planId, units, now, now);
  }

  return {
    async consume(messages, now, tooOldBefore) {
      const at = now.getTime();
      const currentHour = hourStart(now).getTime();
      const oldest = tooOldBefore.getTime();
      return batcher.run(() => {
        // Sum per (subscription, dimension, hour, plan) first: one bucket write per group, not per message.
        const batch = groupConsumed(messages, (id) => remember.run(id, at).changes > 0);
        const outcome = { consumed: batch.consumed, duplicates: batch.duplicates, carriedUnits: 0 };
        // One read of each subscription's plan per consume, not one per (dimension, hour, plan) group.
        const planNow = new Map<string, string | undefined>();
        for (const g of batch.groups) {
          if (!planNow.has(g.subscriptionId)) planNow.set(g.subscriptionId, subscription(g.subscriptionId)?.planId);
          const ctx: PlacementContext = { currentHour, oldest, currentPlanId: planNow.get(g.subscriptionId) };
          const placed = placeUnits({ hour: g.hour, planId: g.planId }, ctx, bucketsOf(g.subscriptionId, g.dimension));
          addUnits(g.subscriptionId, g.dimension, placed.hour, placed.planId, g.units, at);
          if (placed.carried) outcome.carriedUnits += g.units;
        }
        return outcome;
      });
    },

    async listDue({ now, closedBefore, limit }) {
      const params = { now: now.getTime(), closedBefore: closedBefore.getTime(), grace: now.getTime() - closedBefore.getTime() };
      type DueRow = { id: number; due_at: number; urgent: number };
      const rows = [
        ...(dueOpen.all(params) as DueRow[]),
        ...(dueRetry.all(params) as DueRow[]),
        ...(dueInFlight.all(params) as DueRow[]),
      ];
      rows.sort((a, b) => a.due_at - b.due_at || a.id - b.id);
      return rows.slice(0, limit).map((r): DueReport => ({ id: r.id, dueAt: new Date(r.due_at), urgent: r.urgent === 1 }));
    },

    async claim(ids, { now, closedBefore, leaseUntil, correlationId }) {
      return batcher.run(() => {
        const claimed: MeteringReport[] = [];
        for (const id of ids) {
          const row = claimOne.get({
            id,
            now: now.getTime(),
            closedBefore: closedBefore.getTime(),
            leaseUntil: leaseUntil.getTime(),
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
          const c = settlementColumns(o);
          const row = settleOne.get({
            id: o.id,
            correlationId: o.correlationId,
            now: at,
            ...c,
            nextAttemptAt: c.nextAttemptAt?.getTime() ?? null,
          }) as ReportRow | undefined;
          // Not ours any more (reclaimed after our lease ran out): the other claimer settles it.
          if (!row || o.status !== 'Expired') continue;
          const units = expiredUnits(
            { hourStart: Number(row.hour_start), planId: row.plan_id, quantity: row.quantity, reason: o.errorMessage },
            subscription(row.subscription_id),
            now,
            bucketsOf(row.subscription_id, row.dimension),
          );
          if (units.kind === 'ended') {
            endOne.run(units.errorCode, units.errorMessage, row.id);
            continue;
          }
          addUnits(row.subscription_id, row.dimension, units.placement.hour, units.placement.planId, row.quantity, at);
          noteCarry.run(units.note, row.id);
        }
      });
    },

    async resend(id, { by, at, note }) {
      return batcher.run(() => {
        if (resendOne.run({ id, by, at: at.getTime(), note: note ?? null }).changes) return 'done';
        return exists.get(id) ? 'not-eligible' : 'not-found';
      });
    },

    async resolve(id, { by, at, note }) {
      return batcher.run(() => {
        if (resolveOne.run({ id, by, at: at.getTime(), note }).changes) return 'done';
        return exists.get(id) ? 'not-eligible' : 'not-found';
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

    async overview(attentionLimit, attentionAttempts) {
      const counts = byStatus.all() as { status: MeteringStatus; reports: number; quantity: number }[];
      return {
        byStatus: Object.fromEntries(counts.map((c) => [c.status, { reports: c.reports, quantity: c.quantity }])),
        attention: (attention.all({ limit: attentionLimit, attempts: attentionAttempts }) as ReportRow[]).map(toMeteringReport),
      };
    },

    async acceptedByDay(from) {
      return (
        acceptedByDay.all(from.getTime()) as { subscription_id: string; dimension: UsageKind; day: string; quantity: number }[]
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
