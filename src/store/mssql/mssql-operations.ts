import type { OperationRepo } from '../operation-repo';
import { isUniqueViolation, param, type MssqlDatabase } from './mssql-database';
import type { MssqlSubscriptionRepo } from './mssql-subscriptions';
import { toOperationRecord, type OperationRow } from '../row-mapping';

const COLUMNS = `operation_id, subscription_id, action, source, status, from_status, to_status, from_plan_id, to_plan_id,
  from_quantity, to_quantity, detail, operation_time, created_at`;

export function mssqlOperations(db: MssqlDatabase, subscriptions: MssqlSubscriptionRepo): OperationRepo {
  const s = db.s;
  // Local actions (no operation id) are always recorded; a Marketplace operation once. The key-range lock on the
  // filtered unique index makes a concurrent redelivery wait for this transaction, then see the row. (`IS NOT NULL`
  // spelled out lets the optimizer match that filtered index whatever the parameter's value.)
  const insert = `INSERT INTO ${s}.subscription_operations (${COLUMNS})
    SELECT @operationId, @subscriptionId, @action, @source, @status, @fromStatus, @toStatus, @fromPlanId, @toPlanId,
      @fromQuantity, @toQuantity, @detail, @operationTime, @createdAt
    WHERE @operationId IS NULL OR NOT EXISTS (SELECT 1 FROM ${s}.subscription_operations WITH (UPDLOCK, HOLDLOCK)
      WHERE operation_id IS NOT NULL AND operation_id = @operationId)`;
  return {
    async find(operationId) {
      const { rows } = await db.query<OperationRow>(
        `SELECT ${COLUMNS} FROM ${s}.subscription_operations WHERE operation_id IS NOT NULL AND operation_id = @operationId`,
        { operationId: param.text(operationId) },
      );
      return rows[0] ? toOperationRecord(rows[0]) : undefined;
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
            operationTime: param.time(record.operationTime),
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
      return rows.map(toOperationRecord);
    },
    async newestAppliedTime(subscriptionId) {
      const { rows } = await db.query<{ t: Date | null }>(
        `SELECT MAX(operation_time) AS t FROM ${s}.subscription_operations
        WHERE subscription_id = @subscriptionId AND status = N'Applied'`,
        { subscriptionId: param.text(subscriptionId) },
      );
      return rows[0]?.t ?? undefined;
    },
  };
}
