import fs from 'node:fs';
import { DEFAULT_PLAN_CATALOG } from './domain/default-plan-catalog';
import { AppError } from './domain/errors';
import { parseCatalog } from './domain/catalog-parser';
import type { PlanCatalog } from './domain/plans';

/** The operator's catalog file when configured (`PLAN_CATALOG_FILE`), else the one shipped with the code. */
export function loadPlanCatalog(file: string | undefined): PlanCatalog {
  if (!file) return parseCatalog(DEFAULT_PLAN_CATALOG, 'default plan catalog');
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (thrown) {
    throw new AppError('ConfigInvalid', `PLAN_CATALOG_FILE (${file}) must be a readable JSON file: ${(thrown as Error).message}`);
  }
  return parseCatalog(parsed, `PLAN_CATALOG_FILE (${file})`);
}
