import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrationFiles } from '../../src/store/migration-files';
import { loadMigrations as loadMssql } from '../../src/store/mssql/mssql-migrate';
import { loadMigrations as loadSqlite } from '../../src/store/sqlite/migrate';
import { tempDir } from '../helpers/temp-dir';

describe('migration files', () => {
  it('load in version order, ignoring other files, the same way for both stores', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '0002_second.sql'), 'B');
    fs.writeFileSync(path.join(dir, '0001_first.sql'), 'A');
    fs.writeFileSync(path.join(dir, 'README.md'), 'not a migration');
    expect(loadMigrationFiles(dir)).toEqual([
      { version: 1, name: 'first', sql: 'A' },
      { version: 2, name: 'second', sql: 'B' },
    ]);
  });

  it('refuse two migrations with the same number', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '0005_feedback.sql'), 'A');
    fs.writeFileSync(path.join(dir, '0005_history.sql'), 'B');
    expect(() => loadMigrationFiles(dir)).toThrow('have the number 5');
  });

  it('give both stores the same versions', () => {
    expect(loadSqlite().map((m) => m.version)).toEqual(loadMssql().map((m) => m.version));
  });
});
