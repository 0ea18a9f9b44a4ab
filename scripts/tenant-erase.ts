/**
 * `npm run tenant:erase -- --tenant <tenant id> [--dry-run]`: erases everything stored about a customer tenant, on its
 * request, once its subscriptions are Unsubscribed and TENANT_DATA_KEEP_DAYS have passed (configured as for the bot,
 * same start-up). Prints one JSON line: the rows deleted per facet, or why nothing was (and what there is). Exit code
 * 0 when erased (or a dry run), 2 when refused.
 */
import { parseArgs } from 'node:util';
import { bootstrap } from '../src/bootstrap';
import { coerceError } from '../src/domain/errors';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tenant: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
  const tenantId = values.tenant?.trim();
  if (!tenantId) throw new Error('usage: npm run tenant:erase -- --tenant <tenant id> [--dry-run]');
  const { config, logger, clock, shutdown } = await bootstrap();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
  const { openStore } = require('../src/store/open-store') as typeof import('../src/store/open-store.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
  const { eraseTenant } = require('../src/retention/erase-tenant') as typeof import('../src/retention/erase-tenant.js');
  const store = await openStore(config, logger);
  try {
    const result = await eraseTenant({
      store,
      tenantId,
      now: clock.now(),
      keepDays: config.retention.tenantKeepDays,
      dryRun: values['dry-run'] === true,
    });
    console.log(JSON.stringify(result));
    if (result.erased) logger.warn({ tenantId, deleted: result.deleted }, 'tenant data erased on request');
    else if (!result.decision.ok) process.exitCode = 2;
  } finally {
    await store.close();
    await shutdown();
  }
}

main().catch((thrown) => {
  console.error(`Tenant erasure failed: ${coerceError(thrown).message}`);
  process.exit(1);
});
