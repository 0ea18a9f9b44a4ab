import type Database from 'better-sqlite3';
import type { Subscription } from '../../domain/subscription';
import type { SubscriptionRepo } from '../subscription-repo';
import { toMs } from './sqlite-database';
import { toSubscription, type SubscriptionRow } from '../row-mapping';

export function sqliteSubscriptions(db: Database.Database): SubscriptionRepo & { upsertSync: (s: Subscription) => void } {
  // Unsubscribed is final (src/domain/subscription-lifecycle.ts): the callers keep that rule, and the statement keeps
  // it too, so that a write decided on a state read before a concurrent Unsubscribe cannot undo it.
  const upsert = db.prepare(`
    INSERT INTO subscriptions (id, name, offer_id, publisher_id, plan_id, quantity, status,
      purchaser_tenant_id, purchaser_object_id, purchaser_email, beneficiary_tenant_id, beneficiary_object_id,
      beneficiary_email, term_start, term_end, term_unit, auto_renew, is_test, is_free_trial, created_at, updated_at,
      activated_at)
    VALUES (@id, @name, @offer_id, @publisher_id, @plan_id, @quantity, @status, @purchaser_tenant_id,
      @purchaser_object_id, @purchaser_email, @beneficiary_tenant_id, @beneficiary_object_id, @beneficiary_email,
      @term_start, @term_end, @term_unit, @auto_renew, @is_test, @is_free_trial, @created_at, @updated_at,
      @activated_at)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, offer_id = excluded.offer_id,
      publisher_id = excluded.publisher_id, plan_id = excluded.plan_id, quantity = excluded.quantity,
      status = CASE WHEN subscriptions.status = 'Unsubscribed' THEN subscriptions.status ELSE excluded.status END,
      purchaser_tenant_id = excluded.purchaser_tenant_id,
      purchaser_object_id = excluded.purchaser_object_id, purchaser_email = excluded.purchaser_email,
      beneficiary_tenant_id = excluded.beneficiary_tenant_id, beneficiary_object_id = excluded.beneficiary_object_id,
      beneficiary_email = excluded.beneficiary_email, term_start = excluded.term_start, term_end = excluded.term_end,
      term_unit = excluded.term_unit, auto_renew = excluded.auto_renew, is_test = excluded.is_test,
      is_free_trial = excluded.is_free_trial, updated_at = excluded.updated_at,
      activated_at = COALESCE(excluded.activated_at, subscriptions.activated_at)`);
  const getOne = db.prepare('SELECT * FROM subscriptions WHERE id = ?');
  const forTenant = db.prepare('SELECT * FROM subscriptions WHERE beneficiary_tenant_id = ? ORDER BY created_at DESC');
  const all = db.prepare('SELECT * FROM subscriptions ORDER BY created_at');
  const forEndingNotices = db.prepare(`SELECT * FROM subscriptions
    WHERE status = 'Subscribed' AND (auto_renew = 0 OR is_free_trial = 1) ORDER BY created_at, id`);

  const upsertSync = (s: Subscription) => {
    upsert.run({
      id: s.id,
      name: s.name,
      offer_id: s.offerId,
      publisher_id: s.publisherId ?? null,
      plan_id: s.planId,
      quantity: s.quantity ?? null,
      status: s.status,
      purchaser_tenant_id: s.purchaser.tenantId ?? null,
      purchaser_object_id: s.purchaser.objectId ?? null,
      purchaser_email: s.purchaser.emailId ?? null,
      beneficiary_tenant_id: s.beneficiary.tenantId ?? null,
      beneficiary_object_id: s.beneficiary.objectId ?? null,
      beneficiary_email: s.beneficiary.emailId ?? null,
      term_start: toMs(s.term?.startDate),
      term_end: toMs(s.term?.endDate),
      term_unit: s.term?.termUnit ?? null,
      auto_renew: s.autoRenew ? 1 : 0,
      is_test: s.isTest ? 1 : 0,
      is_free_trial: s.isFreeTrial ? 1 : 0,
      created_at: s.createdAt.getTime(),
      updated_at: s.updatedAt.getTime(),
      activated_at: toMs(s.activatedAt),
    });
  };
  return {
    upsertSync,
    async upsert(s) {
      upsertSync(s);
    },
    async get(id) {
      const row = getOne.get(id) as SubscriptionRow | undefined;
      return row ? toSubscription(row) : undefined;
    },
    async listForTenant(tenantId) {
      return (forTenant.all(tenantId) as SubscriptionRow[]).map(toSubscription);
    },
    async list() {
      return (all.all() as SubscriptionRow[]).map(toSubscription);
    },
    async listForEndingNotices() {
      return (forEndingNotices.all() as SubscriptionRow[]).map(toSubscription);
    },
  };
}
