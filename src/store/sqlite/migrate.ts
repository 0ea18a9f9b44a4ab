import path from 'node:path';
import type Database from 'better-sqlite3';
import { loadMigrationFiles, type Migration } from '../migration-files';

/** Numbered migrations (`NNNN_name.sql`), applied in order at start, each in its own transaction, once. */
export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

export type { Migration };

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return loadMigrationFiles(dir);
}

/** Applies what is missing and returns the versions applied. */
export function migrate(db: Database.Database, migrations = loadMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const done: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    // IMMEDIATE: two processes starting on the same file take turns instead of both applying.
    db.transaction(() => {
      const again = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version);
      if (again) return;
      if (!hasColumnAlready(db, m.sql)) db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      done.push(m.version);
    }).immediate();
  }
  return done;
}

/**
 * A migration headed `-- only-without-column: <table>.<column>` brings a store built by an earlier form of the schema
 * forward; where the column is already there (the store was built by the later form), it is recorded without
 * running. Azure SQL needs no such line: T-SQL says it with `IF COL_LENGTH(...) IS NULL`.
 */
function hasColumnAlready(db: Database.Database, sql: string): boolean {
  const only = /^-- only-without-column: (\w+)\.(\w+)[ \t]*$/m.exec(sql);
  if (!only) return false;
  return db.prepare('SELECT 1 FROM pragma_table_info(?) WHERE name = ?').get(only[1], only[2]) !== undefined;
}
