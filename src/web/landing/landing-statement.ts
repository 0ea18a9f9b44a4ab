import type { Locale } from '../../i18n/locale';
import type { Translator } from '../../i18n/translator';
import type { StatementLinks } from '../../statements/statement-links';
import { html, type Html } from '../html';

/**
 * The manage view's "Usage statement" section (issue 13, part 4): links to the statement of the current billing
 * period as a page, a CSV file and a PDF, in the page's language. Only for a viewer who administers the
 * subscription's tenant: the routes decide (landing-routes.ts), this file only draws.
 */

/** The three links of one statement (signed, short-lived: src/statements/statement-links.ts). */
export interface StatementLinkSet {
  page: string;
  csv: string;
  pdf: string;
  /** How long the links open the statement. */
  lifetimeMs: number;
}

/** What the landing routes need to hand out statement links (wired in src/wiring/web-routes.ts). */
export interface LandingStatements {
  links: StatementLinks;
  lifetimeMs: number;
}

/** The links to the statement of the period starting at `periodStart`, in `locale`. */
export function statementLinkSet(
  statements: LandingStatements,
  subscriptionId: string,
  periodStart: Date,
  locale: Locale,
): StatementLinkSet {
  const url = (format: 'html' | 'csv' | 'pdf') => statements.links.url(subscriptionId, periodStart, { format, lang: locale });
  return { page: url('html'), csv: url('csv'), pdf: url('pdf'), lifetimeMs: statements.lifetimeMs };
}

export function statementSection(tr: Translator, links: StatementLinkSet): Html {
  return html`<section class="statement" aria-labelledby="statement-heading">
    <h2 id="statement-heading">${tr.t('landing.manage.statement.heading')}</h2>
    <p>${tr.t('landing.manage.statement.lead')}</p>
    <p class="actions">
      <a class="primary" href="${links.page}">${tr.t('landing.manage.statement.open')}</a>
      <a class="download" href="${links.csv}">${tr.t('landing.manage.statement.csv')}</a>
      <a class="download" href="${links.pdf}">${tr.t('landing.manage.statement.pdf')}</a>
    </p>
    <p class="muted">${tr.t('landing.manage.statement.validFor', { minutes: Math.round(links.lifetimeMs / 60_000) })}</p>
  </section>`;
}
