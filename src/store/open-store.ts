import type { Config } from '../config';
import type { Logger } from '../logger';
import { openSqliteStore } from './sqlite/sqlite-store';
import type { Store } from './store';

/** The store the configuration asks for. */
export async function openStore(config: Readonly<Config>, logger: Logger): Promise<Store> {
  logger.debug({ file: config.sqliteFile }, 'opening the embedded store');
  return openSqliteStore(config.sqliteFile);
}
