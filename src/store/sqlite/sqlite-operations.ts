import type Database from 'better-sqlite3';
import type { Subscription } from '../../domain/subscription';
import type { OperationRepo, SubscriptionOperationRecord } from '../store';
import type { WriteBatcher } from './write-batcher';

interface OperationRow {
  operation_id: string | null;
  subscription_id: string;
  action: string;
  source: string;
  status: string;
  from_status: string | null;
  to_status: string | null;
  from_plan_id: string | null;
  to_plan_id: string | null;
  from_quantity: number | null;
  to_quantity: number | null;
  detail: string | null;
  created_at: number;
}

function toRecord(r: OperationRow): SubscriptionOperationRecord {
  const optional = {
    operationId: r.operation_id,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    fromPlanId: r.from_plan_id,
    toPlanId: r.to_plan_id,
    fromQuantity: r.from_quantity,
    toQuantity: r.to_quantity,
    detail: r.detail,
  };
  return {
    subscriptionId: r.subscription_id,
    action: r.action,
    source: r.source as SubscriptionOperationRecord['source'],
    status: r.status as SubscriptionOperationRecord['status'],
    createdAt: new Date(r.created_at),
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null)),
  };
}

/** `upsertSync` writes a subscription inside the caller's transaction (the subscriptions repo's statement). */
export function sqliteOperations(
  db: Database.Database,
  batcher: WriteBatcher,
  upsertSync: (s: Subscription) => void,
): OperationRepo {
  const find = db.prepare('SELECT * FROM subscription_operations WHERE operation_id = ?');
  const insert = db.prepare(`INSERT INTO subscription_operations (operation_id, subscription_id, action, source, status,
      from_status, to_status, from_plan_id, to_plan_id, from_quantity, to_quantity, detail, created_at)
    VALUES (@operationId, @subscriptionId, @action, @source, @status, @fromStatus, @toStatus, @fromPlanId, @toPlanId,
      @fromQuantity, @toQuantity, @detail, @createdAt)
    ON CONFLICT (operation_id) DO NOTHING`);
  const list = db.prepare('SELECT * FROM subscription_operations WHERE subscription_id = ? ORDER BY created_at, id');
  return {
    async find(operationId) {
      const row = find.get(operationId) as OperationRow | undefined;
      return row ? toRecord(row) : undefined;
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
          createdAt: record.createdAt.getTime(),
        });
        if (inserted.changes === 0) return 'duplicate' as const;
        if (subscription) upsertSync(subscription);
        return 'applied' as const;
      });
    },
    async list(subscriptionId) {
      return (list.all(subscriptionId) as OperationRow[]).map(toRecord);
    },
  };
}
