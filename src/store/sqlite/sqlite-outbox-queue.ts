import type Database from 'better-sqlite3';
import type { Clock } from '../../domain/clock';
import type { UsageMessage } from '../../domain/usage';
import type { QueuedUsage, UsageQueue } from '../../queue/usage-queue';
import { toUsageMessage, type OutboxMessageRow } from '../row-mapping';

interface OutboxRow extends OutboxMessageRow {
  seq: number;
  delivery_count: number;
}

/**
 * The embedded usage queue: the outbox table the usage transaction writes, read in order with peek-lock semantics
 * (a received row is locked for `lockMs`; completing deletes it; abandoning unlocks it; a crash lets the lock run
 * out). The message is read from the usage event itself. A row delivered `maxDeliveries` times, or whose usage event
 * is missing, is dead-lettered (kept, marked, skipped).
 */
export class SqliteOutboxQueue implements UsageQueue {
  readonly kind = 'outbox' as const;
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly options: { clock: Clock; lockMs?: number; maxDeliveries?: number },
  ) {
    this.statements = {
      receive: db.prepare(`SELECT o.seq, o.usage_event_id, o.delivery_count, e.subscription_id, e.plan_id, e.dimension,
          e.quantity, e.billable, e.occurred_at, e.period_start
        FROM usage_outbox o LEFT JOIN usage_events e ON e.id = o.usage_event_id
        WHERE o.dead_lettered_at IS NULL AND (o.locked_until IS NULL OR o.locked_until <= ?)
        ORDER BY o.seq LIMIT ?`),
      lock: db.prepare('UPDATE usage_outbox SET locked_until = ?, delivery_count = delivery_count + 1 WHERE seq = ?'),
      complete: db.prepare('DELETE FROM usage_outbox WHERE seq = ?'),
      unlock: db.prepare('UPDATE usage_outbox SET locked_until = NULL WHERE seq = ?'),
      deadLetter: db.prepare(
        'UPDATE usage_outbox SET dead_lettered_at = ?, dead_letter_reason = ?, locked_until = NULL WHERE seq = ?',
      ),
      enqueue: db.prepare(`INSERT INTO usage_outbox (usage_event_id, enqueued_at)
        SELECT id, ? FROM usage_events WHERE id = ?`),
    };
  }

  async send(messages: readonly UsageMessage[]): Promise<void> {
    // The outbox is written with each usage event; sending again re-enqueues stored events (a repair tool).
    const now = this.options.clock.now().getTime();
    this.db.transaction(() => {
      for (const m of messages) this.statements.enqueue.run(now, m.usageEventId);
    })();
  }

  async receive(max: number): Promise<QueuedUsage[]> {
    const now = this.options.clock.now().getTime();
    const lockUntil = now + (this.options.lockMs ?? 60_000);
    const maxDeliveries = this.options.maxDeliveries ?? 10;
    return this.db
      .transaction(() => {
        const rows = this.statements.receive.all(now, max) as OutboxRow[];
        const out: QueuedUsage[] = [];
        for (const row of rows) {
          const message = toUsageMessage(row);
          if (!message || row.delivery_count >= maxDeliveries) {
            const reason = !message
              ? 'usage event missing or unreadable'
              : `delivered ${row.delivery_count} times without completion`;
            this.statements.deadLetter.run(now, reason, row.seq);
            continue;
          }
          this.statements.lock.run(lockUntil, row.seq);
          out.push({ message, handle: row.seq, deliveryCount: row.delivery_count + 1 });
        }
        return out;
      })
      .immediate();
  }

  async complete(deliveries: readonly QueuedUsage[]): Promise<void> {
    this.db.transaction(() => {
      for (const d of deliveries) this.statements.complete.run(d.handle);
    })();
  }

  async abandon(deliveries: readonly QueuedUsage[]): Promise<void> {
    this.db.transaction(() => {
      for (const d of deliveries) this.statements.unlock.run(d.handle);
    })();
  }

  async deadLetter(delivery: QueuedUsage, reason: string): Promise<void> {
    this.statements.deadLetter.run(this.options.clock.now().getTime(), reason.slice(0, 500), delivery.handle);
  }

  async close(): Promise<void> {
    // The store owns the database handle.
  }
}
