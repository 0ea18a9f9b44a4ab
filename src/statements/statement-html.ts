import type { UsageStatement } from '../domain/usage-statement';
import type { Translator } from '../i18n/translator';
import { html, type Html } from '../web/html';
import { statementView, type StatementTable } from './statement-view';

function table(tbl: StatementTable): Html {
  if (!tbl.rows.length && tbl.empty) return html`<h2>${tbl.title}</h2><p>${tbl.empty}</p>`;
  const cls = (i: number) => (tbl.numeric[i] ? 'num' : undefined);
  return html`<h2>${tbl.title}</h2>
    <table>
      <thead><tr>${tbl.columns.map((c, i) => html`<th class="${cls(i)}">${c}</th>`)}</tr></thead>
      <tbody>${tbl.rows.map((r) => html`<tr>${r.map((v, i) => html`<td class="${cls(i)}">${v}</td>`)}</tr>`)}</tbody>
    </table>`;
}

/** A small page shell shared by the statement and its error pages (landing page styles, no script). */
export function statementLayout(t: Translator, productName: string, title: string, body: Html): Html {
  return html`<!doctype html>
    <html lang="${t.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${productName}</title>
        <link rel="stylesheet" href="/landing/assets/landing.css" />
      </head>
      <body>
        <header class="top"><span class="brand">${productName}</span></header>
        <main id="main">${body}</main>
      </body>
    </html>`;
}

/** The statement as a page, with its CSV and PDF downloads (links carrying the same signed token). */
export function statementPage(
  s: UsageStatement,
  t: Translator,
  options: { productName: string; csvUrl: string; pdfUrl: string },
): Html {
  const v = statementView(s, t);
  return statementLayout(
    t,
    options.productName,
    `${v.title} · ${v.period}`,
    html`<h1>${v.title}</h1>
      <p class="lead">${v.period} · ${v.standing}</p>
      <p>
        <a class="button" href="${options.csvUrl}">${t.t('statement.downloadCsv')}</a>
        <a class="button" href="${options.pdfUrl}">${t.t('statement.downloadPdf')}</a>
      </p>
      <dl>${v.facts.map(([k, val]) => html`<dt>${k}</dt><dd>${val}</dd>`)}</dl>
      ${v.tables.map(table)}
      <h2>${t.t('statement.section.charges')}</h2>
      <dl>${v.charges.map(([k, val]) => html`<dt>${k}</dt><dd class="num">${val}</dd>`)}</dl>
      <p class="note">${v.note}</p>
      <p class="note">${v.generated}</p>`,
  );
}
