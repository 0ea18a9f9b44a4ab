import { erasureDecision, type ErasureDecision } from '../domain/tenant-erasure';
import type { Store } from '../store/store';

export type ErasureResult =
  | { erased: true; tenantId: string; deleted: Record<string, number> }
  | {
      erased: false;
      tenantId: string;
      decision: Exclude<ErasureDecision, { ok: true }> | { ok: true };
      found: Record<string, number>;
    };

/**
 * Erases a tenant's data on request (`npm run tenant:erase`): only once every subscription it is the beneficiary of
 * is Unsubscribed and the keep period has passed (src/domain/tenant-erasure.ts); `dryRun` only counts. Every facet of
 * the store's tenant data goes, and nothing of another tenant.
 */
export async function eraseTenant(input: {
  store: Store;
  tenantId: string;
  now: Date;
  keepDays: number;
  dryRun?: boolean;
}): Promise<ErasureResult> {
  const { store, tenantId } = input;
  const decision = erasureDecision(await store.subscriptions.listForTenant(tenantId), input.now, input.keepDays);
  if (!decision.ok || input.dryRun) {
    return { erased: false, tenantId, decision, found: await store.tenantData.count(tenantId) };
  }
  return { erased: true, tenantId, deleted: await store.tenantData.erase(tenantId) };
}
