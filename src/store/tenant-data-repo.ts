/**
 * A tenant's data, erased on request once its subscriptions ended and the keep period passed
 * (src/domain/tenant-erasure.ts decides when; `npm run tenant:erase` asks). Both stores delete the one list of
 * facets in src/store/tenant-facets.ts, one deletion each: a feature that stores tenant data adds its facet there.
 */
export interface TenantDataRepo {
  /** Rows of the tenant per facet (nothing deleted). */
  count(tenantId: string): Promise<Record<string, number>>;
  /**
   * Deletes every row of the tenant, facet by facet; returns the rows deleted per facet. The large facets go first in
   * chunks, each its own short transaction; the rest in one transaction.
   */
  erase(tenantId: string): Promise<Record<string, number>>;
}
