import type Database from 'better-sqlite3';
import type { UserDirectoryRepo } from '../user-directory-repo';
import type { WriteBatcher } from './write-batcher';

export function sqliteUsers(db: Database.Database, batcher: WriteBatcher): UserDirectoryRepo {
  const find = db.prepare(`SELECT user_id, user_name FROM tenant_users
    WHERE tenant_id = ? AND (user_id = ? OR lower(user_name) = lower(?)) ORDER BY last_seen DESC LIMIT 10`);
  const remember = db.prepare(`INSERT INTO tenant_users (tenant_id, user_id, user_name, last_seen) VALUES (?, ?, ?, ?)
    ON CONFLICT (tenant_id, user_id) DO UPDATE SET user_name = COALESCE(excluded.user_name, tenant_users.user_name),
      last_seen = MAX(tenant_users.last_seen, excluded.last_seen)`);
  return {
    async find(tenantId, query) {
      // Names are written with the usage of a turn, in the background: commit what this process holds first.
      batcher.flushNow();
      return (find.all(tenantId, query, query) as { user_id: string; user_name: string | null }[]).map((r) => ({
        userId: r.user_id,
        ...(r.user_name ? { userName: r.user_name } : {}),
      }));
    },
    async remember(tenantId, user, at) {
      remember.run(tenantId, user.userId, user.userName ?? null, at.getTime());
    },
  };
}
