import type Database from 'better-sqlite3';
import type { Subscription, SubscriptionStatus } from '../../domain/subscription';
import type { SubscriptionRepo } from '../store';
import { fromMs, toMs } from './sqlite-database';

interface SubscriptionRow {
  id: string;
  name: string;
  offer_id: string;
  publisher_id: string | null;
  plan_id: string;
  quantity: number | null;
  status: string;
  purchaser_tenant_id: string | null;
  purchaser_object_id: string | null;
  purchaser_email: string | null;
  beneficiary_tenant_id: string | null;
  beneficiary_object_id: string | null;
  beneficiary_email: string | null;
  term_start: number | null;
  term_end: number | null;
  term_unit: string | null;
  auto_renew: number;
  is_test: number;
  is_free_trial: number;
  created_at: number;
  updated_at: number;
  activated_at: number | null;
}

const party = (tenantId: string | null, objectId: string | null, emailId: string | null) => ({
  ...(tenantId ? { tenantId } : {}),
  ...(objectId ? { objectId } : {}),
  ...(emailId ? { emailId } : {}),
});

function toSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    name: r.name,
    offerId: r.offer_id,
    ...(r.publisher_id ? { publisherId: r.publisher_id } : {}),
    planId: r.plan_id,
    ...(r.quantity !== null ? { quantity: r.quantity } : {}),
    status: r.status as SubscriptionStatus,
    purchaser: party(r.purchaser_tenant_id, r.purchaser_object_id, r.purchaser_email),
    beneficiary: party(r.beneficiary_tenant_id, r.beneficiary_object_id, r.beneficiary_email),
    ...(r.term_start !== null
      ? {
          term: {
            startDate: new Date(r.term_start),
            ...(r.term_end !== null ? { endDate: new Date(r.term_end) } : {}),
            ...(r.term_unit ? { termUnit: r.term_unit } : {}),
          },
        }
      : {}),
    autoRenew: r.auto_renew === 1,
    isTest: r.is_test === 1,
    isFreeTrial: r.is_free_trial === 1,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    ...(r.activated_at !== null ? { activatedAt: fromMs(r.activated_at) } : {}),
  };
}

export function sqliteSubscriptions(db: Database.Database): SubscriptionRepo & { upsertSync(s: Subscription): void } {
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
      status = excluded.status, purchaser_tenant_id = excluded.purchaser_tenant_id,
      purchaser_object_id = excluded.purchaser_object_id, purchaser_email = excluded.purchaser_email,
      beneficiary_tenant_id = excluded.beneficiary_tenant_id, beneficiary_object_id = excluded.beneficiary_object_id,
      beneficiary_email = excluded.beneficiary_email, term_start = excluded.term_start, term_end = excluded.term_end,
      term_unit = excluded.term_unit, auto_renew = excluded.auto_renew, is_test = excluded.is_test,
      is_free_trial = excluded.is_free_trial, updated_at = excluded.updated_at,
      activated_at = COALESCE(excluded.activated_at, subscriptions.activated_at)`);
  const getOne = db.prepare('SELECT * FROM subscriptions WHERE id = ?');
  const forTenant = db.prepare('SELECT * FROM subscriptions WHERE beneficiary_tenant_id = ? ORDER BY created_at DESC');
  const all = db.prepare('SELECT * FROM subscriptions ORDER BY created_at');

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
  };
}
