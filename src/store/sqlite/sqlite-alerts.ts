import type Database from 'better-sqlite3';
import { toSystemAlert, type SystemAlertRow } from '../row-mapping';
import type { AlertRepo } from '../system-alert-repo';
import type { WriteBatcher } from './write-batcher';

/** Problems the operator must see while they last, one row per key (see AlertRepo). */
export function sqliteAlerts(db: Database.Database, batcher: WriteBatcher): AlertRepo {
  const raise = db.prepare(`INSERT INTO system_alerts (alert_key, message, first_seen_at, last_seen_at, raise_count)
    VALUES (?, ?, ?, ?, 1)
    ON CONFLICT (alert_key) DO UPDATE SET message = excluded.message, last_seen_at = excluded.last_seen_at,
      raise_count = raise_count + 1`);
  const clear = db.prepare('DELETE FROM system_alerts WHERE alert_key = ?');
  const active = db.prepare('SELECT * FROM system_alerts ORDER BY first_seen_at, alert_key');
  return {
    async raise(key, message, at) {
      await batcher.run(() => raise.run(key, message, at.getTime(), at.getTime()));
    },
    async clear(key) {
      return batcher.run(() => clear.run(key).changes > 0);
    },
    async active() {
      return (active.all() as SystemAlertRow[]).map(toSystemAlert);
    },
  };
}
