/**
 * `npm run billed-vs-sent [-- --day YYYY-MM-DD … | --from YYYY-MM-DD --to YYYY-MM-DD]`: one billed-vs-sent run now
 * (configured as for the bot: same start-up), comparing the given days, or the last BILLED_VS_SENT_DAYS complete
 * days. Prints the run's summary as JSON. Exit code 0: every row matches; 2: the Marketplace and the ledger disagree
 * (the rows are stored: `billed` in Teams); 1: the run could not be done (the Marketplace or the store down,
 * another run under way, bad arguments).
 */
import { bootstrap } from '../src/bootstrap';
import { azureIdentityOf } from '../src/config';
import { addDays, isDay } from '../src/domain/billed-vs-sent';
import { coerceError } from '../src/domain/errors';

/** The days asked for, or undefined for the configured window; a string says what is wrong. */
export function daysFromArgs(args: readonly string[]): string[] | undefined | string {
  const days: string[] = [];
  let from: string | undefined;
  let to: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (args[i] === '--day' && value) days.push(value);
    else if (args[i] === '--from' && value) from = value;
    else if (args[i] === '--to' && value) to = value;
    else return `unknown argument ${args[i]}`;
    i++;
  }
  if (from || to) {
    if (!from || !to || !isDay(from) || !isDay(to) || to < from)
      return '--from and --to must both be days (YYYY-MM-DD), --to not before --from';
    for (let d = from; d <= to && days.length <= 366; d = addDays(d, 1)) days.push(d);
  }
  if (days.some((d) => !isDay(d))) return 'every --day must be a day (YYYY-MM-DD)';
  if (days.length > 366) return 'at most 366 days at once';
  return days.length ? days : undefined;
}

async function main(): Promise<void> {
  const days = daysFromArgs(process.argv.slice(2));
  if (typeof days === 'string') {
    console.error(`billed-vs-sent: ${days}`);
    process.exit(1);
  }
  const { config, logger, clock, telemetry, shutdown } = await bootstrap();
  // Loaded after telemetry started, so that their HTTP clients are instrumented.
  const { BilledUsageClient } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
    require('../src/marketplace/billed-usage-client') as typeof import('../src/marketplace/billed-usage-client.js');
  const { openMarketplaceHttp } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
    require('../src/marketplace/open-marketplace-http') as typeof import('../src/marketplace/open-marketplace-http.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
  const { BilledVsSentJob } = require('../src/worker/billed-vs-sent-job') as typeof import('../src/worker/billed-vs-sent-job.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
  const { openStore } = require('../src/store/open-store') as typeof import('../src/store/open-store.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after telemetry started, so that its HTTP clients are instrumented
  const { loadPlanCatalog } = require('../src/plan-catalog-source') as typeof import('../src/plan-catalog-source.js');
  const store = await openStore(config, logger);
  let code = 1;
  try {
    const job = new BilledVsSentJob({
      store,
      api: new BilledUsageClient(await openMarketplaceHttp(config.marketplace, logger, azureIdentityOf(config))),
      catalog: loadPlanCatalog(config.planCatalogFile),
      clock,
      logger: logger.child({ component: 'billed-vs-sent' }),
      settings: config.billedVsSent,
      ...(telemetry ? { telemetry } : {}),
    });
    const outcome = await job.run({ trigger: 'manual', ...(days ? { days } : {}) });
    console.log(JSON.stringify(outcome.ran ? outcome.summary : outcome));
    if (outcome.ran && outcome.summary.status === 'Done') code = outcome.summary.problems > 0 ? 2 : 0;
  } finally {
    await store.close();
    await shutdown();
  }
  process.exit(code);
}

if (require.main === module)
  main().catch((thrown) => {
    console.error(`billed-vs-sent failed: ${coerceError(thrown).message}`);
    process.exit(1);
  });
