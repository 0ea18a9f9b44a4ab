import type { Clock } from '../../domain/clock';
import type { UsageMessage } from '../../domain/usage';
import type { QueuedUsage, UsageQueue } from '../../queue/usage-queue';
import { ID_COLLATION, param, type MssqlDatabase } from './mssql-database';
import { toUsageMessage, type OutboxMessageRow } from '../row-mapping';

interface OutboxRow extends OutboxMessageRow {
  /** bigint: mssql hands it over as a string. */
  seq: string | number;
  delivery_count: number;
}

export interface MssqlOutboxOptions {
  clock: Clock;
  lockMs?: number;
  maxDeliveries?: number;
}

const DEFAULT_LOCK_MS = 60_000;
const DEFAULT_MAX_DELIVERIES = 10;

/**
 * The usage outbox of the Azure SQL store read as a queue, with the embedded outbox's semantics (sqlite-outbox-queue.ts):
 * rows in `seq` order, peek-lock (a received row is locked for `lockMs`; completing deletes it; abandoning unlocks
 * it; a crash lets the lock run out), the message read from the usage event, dead-lettering in place.
 *
 * Several consumers (bot instances' relays, workers) read it at once: a receive takes its rows with
 * UPDLOCK + READPAST, so a second receive skips rows the first is taking instead of waiting for them or taking them
 * too, and it skips the rows of turns not yet committed rather than waiting for those transactions.
 */
export class MssqlOutboxQueue implements UsageQueue {
  readonly kind = 'outbox' as const;

  constructor(
    private readonly db: MssqlDatabase,
    private readonly options: MssqlOutboxOptions,
  ) {}

  async send(messages: readonly UsageMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // The outbox is written with each usage event; sending again re-enqueues stored events (a repair tool). In the
    // order given: identity values follow the ORDER BY of an INSERT … SELECT.
    await this.db.query(
      `INSERT INTO ${this.db.s}.usage_outbox (usage_event_id, enqueued_at)
      SELECT e.id, @now
      FROM OPENJSON(@ids) AS j
      JOIN ${this.db.s}.usage_events AS e ON e.id = CAST(j.[value] AS nvarchar(128)) COLLATE ${ID_COLLATION}
      ORDER BY CAST(j.[key] AS int)`,
      { ids: param.longText(JSON.stringify(messages.map((m) => m.usageEventId))), now: param.time(this.options.clock.now()) },
    );
  }

  async receive(max: number): Promise<QueuedUsage[]> {
    const now = this.options.clock.now();
    const lockUntil = new Date(now.getTime() + (this.options.lockMs ?? DEFAULT_LOCK_MS));
    const maxDeliveries = this.options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
    const s = this.db.s;
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<OutboxRow>(
        `SELECT TOP (@max) o.seq, o.usage_event_id, o.delivery_count, e.subscription_id, e.plan_id, e.dimension,
          e.quantity, e.billable, e.occurred_at, e.period_start
        FROM ${s}.usage_outbox AS o WITH (UPDLOCK, READPAST, ROWLOCK)
        LEFT JOIN ${s}.usage_events AS e ON e.id = o.usage_event_id
        WHERE o.dead_lettered_at IS NULL AND (o.locked_until IS NULL OR o.locked_until <= @now)
        ORDER BY o.seq`,
        { max: param.int(max), now: param.time(now) },
      );
      const out: QueuedUsage[] = [];
      const locked: number[] = [];
      const dead: { seq: number; reason: string }[] = [];
      for (const row of rows) {
        const seq = Number(row.seq);
        const message = toUsageMessage(row);
        if (!message) dead.push({ seq, reason: 'usage event missing or unreadable' });
        else if (row.delivery_count >= maxDeliveries)
          dead.push({ seq, reason: `delivered ${row.delivery_count} times without completion` });
        else {
          locked.push(seq);
          out.push({ message, handle: seq, deliveryCount: row.delivery_count + 1 });
        }
      }
      if (locked.length > 0) {
        await tx.query(
          `UPDATE ${s}.usage_outbox SET locked_until = @lockUntil, delivery_count = delivery_count + 1
          WHERE seq IN (SELECT CAST([value] AS bigint) FROM OPENJSON(@seqs))`,
          { lockUntil: param.time(lockUntil), seqs: param.longText(JSON.stringify(locked)) },
        );
      }
      for (const d of dead) {
        await tx.query(
          `UPDATE ${s}.usage_outbox SET dead_lettered_at = @now, dead_letter_reason = @reason, locked_until = NULL
          WHERE seq = @seq`,
          { now: param.time(now), reason: param.text(d.reason), seq: param.bigint(d.seq) },
        );
      }
      return out;
    });
  }

  async complete(deliveries: readonly QueuedUsage[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db.query(
      `DELETE FROM ${this.db.s}.usage_outbox WHERE seq IN (SELECT CAST([value] AS bigint) FROM OPENJSON(@seqs))`,
      {
        seqs: param.longText(JSON.stringify(deliveries.map((d) => d.handle as number))),
      },
    );
  }

  async abandon(deliveries: readonly QueuedUsage[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db.query(
      `UPDATE ${this.db.s}.usage_outbox SET locked_until = NULL WHERE seq IN (SELECT CAST([value] AS bigint) FROM OPENJSON(@seqs))`,
      { seqs: param.longText(JSON.stringify(deliveries.map((d) => d.handle as number))) },
    );
  }

  async deadLetter(delivery: QueuedUsage, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE ${this.db.s}.usage_outbox SET dead_lettered_at = @now, dead_letter_reason = @reason, locked_until = NULL
      WHERE seq = @seq`,
      {
        now: param.time(this.options.clock.now()),
        reason: param.text(reason.slice(0, 500)),
        seq: param.bigint(delivery.handle as number),
      },
    );
  }

  async close(): Promise<void> {
    // The store owns the pool.
  }
}
