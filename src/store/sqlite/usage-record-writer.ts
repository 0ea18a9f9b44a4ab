import type Database from 'better-sqlite3';
import { overageUnits } from '../../domain/usage';
import type { RecordOutcome, RecordUsageInput } from '../usage-repo';
import type { WriteOptions } from '../write-options';
import type { WriteBatcher } from './write-batcher';

interface Waiting {
  input: RecordUsageInput;
  resolve: (outcome: RecordOutcome) => void;
  reject: (error: unknown) => void;
}

interface RunningCounter {
  key: readonly [subscriptionId: string, periodStart: number, dimension: string];
  exists: boolean;
  used: number;
  added: number;
}

/** Records in one group at most: bounds how long one commit holds the event loop. */
const MAX_GROUP = 64;

/**
 * Writes turns' usage: per turn, the settled claim and its holds, the usage event (its billable units inline) and the outbox
 * row; per group of turns, one update of each period counter they touch.
 *
 * Background records (a turn whose reply has gone) are grouped: every record that arrives before the batcher commits
 * joins one unit of work, with one savepoint and one counter update per (subscription, period, dimension) instead of
 * one each. The group runs without any other unit in between, so the counters are exact at commit. Should the group
 * fail, each of its records is written again on its own, so that a bad record fails alone.
 */
export function usageRecordWriter(
  db: Database.Database,
  batcher: WriteBatcher,
  releaseClaim: (tenantId: string, activityId: string, at: number, unitsHeld?: boolean) => boolean,
): { record: (input: RecordUsageInput, options?: WriteOptions) => Promise<RecordOutcome> } {
  const insertEvent = db.prepare(`INSERT INTO usage_events (id, tenant_id, activity_id, subscription_id, plan_id,
      user_id, conversation_id, conversation_type, dimension, quantity, billable, prompt_tokens, completion_tokens,
      total_tokens, processing_ms, attachment_count, text_length, message_text, response_text, occurred_at, period_start)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (tenant_id, activity_id) DO NOTHING`);
  const readUsed = db.prepare(`SELECT used FROM usage_counters
    WHERE subscription_id = ? AND period_start = ? AND dimension = ?`);
  const addUsed = db.prepare(`UPDATE usage_counters SET used = used + ?, updated_at = ?
    WHERE subscription_id = ? AND period_start = ? AND dimension = ?`);
  const firstUse = db.prepare(`INSERT INTO usage_counters (used, updated_at, subscription_id, period_start, dimension)
    VALUES (?, ?, ?, ?, ?)`);
  const enqueue = db.prepare('INSERT INTO usage_outbox (usage_event_id, enqueued_at) VALUES (?, ?)');
  const seeUser = db.prepare(`INSERT INTO tenant_users (tenant_id, user_id, user_name, last_seen) VALUES (?, ?, ?, ?)
    ON CONFLICT (tenant_id, user_id) DO UPDATE SET user_name = COALESCE(excluded.user_name, tenant_users.user_name),
      last_seen = excluded.last_seen`);

  // Display names are written when first seen or changed, not on every turn; remembered once committed.
  const knownNames = new Map<string, string | null>();
  const nameKey = (input: RecordUsageInput) => `${input.event.tenantId}\u0000${input.event.userId}`;
  const rememberCommitted = (inputs: RecordUsageInput[], outcomes: RecordOutcome[]) => {
    if (knownNames.size >= 50_000) knownNames.clear();
    inputs.forEach((input, i) => {
      if (outcomes[i]!.status === 'recorded') knownNames.set(nameKey(input), input.userName ?? null);
    });
  };

  const write = (inputs: RecordUsageInput[]): RecordOutcome[] => {
    const now = Date.now();
    const counters = new Map<string, RunningCounter>();
    const outcomes = inputs.map((input): RecordOutcome => {
      const e = input.event;
      if (input.reserved) releaseClaim(e.tenantId, e.activityId, now, input.unitsHeld);
      const periodStart = e.periodStart.getTime();
      const counterKey = `${e.subscriptionId}\u0000${periodStart}\u0000${e.dimension}`;
      let counter = counters.get(counterKey);
      if (!counter) {
        const key = [e.subscriptionId, periodStart, e.dimension] as const;
        const row = readUsed.get(...key) as { used: number } | undefined;
        counter = { key, exists: row !== undefined, used: row?.used ?? 0, added: 0 };
        counters.set(counterKey, counter);
      }
      const usedBefore = counter.used + counter.added;
      const billable = input.overage ? overageUnits(usedBefore, e.quantity, input.included) : 0;
      const inserted = insertEvent.run(
        e.id,
        e.tenantId,
        e.activityId,
        e.subscriptionId,
        e.planId,
        e.userId,
        e.conversationId,
        e.conversationType,
        e.dimension,
        e.quantity,
        billable,
        e.promptTokens,
        e.completionTokens,
        e.totalTokens,
        e.processingMs,
        e.attachmentCount,
        e.textLength,
        e.messageText ?? null,
        e.responseText ?? null,
        e.occurredAt.getTime(),
        periodStart,
      );
      if (inserted.changes === 0) return { status: 'duplicate' };
      counter.added += e.quantity;
      enqueue.run(e.id, now);
      const userName = input.userName ?? null;
      if (knownNames.get(nameKey(input)) !== userName) seeUser.run(e.tenantId, e.userId, userName, e.occurredAt.getTime());
      return { status: 'recorded', usedBefore, billable };
    });
    for (const c of counters.values()) {
      if (c.added === 0) continue;
      if (c.exists) addUsed.run(c.added, now, ...c.key);
      else firstUse.run(c.added, now, ...c.key);
    }
    return outcomes;
  };

  const writeOne = async (input: RecordUsageInput, options?: WriteOptions): Promise<RecordOutcome> => {
    const outcomes = await batcher.run(() => write([input]), options);
    rememberCommitted([input], outcomes);
    return outcomes[0]!;
  };

  /** The background group still taking records, until its unit runs or it is full. */
  let open: Waiting[] | undefined;
  const writeGroup = async (group: Waiting[]) => {
    let outcomes: RecordOutcome[];
    try {
      outcomes = await batcher.run(
        () => {
          if (open === group) open = undefined;
          return write(group.map((w) => w.input));
        },
        { background: true },
      );
    } catch {
      // One bad record (or a failed commit, possibly before the unit ran: then close the group here): each record
      // is written on its own, and fails alone if it must.
      if (open === group) open = undefined;
      for (const w of group) writeOne(w.input).then(w.resolve, w.reject);
      return;
    }
    rememberCommitted(
      group.map((w) => w.input),
      outcomes,
    );
    group.forEach((w, i) => w.resolve(outcomes[i]!));
  };

  return {
    record(input, options) {
      if (!options?.background) return writeOne(input, options);
      return new Promise<RecordOutcome>((resolve, reject) => {
        if (!open) {
          open = [];
          void writeGroup(open);
        }
        open.push({ input, resolve, reject });
        if (open.length >= MAX_GROUP) {
          open = undefined;
          batcher.flushSoon();
        }
      });
    },
  };
}
