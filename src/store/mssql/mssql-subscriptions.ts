import type { Subscription } from '../../domain/subscription';
import type { SubscriptionRepo } from '../subscription-repo';
import { param, type MssqlDatabase, type Queryable } from './mssql-database';
import { toSubscription, type SubscriptionRow } from '../row-mapping';

export interface MssqlSubscriptionRepo extends SubscriptionRepo {
  /** The upsert on a given connection, so that the operations repo can write it inside its own transaction. */
  upsertOn(q: Queryable, subscription: Subscription): Promise<void>;
}

export function mssqlSubscriptions(db: MssqlDatabase): MssqlSubscriptionRepo {
  const s = db.s;
  // One statement: MERGE under HOLDLOCK keeps two concurrent first writes of an id from both inserting. Unsubscribed
  // is final (src/domain/subscription-lifecycle.ts): the statement keeps it even against a write decided on a state
  // read before a concurrent Unsubscribe.
  const upsert = `MERGE ${s}.subscriptions WITH (HOLDLOCK) AS t
    USING (SELECT @id AS id) AS src ON t.id = src.id
    WHEN MATCHED THEN UPDATE SET name = @name, offer_id = @offer_id, publisher_id = @publisher_id, plan_id = @plan_id,
      quantity = @quantity, status = CASE WHEN t.status = N'Unsubscribed' THEN t.status ELSE @status END,
      purchaser_tenant_id = @purchaser_tenant_id,
      purchaser_object_id = @purchaser_object_id, purchaser_email = @purchaser_email,
      beneficiary_tenant_id = @beneficiary_tenant_id, beneficiary_object_id = @beneficiary_object_id,
      beneficiary_email = @beneficiary_email, term_start = @term_start, term_end = @term_end, term_unit = @term_unit,
      auto_renew = @auto_renew, is_test = @is_test, is_free_trial = @is_free_trial, updated_at = @updated_at,
      activated_at = COALESCE(@activated_at, t.activated_at)
    WHEN NOT MATCHED THEN INSERT (id, name, offer_id, publisher_id, plan_id, quantity, status, purchaser_tenant_id,
      purchaser_object_id, purchaser_email, beneficiary_tenant_id, beneficiary_object_id, beneficiary_email, term_start,
      term_end, term_unit, auto_renew, is_test, is_free_trial, created_at, updated_at, activated_at)
    VALUES (@id, @name, @offer_id, @publisher_id, @plan_id, @quantity, @status, @purchaser_tenant_id,
      @purchaser_object_id, @purchaser_email, @beneficiary_tenant_id, @beneficiary_object_id, @beneficiary_email,
      @term_start, @term_end, @term_unit, @auto_renew, @is_test, @is_free_trial, @created_at, @updated_at,
      @activated_at);`;

  const upsertOn = async (q: Queryable, sub: Subscription) => {
    await q.query(upsert, {
      id: param.text(sub.id),
      name: param.text(sub.name),
      offer_id: param.text(sub.offerId),
      publisher_id: param.text(sub.publisherId),
      plan_id: param.text(sub.planId),
      quantity: param.int(sub.quantity),
      status: param.text(sub.status),
      purchaser_tenant_id: param.text(sub.purchaser.tenantId),
      purchaser_object_id: param.text(sub.purchaser.objectId),
      purchaser_email: param.text(sub.purchaser.emailId),
      beneficiary_tenant_id: param.text(sub.beneficiary.tenantId),
      beneficiary_object_id: param.text(sub.beneficiary.objectId),
      beneficiary_email: param.text(sub.beneficiary.emailId),
      term_start: param.time(sub.term?.startDate),
      term_end: param.time(sub.term?.endDate),
      term_unit: param.text(sub.term?.termUnit),
      auto_renew: param.bit(sub.autoRenew),
      is_test: param.bit(sub.isTest),
      is_free_trial: param.bit(sub.isFreeTrial),
      created_at: param.time(sub.createdAt),
      updated_at: param.time(sub.updatedAt),
      activated_at: param.time(sub.activatedAt),
    });
  };

  return {
    upsertOn,
    async upsert(sub) {
      await upsertOn(db, sub);
    },
    async get(id) {
      const { rows } = await db.query<SubscriptionRow>(`SELECT * FROM ${s}.subscriptions WHERE id = @id`, {
        id: param.text(id),
      });
      return rows[0] ? toSubscription(rows[0]) : undefined;
    },
    async listForTenant(tenantId) {
      const { rows } = await db.query<SubscriptionRow>(
        `SELECT * FROM ${s}.subscriptions WHERE beneficiary_tenant_id = @tenant ORDER BY created_at DESC, id DESC`,
        { tenant: param.text(tenantId) },
      );
      return rows.map(toSubscription);
    },
    async list() {
      const { rows } = await db.query<SubscriptionRow>(`SELECT * FROM ${s}.subscriptions ORDER BY created_at, id`);
      return rows.map(toSubscription);
    },
    async listForEndingNotices() {
      const { rows } = await db.query<SubscriptionRow>(`SELECT * FROM ${s}.subscriptions
        WHERE status = 'Subscribed' AND (auto_renew = 0 OR is_free_trial = 1) ORDER BY created_at, id`);
      return rows.map(toSubscription);
    },
  };
}
