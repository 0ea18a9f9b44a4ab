import { countOutcomes, COMPARISON_OUTCOMES, isProblem, problemCount, type OutcomeCounts } from '../../domain/billed-vs-sent';
import type { Translator } from '../../i18n/translator';
import type { BilledVsSentRow } from '../../store/store';
import { html } from '../html';

/**
 * The console's billed-vs-sent section (issue 12, part 5): the counts per outcome and a table of comparisons, as an
 * HTML fragment. Pure and escaped throughout (src/web/html.ts); no script and no inline style, so it fits a strict
 * CSP: rows carry `data-outcome` and problems the class `problem` for the page's stylesheet.
 *
 * @example renderBilledVsSent(await store.billedVsSent.rows({ onlyProblems: true }), translator('fr'))
 */
export function renderBilledVsSent(
  rows: readonly BilledVsSentRow[],
  t: Translator,
  /** Counts over the whole filter (the table may be one page); default: counted from `rows`. */
  counts: OutcomeCounts = countOutcomes(rows),
): string {
  const quantity = (v: number | undefined) => (v === undefined ? '—' : t.number(v));
  const outcome = (o: BilledVsSentRow['outcome']) => t.t(`billedVsSent.outcome.${o}`);
  const problems = problemCount(counts);
  return html`<section class="billed-vs-sent" aria-labelledby="billed-vs-sent-heading">
<h2 id="billed-vs-sent-heading">${t.t('billedVsSent.section.heading')}</h2>
<p>${t.t('billedVsSent.intro')}</p>
<p class="${problems > 0 ? 'summary problem' : 'summary'}">${t.t('billedVsSent.section.problems', { count: problems })}</p>
<dl class="counts" aria-label="${t.t('billedVsSent.section.counts')}">${COMPARISON_OUTCOMES.map(
    (o) => html`<div data-outcome="${o}"><dt>${outcome(o)}</dt><dd>${t.number(counts[o])}</dd></div>`,
  )}</dl>
${
  rows.length === 0
    ? html`<p class="empty">${t.t('billedVsSent.section.empty')}</p>`
    : html`<table>
<caption>${t.t('billedVsSent.section.caption')}</caption>
<thead><tr><th scope="col">${t.t('billedVsSent.section.day')}</th><th scope="col">${t.t('billedVsSent.section.subscription')}</th><th scope="col">${t.t('billedVsSent.section.dimension')}</th><th scope="col">${t.t('billedVsSent.section.plan')}</th><th scope="col">${t.t('billedVsSent.section.outcome')}</th><th scope="col" class="number">${t.t('billedVsSent.section.ours')}</th><th scope="col" class="number">${t.t('billedVsSent.section.submitted')}</th><th scope="col" class="number">${t.t('billedVsSent.section.processed')}</th><th scope="col">${t.t('billedVsSent.section.reconStatus')}</th></tr></thead>
<tbody>
${rows.map(
  (
    r,
  ) => html`<tr data-outcome="${r.outcome}"${isProblem(r.outcome) ? html` class="problem"` : ''}><td><time datetime="${r.day}">${t.date(r.day)}</time></td><td>${r.subscriptionId}</td><td>${r.dimension}</td><td>${r.planId}</td><td>${outcome(r.outcome)}</td><td class="number">${quantity(r.ledgerQuantity)}${
    r.ledgerHours !== undefined ? html` <small>(${t.t('billedVsSent.section.hours', { count: r.ledgerHours })})</small>` : ''
  }</td><td class="number">${quantity(r.submittedQuantity)}</td><td class="number">${quantity(r.processedQuantity)}</td><td>${r.reconStatus ?? '—'}</td></tr>
`,
)}</tbody>
</table>`
}
</section>`.toString();
}
