import type { Subscription } from '../domain/subscription';

export interface SubscriptionRepo {
  /** Inserts or replaces by id; `createdAt` of an existing row is kept. */
  upsert(subscription: Subscription): Promise<void>;
  get(id: string): Promise<Subscription | undefined>;
  /** Every subscription whose beneficiary is this tenant, any status. */
  listForTenant(tenantId: string): Promise<Subscription[]>;
  list(): Promise<Subscription[]>;
}
