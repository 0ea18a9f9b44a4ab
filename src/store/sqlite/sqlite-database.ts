import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrate';

/**
 * Opens (creating if needed) the embedded database file and brings its schema up to date. WAL lets several
 * processes (bot instances and a separate worker) share the file; writers wait up to `busyTimeoutMs` for the lock.
 */
export function openDatabase(file: string, options: { busyTimeoutMs?: number } = {}): Database.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives a process crash; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma('foreign_keys = ON');
  db.pragma('wal_autocheckpoint = 10000');
  migrate(db);
  return db;
}

export const toMs = (d: Date | undefined | null): number | null => (d ? d.getTime() : null);
