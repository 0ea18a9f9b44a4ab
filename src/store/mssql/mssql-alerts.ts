import { toSystemAlert, type SystemAlertRow } from '../row-mapping';
import type { AlertRepo } from '../system-alert-repo';
import { param, type MssqlDatabase } from './mssql-database';

/** Problems the operator must see while they last, one row per key (as sqlite-alerts.ts). */
export function mssqlAlerts(db: MssqlDatabase): AlertRepo {
  const s = db.s;
  return {
    async raise(key, message, at) {
      await db.query(
        `MERGE ${s}.system_alerts WITH (HOLDLOCK) AS t
        USING (SELECT @key AS alert_key) AS k ON t.alert_key = k.alert_key
        WHEN MATCHED THEN UPDATE SET message = @message, last_seen_at = @at, raise_count = t.raise_count + 1
        WHEN NOT MATCHED THEN INSERT (alert_key, message, first_seen_at, last_seen_at, raise_count)
          VALUES (@key, @message, @at, @at, 1);`,
        { key: param.text(key), message: param.longText(message), at: param.time(at) },
      );
    },
    async clear(key) {
      const { rowsAffected } = await db.query(`DELETE FROM ${s}.system_alerts WHERE alert_key = @key`, { key: param.text(key) });
      return (rowsAffected[0] ?? 0) > 0;
    },
    async active() {
      const { rows } = await db.query<SystemAlertRow>(`SELECT * FROM ${s}.system_alerts ORDER BY first_seen_at, alert_key`);
      return rows.map(toSystemAlert);
    },
  };
}
