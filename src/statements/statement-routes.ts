import type { Request, Response, Server } from 'restify';
import type { Clock } from '../domain/clock';
import type { PlanCatalog } from '../domain/plans';
import { localeFromAcceptLanguage, supportedLocale } from '../i18n/locale';
import { translator, type Translator } from '../i18n/translator';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import { html } from '../web/html';
import { safeRoute } from '../web/http-server';
import { LANDING_CSP } from '../web/landing/landing-http';
import { statementCsv } from './statement-csv';
import { statementLayout, statementPage } from './statement-html';
import { openStatementGrant, STATEMENT_PATH, statementUrl, type StatementFormat } from './statement-links';
import { statementPdf } from './statement-pdf';
import { loadUsageStatement } from './statement-source';

/**
 * `GET /statements?t=…` (HTML), `/statements/csv?t=…`, `/statements/pdf?t=…`: the statement a signed link grants
 * (src/statements/statement-links.ts), in the language of `lang` or of the browser. Nothing else is reachable: the
 * subscription and the period are those the link was signed for. An altered or foreign link is 403, an expired one
 * 410, each a short page that says what to do. No-store, no framing, no script; the token is never logged.
 */
export function addStatementRoutes(
  server: Server,
  deps: { store: Store; catalog: PlanCatalog; clock: Clock; key: Buffer; productName: string; logger: Logger },
): void {
  const headers = (res: Response) => {
    res.header('Content-Security-Policy', LANDING_CSP);
    res.header('X-Frame-Options', 'DENY');
    res.header('Cache-Control', 'no-store');
  };
  const page = (res: Response, status: number, t: Translator, message: string) => {
    headers(res);
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(statementLayout(t, deps.productName, t.t('statement.title'), html`<h1>${t.t('statement.title')}</h1><p>${message}</p>`).value);
  };
  const serve = (format: StatementFormat) =>
    safeRoute(deps.logger, async (req: Request, res: Response) => {
      const query = (req.query ?? {}) as Record<string, unknown>;
      const lang = typeof query.lang === 'string' ? supportedLocale(query.lang) : undefined;
      const t = translator(lang ?? localeFromAcceptLanguage(req.header('accept-language')));
      const opened = openStatementGrant(deps.key, query.t, deps.clock.now().getTime());
      if (!opened.ok) {
        deps.logger.info({ format, reason: opened.reason }, 'statement link refused');
        return page(res, opened.reason === 'expired' ? 410 : 403, t, t.t(opened.reason === 'expired' ? 'statement.expired' : 'statement.invalid'));
      }
      const { grant } = opened;
      const statement = await loadUsageStatement(deps, grant.subscriptionId, new Date(grant.periodStart));
      // The period must be one of the subscription's own (a renewal re-anchors periods: an old link then has none).
      if (!statement || statement.period.start.getTime() !== grant.periodStart) return page(res, 404, t, t.t('statement.notFound'));
      deps.logger.info({ subscriptionId: grant.subscriptionId, format, periodStart: statement.period.start.toISOString() }, 'statement served');
      const file = `statement-${grant.subscriptionId.replace(/[^\w-]/g, '_')}-${statement.period.start.toISOString().slice(0, 10)}`;
      if (format === 'csv') {
        headers(res);
        res.writeHead(200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="${file}.csv"`,
        });
        // A byte-order mark: spreadsheet programs then read the file as UTF-8 (accents, the euro sign).
        return void res.end(`\ufeff${statementCsv(statement, t)}`);
      }
      if (format === 'pdf') {
        const pdf = await statementPdf(statement, t, deps.productName);
        headers(res);
        res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${file}.pdf"` });
        return void res.end(pdf);
      }
      const token = query.t as string;
      const options = { ...(lang ? { lang } : {}) };
      headers(res);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        statementPage(statement, t, {
          productName: deps.productName,
          csvUrl: statementUrl('', token, { ...options, format: 'csv' }),
          pdfUrl: statementUrl('', token, { ...options, format: 'pdf' }),
        }).value,
      );
    });
  server.get(STATEMENT_PATH, serve('html'));
  server.get(`${STATEMENT_PATH}/csv`, serve('csv'));
  server.get(`${STATEMENT_PATH}/pdf`, serve('pdf'));
}
