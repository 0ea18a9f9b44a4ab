import type { AdminRepo } from '../admin-repo';
import { toTenantAdmin, type AdminRow } from '../row-mapping';
import { isUniqueViolation, param, type MssqlDatabase } from './mssql-database';

export function mssqlAdmins(db: MssqlDatabase): AdminRepo {
  const s = db.s;
  return {
    async isAdmin(tenantId, userId) {
      const { rows } = await db.query(`SELECT 1 AS x FROM ${s}.tenant_admins WHERE tenant_id = @tenant AND user_id = @user`, {
        tenant: param.text(tenantId),
        user: param.text(userId),
      });
      return rows.length > 0;
    },
    async list(tenantId) {
      const { rows } = await db.query<AdminRow>(
        `SELECT a.tenant_id, a.user_id, COALESCE(a.user_name, u.user_name) AS user_name, a.added_by, a.added_at
        FROM ${s}.tenant_admins AS a
        LEFT JOIN ${s}.tenant_users AS u ON u.tenant_id = a.tenant_id AND u.user_id = a.user_id
        WHERE a.tenant_id = @tenant ORDER BY a.added_at, a.user_id`,
        { tenant: param.text(tenantId) },
      );
      return rows.map(toTenantAdmin);
    },
    async add(a) {
      try {
        // The key-range lock (UPDLOCK, HOLDLOCK) makes the check and the insert one step for concurrent adds.
        const { rowsAffected } = await db.query(
          `INSERT INTO ${s}.tenant_admins (tenant_id, user_id, user_name, added_by, added_at)
          SELECT @tenant, @user, @name, @by, @at
          WHERE NOT EXISTS (SELECT 1 FROM ${s}.tenant_admins WITH (UPDLOCK, HOLDLOCK)
            WHERE tenant_id = @tenant AND user_id = @user)`,
          {
            tenant: param.text(a.tenantId),
            user: param.text(a.userId),
            name: param.text(a.userName),
            by: param.text(a.addedBy),
            at: param.time(a.addedAt),
          },
        );
        return rowsAffected[0] === 1;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async remove(tenantId, userId) {
      const { rowsAffected } = await db.query(`DELETE FROM ${s}.tenant_admins WHERE tenant_id = @tenant AND user_id = @user`, {
        tenant: param.text(tenantId),
        user: param.text(userId),
      });
      return rowsAffected[0] === 1;
    },
  };
}
