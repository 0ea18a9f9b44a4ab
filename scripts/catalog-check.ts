import fs from 'node:fs';
import { checkCatalog } from '../src/domain/catalog-parser';
import { DEFAULT_PLAN_CATALOG } from '../src/domain/default-plan-catalog';

/**
 * `npm run catalog:check [-- --file path]`: validates a catalog file (the shipped default without `--file`) as the
 * start does, and prints one JSON line `{"valid", "offers", "plans", "errors": [{field, message}]}`. Exit code 0
 * only when the catalog is valid, so CI can run it on the file it deploys.
 */
function main(argv: string[]): number {
  const at = argv.indexOf('--file');
  const file = at >= 0 ? argv[at + 1] : undefined;
  if (at >= 0 && !file)
    return report({ valid: false, offers: 0, plans: 0, errors: [{ field: '--file', message: '--file needs a path' }] });
  let input: unknown = DEFAULT_PLAN_CATALOG;
  if (file) {
    try {
      input = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (thrown) {
      const message = `${file} must be a readable JSON file: ${(thrown as Error).message}`;
      return report({ valid: false, offers: 0, plans: 0, errors: [{ field: '(file)', message }] });
    }
  }
  const checked = checkCatalog(input);
  if (checked.valid)
    return report({ valid: true, offers: checked.catalog.offers.length, plans: checked.catalog.plans.length, errors: [] });
  return report({ valid: false, offers: checked.offers, plans: checked.plans, errors: checked.problems });
}

function report(result: { valid: boolean; offers: number; plans: number; errors: { field: string; message: string }[] }): number {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return result.valid ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
