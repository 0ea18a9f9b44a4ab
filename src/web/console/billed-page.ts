import type { Translator } from '../../i18n/translator';
import type { Html } from '../html';
import type { PageContext } from './console-http';
import { consolePage } from './console-layout';

/**
 * The "Billed vs sent" page's content: what the Marketplace's `GET /usageEvents` says it billed, compared with the
 * ledger (issue 12 part 5, built by its own branch). The console mounts the page and its navigation entry; the
 * comparison plugs in here as a `BilledVsSentSource` passed to `addConsoleRoutes` (`billedVsSent`).
 */
export type BilledVsSentSource = (input: { t: Translator; now: Date; query: URLSearchParams }) => Promise<Html>;

export async function billedPage(ctx: PageContext, source: BilledVsSentSource, query: URLSearchParams): Promise<Html> {
  const { t } = ctx;
  return consolePage(ctx, t.t('consoleShell.nav.billed'), await source({ t, now: ctx.now, query }));
}
