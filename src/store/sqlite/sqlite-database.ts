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
  // Savepoint journals in memory: the group commit puts each unit of work under a savepoint, and a unit that
  // touched more than 64 KiB of pages (a group of turns' usage) had its journal written to a temporary file, created
  // and deleted at every commit. The temporary tables and indexes of queries go there too; every query here is
  // bounded (by a key, a page size or a batch size).
  db.pragma('temp_store = MEMORY');
  migrate(db);
  return db;
}

export const toMs = (d: Date | undefined | null): number | null => (d ? d.getTime() : null);
