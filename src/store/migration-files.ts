import fs from 'node:fs';
import path from 'node:path';

/** One numbered migration script (`NNNN_name.sql`), the same shape for both stores. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The migrations of a folder, in version order. Two files with the same number (two branches that each took the next
 * free one) would be applied in a random order on different machines, or one skipped: refused here, at start.
 */
export function loadMigrationFiles(dir: string): Migration[] {
  const migrations = fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: fs.readFileSync(path.join(dir, file), 'utf8'),
    }));
  const versions = new Set<number>();
  for (const m of migrations) {
    if (versions.has(m.version)) throw new Error(`Two migrations in ${dir} have the number ${m.version}: renumber one.`);
    versions.add(m.version);
  }
  return migrations;
}
