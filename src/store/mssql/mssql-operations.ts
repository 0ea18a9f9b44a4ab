import type { OperationRepo, SubscriptionOperationRecord } from '../store';
import { isUniqueViolation, param, type MssqlDatabase } from './mssql-database';
import type { MssqlSubscriptionRepo } from './mssql-subscriptions';

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
  created_at: Date;
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
    createdAt: r.created_at,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null)),
  };
}

const COLUMNS = `operation_id, subscription_id, action, source, status, from_status, to_status, from_plan_id, to_plan_id,
  from_quantity, to_quantity, detail, created_at`;

export function mssqlOperations(db: MssqlDatabase, subscriptions: MssqlSubscriptionRepo): OperationRepo {
  const s = db.s;
  // Local actions (no operation id) are always recorded; a Marketplace operation once. The key-range lock on the
  // filtered unique index makes a concurrent redelivery wait for this transaction, then see the row. (`IS NOT NULL`
  // spelled out lets the optimizer match that filtered index whatever the parameter's value.)
  const insert = `INSERT INTO ${s}.subscription_operations (${COLUMNS})
    SELECT @operationId, @subscriptionId, @action, @source, @status, @fromStatus, @toStatus, @fromPlanId, @toPlanId,
      @fromQuantity, @toQuantity, @detail, @createdAt
    WHERE @operationId IS NULL OR NOT EXISTS (SELECT 1 FROM ${s}.subscription_operations WITH (UPDLOCK, HOLDLOCK)
      WHERE operation_id IS NOT NULL AND operation_id = @operationId)`;
  return {
    async find(operationId) {
      const { rows } = await db.query<OperationRow>(
        `SELECT ${COLUMNS} FROM ${s}.subscription_operations WHERE operation_id IS NOT NULL AND operation_id = @operationId`,
        { operationId: param.text(operationId) },
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },
    async apply({ record, subscription }) {
      try {
        return await db.transaction(async (tx) => {
          const { rowsAffected } = await tx.query(insert, {
            operationId: param.text(record.operationId),
            subscriptionId: param.text(record.subscriptionId),
            action: param.text(record.action),
            source: param.text(record.source),
            status: param.text(record.status),
            fromStatus: param.text(record.fromStatus),
            toStatus: param.text(record.toStatus),
            fromPlanId: param.text(record.fromPlanId),
            toPlanId: param.text(record.toPlanId),
            fromQuantity: param.int(record.fromQuantity),
            toQuantity: param.int(record.toQuantity),
            detail: param.longText(record.detail),
            createdAt: param.time(record.createdAt),
          });
          if (rowsAffected[0] !== 1) return 'duplicate' as const;
          if (subscription) await subscriptions.upsertOn(tx, subscription);
          return 'applied' as const;
        });
      } catch (error) {
        // Belt and braces: should the unique index still refuse the row, the transaction wrote nothing.
        if (isUniqueViolation(error)) return 'duplicate';
        throw error;
      }
    },
    async list(subscriptionId) {
      const { rows } = await db.query<OperationRow>(
        `SELECT ${COLUMNS} FROM ${s}.subscription_operations WHERE subscription_id = @subscriptionId
        ORDER BY created_at, id`,
        { subscriptionId: param.text(subscriptionId) },
      );
      return rows.map(toRecord);
    },
  };
}
