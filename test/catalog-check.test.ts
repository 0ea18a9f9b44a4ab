import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_CATALOG } from '../src/domain/default-plan-catalog';
import { runEntryPoint } from './helpers/child-process';
import { tempDir } from './helpers/temp-dir';

/** `npm run catalog:check`, as CI runs it: one JSON line, exit code 0 only when valid. */
// Each test runs an entry point under tsx, slow to start on busy cores: 60 s of headroom.
describe('catalog:check', { timeout: 60_000 }, () => {
  const run = (args: string[]) => runEntryPoint('scripts/catalog-check.ts', args, {});

  it('validates the shipped catalog without --file', async () => {
    const { code, stdout } = await run([]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({ valid: true, offers: 2, plans: 5, errors: [] });
  });

  it('names the offending fields of a bad file and exits non-zero', async () => {
    const bad = structuredClone(DEFAULT_PLAN_CATALOG) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    bad.offers[0].plans.push({ id: 'seats', pricingModel: 'perUser', prices: { P1M: 5 } });
    bad.offers[0].dimensions[0].id = 'Messages!';
    const file = path.join(tempDir(), 'catalog.json');
    fs.writeFileSync(file, JSON.stringify(bad));
    const { code, stdout } = await run(['--file', file]);
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ valid: false, offers: 2, plans: 6 });
    expect(result.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['offers[0].dimensions[0].id', 'offers[0].plans[3].pricingModel']),
    );
  });

  it('reports an unreadable file as invalid', async () => {
    const { code, stdout } = await run(['--file', path.join(tempDir(), 'missing.json')]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ valid: false, errors: [{ field: '(file)' }] });
  });
});
