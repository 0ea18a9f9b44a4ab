import type { UserDirectoryRepo } from '../user-directory-repo';
import { param, type MssqlDatabase } from './mssql-database';

export function mssqlUsers(db: MssqlDatabase): UserDirectoryRepo {
  const s = db.s;
  return {
    async find(tenantId, query) {
      const { rows } = await db.query<{ user_id: string; user_name: string | null }>(
        `SELECT TOP (10) user_id, user_name FROM ${s}.tenant_users
        WHERE tenant_id = @tenant AND (user_id = @query OR LOWER(user_name) = LOWER(@query))
        ORDER BY last_seen DESC`,
        { tenant: param.text(tenantId), query: param.text(query) },
      );
      return rows.map((r) => ({ userId: r.user_id, ...(r.user_name ? { userName: r.user_name } : {}) }));
    },
    async remember(tenantId, user, at) {
      await db.query(
        `MERGE ${s}.tenant_users WITH (HOLDLOCK) AS t
        USING (SELECT @tenant AS tenant_id, @user AS user_id) AS src
          ON t.tenant_id = src.tenant_id AND t.user_id = src.user_id
        WHEN MATCHED THEN UPDATE SET user_name = COALESCE(@name, t.user_name),
          last_seen = CASE WHEN t.last_seen > @at THEN t.last_seen ELSE @at END
        WHEN NOT MATCHED THEN INSERT (tenant_id, user_id, user_name, last_seen) VALUES (@tenant, @user, @name, @at);`,
        { tenant: param.text(tenantId), user: param.text(user.userId), name: param.text(user.userName), at: param.time(at) },
      );
    },
  };
}
