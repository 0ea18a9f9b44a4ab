import type { TenantDataRepo } from '../tenant-data-repo';
import { CHUNK, CHUNKED, EVENT_DEPENDENTS, TENANT_FACETS } from '../tenant-facets';
import { param, type MssqlDatabase } from './mssql-database';

export function mssqlTenantData(db: MssqlDatabase): TenantDataRepo {
  const facets = TENANT_FACETS.map((f) => ({
    name: f.name,
    table: `${db.s}.${f.table}`,
    where: f.where.replaceAll('{s}', db.s),
  }));
  const tenant = (tenantId: string) => ({ tenant: param.text(tenantId) });
  return {
    async count(tenantId) {
      const result: Record<string, number> = {};
      for (const f of facets) {
        const { rows } = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${f.table} WHERE ${f.where}`, tenant(tenantId));
        result[f.name] = rows[0]?.n ?? 0;
      }
      return result;
    },
    async erase(tenantId) {
      const deleted: Record<string, number> = Object.fromEntries(facets.map((f) => [f.name, 0]));
      // The outbox and consumed rows point at events: they go with the first chunk of events, never after it (the
      // last pass below takes any that came since).
      const dependents = facets.filter((f) => EVENT_DEPENDENTS.has(f.name));
      for (const f of facets) {
        if (!CHUNKED.has(f.name)) continue;
        let first = true;
        for (;;) {
          const n = await db.transaction(async (tx) => {
            if (f.name === 'usage_events' && first) {
              for (const d of dependents) {
                const r = await tx.query<{ n: number }>(
                  `DELETE FROM ${d.table} WHERE ${d.where}; SELECT @@ROWCOUNT AS n;`,
                  tenant(tenantId),
                );
                deleted[d.name]! += r.rows[0]?.n ?? 0;
              }
            }
            const r = await tx.query<{ n: number }>(
              `DELETE TOP (${CHUNK}) FROM ${f.table} WHERE ${f.where}; SELECT @@ROWCOUNT AS n;`,
              tenant(tenantId),
            );
            return r.rows[0]?.n ?? 0;
          });
          deleted[f.name]! += n;
          first = false;
          if (n < CHUNK) break;
        }
      }
      await db.transaction(async (tx) => {
        for (const f of facets) {
          const r = await tx.query<{ n: number }>(
            `DELETE FROM ${f.table} WHERE ${f.where}; SELECT @@ROWCOUNT AS n;`,
            tenant(tenantId),
          );
          deleted[f.name]! += r.rows[0]?.n ?? 0;
        }
      });
      return deleted;
    },
  };
}
