import path from 'node:path';
import type { MssqlDatabase, Queryable } from './mssql-database';
import { loadMigrationFiles, type Migration } from '../migration-files';
import { param } from './mssql-database';

/** Numbered T-SQL migrations (`NNNN_name.sql`), applied in order at start, each in its own transaction, once. */
export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/** How long a starting instance waits for another one to finish migrating; below the request timeout (30 s). */
const LOCK_TIMEOUT_MS = 25_000;

export type { Migration };

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return loadMigrationFiles(dir);
}

/**
 * Splits a script into the batches SQL Server runs one at a time, on lines that hold only `GO` (any case), as
 * sqlcmd and SSMS do. `GO n` (repeat) is not supported: a migration has no reason to repeat a batch.
 */
export function splitBatches(script: string): string[] {
  return script
    .split(/^[ \t]*GO[ \t]*(?:--[^\r\n]*)?\r?$/gim)
    .map((batch) => batch.trim())
    .filter((batch) => batch.replace(/^[ \t]*--[^\r\n]*$/gm, '').trim() !== '');
}

/** Fills in the sqlcmd-style `$(schema)` variable with the quoted schema. */
export function forSchema(script: string, quotedSchema: string): string {
  return script.replace(/\$\(schema\)/g, quotedSchema);
}

/**
 * Takes the migration lock for the rest of the transaction. Several instances starting together queue here, and each
 * then sees what the one before it applied. An application lock, because there may be no table to lock yet.
 */
async function takeLock(tx: Queryable, schema: string): Promise<void> {
  await tx.query(
    `DECLARE @result int;
    EXEC @result = sp_getapplock @Resource = @resource, @LockMode = N'Exclusive', @LockOwner = N'Transaction',
      @LockTimeout = @timeoutMs;
    IF @result < 0 THROW 51000, N'Timed out waiting for another instance to finish the schema migrations.', 1;`,
    { resource: param.text(`teams-saas-bot/migrations/${schema}`), timeoutMs: param.int(LOCK_TIMEOUT_MS) },
  );
}

/** Applies what is missing and returns the versions applied. */
export async function migrate(db: MssqlDatabase, migrations = loadMigrations()): Promise<number[]> {
  const s = db.s;
  await db.transaction(async (tx) => {
    await takeLock(tx, db.schema);
    // CREATE SCHEMA must be alone in its batch, hence the dynamic statement.
    await tx.query(
      `IF SCHEMA_ID(@schema) IS NULL
      BEGIN
        DECLARE @ddl nvarchar(300) = N'CREATE SCHEMA ' + QUOTENAME(@schema);
        EXEC sp_executesql @ddl;
      END;`,
      { schema: param.text(db.schema) },
    );
    await tx.query(
      `IF OBJECT_ID(N'${s}.schema_migrations', N'U') IS NULL
        CREATE TABLE ${s}.schema_migrations (
          version     int NOT NULL CONSTRAINT pk_schema_migrations PRIMARY KEY,
          name        nvarchar(200) NOT NULL,
          applied_at  datetime2(3) NOT NULL
        );`,
    );
  });

  const applied = new Set(
    (await db.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`)).rows.map((r) => r.version),
  );
  const done: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    const appliedNow = await db.transaction(async (tx) => {
      await takeLock(tx, db.schema);
      const again = await tx.query(`SELECT 1 AS x FROM ${s}.schema_migrations WHERE version = @version`, {
        version: param.int(m.version),
      });
      if (again.rows.length > 0) return false;
      for (const batch of splitBatches(forSchema(m.sql, s))) await tx.query(batch);
      await tx.query(`INSERT INTO ${s}.schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)`, {
        version: param.int(m.version),
        name: param.text(m.name),
        at: param.time(new Date()),
      });
      return true;
    });
    if (appliedNow) done.push(m.version);
  }
  return done;
}
