import type Database from 'better-sqlite3';
import type { AdminRepo } from '../admin-repo';
import { toTenantAdmin, type AdminRow } from '../row-mapping';

export function sqliteAdmins(db: Database.Database): AdminRepo {
  const isAdmin = db.prepare('SELECT 1 FROM tenant_admins WHERE tenant_id = ? AND user_id = ?');
  const list = db.prepare(`
    SELECT a.tenant_id, a.user_id, COALESCE(a.user_name, u.user_name) AS user_name, a.added_by, a.added_at
    FROM tenant_admins a LEFT JOIN tenant_users u ON u.tenant_id = a.tenant_id AND u.user_id = a.user_id
    WHERE a.tenant_id = ? ORDER BY a.added_at`);
  const add = db.prepare(`INSERT INTO tenant_admins (tenant_id, user_id, user_name, added_by, added_at)
    VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, user_id) DO NOTHING`);
  const remove = db.prepare('DELETE FROM tenant_admins WHERE tenant_id = ? AND user_id = ?');
  return {
    async isAdmin(tenantId, userId) {
      return isAdmin.get(tenantId, userId) !== undefined;
    },
    async list(tenantId) {
      return (list.all(tenantId) as AdminRow[]).map(toTenantAdmin);
    },
    async add(a) {
      return add.run(a.tenantId, a.userId, a.userName ?? null, a.addedBy, a.addedAt.getTime()).changes === 1;
    },
    async remove(tenantId, userId) {
      return remove.run(tenantId, userId).changes === 1;
    },
  };
}
