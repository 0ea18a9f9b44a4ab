import type Database from 'better-sqlite3';
import type { TenantDataRepo } from '../tenant-data-repo';
import { CHUNK, CHUNKED, EVENT_DEPENDENTS, TENANT_FACETS } from '../tenant-facets';
import type { WriteBatcher } from './write-batcher';

/** The primary keys of the chunked tables without rowid (WITHOUT ROWID): their chunks go by primary key. */
const KEYS: Record<string, string> = {
  usage_daily: 'subscription_id, day, user_id, dimension, plan_id',
  usage_period_users: 'subscription_id, period_start, user_id',
};

export function sqliteTenantData(db: Database.Database, batcher: WriteBatcher): TenantDataRepo {
  // The shared list names Azure SQL's schema as `{s}.`: SQLite has none.
  const local = TENANT_FACETS.map((f) => ({ ...f, where: f.where.replaceAll('{s}.', '') }));
  const chunkOf = (f: (typeof local)[number]) => {
    if (!CHUNKED.has(f.name)) return undefined;
    const key = KEYS[f.name] ?? 'rowid';
    return db.prepare(`DELETE FROM ${f.table} WHERE (${key}) IN (SELECT ${key} FROM ${f.table} WHERE ${f.where} LIMIT ${CHUNK})`);
  };
  const facets = local.map((f) => ({
    name: f.name,
    count: db.prepare(`SELECT COUNT(*) FROM ${f.table} WHERE ${f.where}`).pluck(),
    remove: db.prepare(`DELETE FROM ${f.table} WHERE ${f.where}`),
    chunk: chunkOf(f),
  }));
  // Deleting the newest events lowers the rollup marks (see sqlite-retention.ts): a reused rowid stays above them.
  const lowerMarks = db.prepare(`UPDATE usage_rollup_state SET
      rolled_through = MIN(rolled_through, (SELECT COALESCE(MAX(rowid), 0) FROM usage_events)),
      text_scrubbed_through = MIN(text_scrubbed_through, (SELECT COALESCE(MAX(rowid), 0) FROM usage_events))
    WHERE id = 1`);

  return {
    async count(tenantId) {
      batcher.flushNow();
      return Object.fromEntries(facets.map((f) => [f.name, f.count.get({ tenant: tenantId }) as number]));
    },
    async erase(tenantId) {
      const deleted: Record<string, number> = Object.fromEntries(facets.map((f) => [f.name, 0]));
      // The outbox and consumed rows point at events: they go with the first chunk of events, never after it (the
      // last pass below takes any that came since).
      const dependents = facets.filter((f) => EVENT_DEPENDENTS.has(f.name));
      for (const f of facets) {
        const statement = f.chunk;
        if (!statement) continue;
        let first = true;
        for (;;) {
          const n = await batcher.run(() => {
            if (f.name === 'usage_events' && first) {
              for (const dependent of dependents) deleted[dependent.name]! += dependent.remove.run({ tenant: tenantId }).changes;
            }
            const changes = statement.run({ tenant: tenantId }).changes;
            if (f.name === 'usage_events') lowerMarks.run();
            return changes;
          });
          deleted[f.name]! += n;
          first = false;
          if (n < CHUNK) break;
        }
      }
      await batcher.run(() => {
        for (const f of facets) deleted[f.name]! += f.remove.run({ tenant: tenantId }).changes;
        lowerMarks.run();
      });
      return deleted;
    },
  };
}
