import type Database from 'better-sqlite3';
import type { Subscription } from '../../domain/subscription';
import type { OperationRepo } from '../operation-repo';
import type { WriteBatcher } from './write-batcher';
import { toOperationRecord, type OperationRow } from '../row-mapping';

/** `upsertSync` writes a subscription inside the caller's transaction (the subscriptions repo's statement). */
export function sqliteOperations(
  db: Database.Database,
  batcher: WriteBatcher,
  upsertSync: (s: Subscription) => void,
): OperationRepo {
  const find = db.prepare('SELECT * FROM subscription_operations WHERE operation_id = ?');
  const insert = db.prepare(`INSERT INTO subscription_operations (operation_id, subscription_id, action, source, status,
      from_status, to_status, from_plan_id, to_plan_id, from_quantity, to_quantity, detail, operation_time, created_at)
    VALUES (@operationId, @subscriptionId, @action, @source, @status, @fromStatus, @toStatus, @fromPlanId, @toPlanId,
      @fromQuantity, @toQuantity, @detail, @operationTime, @createdAt)
    ON CONFLICT (operation_id) DO NOTHING`);
  const list = db.prepare('SELECT * FROM subscription_operations WHERE subscription_id = ? ORDER BY created_at, id');
  const newest = db.prepare(`SELECT MAX(operation_time) AS t FROM subscription_operations
    WHERE subscription_id = ? AND status = 'Applied'`);
  return {
    async find(operationId) {
      const row = find.get(operationId) as OperationRow | undefined;
      return row ? toOperationRecord(row) : undefined;
    },
    async apply({ record, subscription }) {
      return batcher.run(() => {
        const inserted = insert.run({
          operationId: record.operationId ?? null,
          subscriptionId: record.subscriptionId,
          action: record.action,
          source: record.source,
          status: record.status,
          fromStatus: record.fromStatus ?? null,
          toStatus: record.toStatus ?? null,
          fromPlanId: record.fromPlanId ?? null,
          toPlanId: record.toPlanId ?? null,
          fromQuantity: record.fromQuantity ?? null,
          toQuantity: record.toQuantity ?? null,
          detail: record.detail ?? null,
          operationTime: record.operationTime?.getTime() ?? null,
          createdAt: record.createdAt.getTime(),
        });
        if (inserted.changes === 0) return 'duplicate' as const;
        if (subscription) upsertSync(subscription);
        return 'applied' as const;
      });
    },
    async list(subscriptionId) {
      return (list.all(subscriptionId) as OperationRow[]).map(toOperationRecord);
    },
    async newestAppliedTime(subscriptionId) {
      const t = (newest.get(subscriptionId) as { t: number | null }).t;
      return t === null ? undefined : new Date(t);
    },
  };
}
