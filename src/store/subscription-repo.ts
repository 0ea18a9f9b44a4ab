import type { Subscription } from '../domain/subscription';

export interface SubscriptionRepo {
  /** Inserts or replaces by id; `createdAt` of an existing row is kept. */
  upsert(subscription: Subscription): Promise<void>;
  get(id: string): Promise<Subscription | undefined>;
  /** Every subscription whose beneficiary is this tenant, any status. */
  listForTenant(tenantId: string): Promise<Subscription[]>;
  list(): Promise<Subscription[]>;
  /**
   * Subscribed subscriptions that do not renew on their own, and free trials: the only ones an ending notice can
   * concern (src/domain/tenant-notices.ts decides which do, and when). The hourly notice sweep reads these rather
   * than every subscription (100,000 of them at a large publisher).
   */
  listForEndingNotices(): Promise<Subscription[]>;
}
