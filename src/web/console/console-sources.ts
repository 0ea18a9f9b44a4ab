import type { Store } from '../../store/store';
import { html, raw } from '../html';
import type { BilledVsSentSource } from './billed-page';
import { renderBilledVsSent } from './billed-vs-sent-section';
import { billedVsSentFilterFromQuery, loadBilledVsSentSection } from './billed-vs-sent-query';
import type { SubscriptionSection } from './subscription-detail-page';

/** How many content reports the subscription page lists (the newest). */
const REPORTS_ON_PAGE = 20;

/**
 * Billed vs sent from the store (issue 12, part 5: src/worker/billed-vs-sent-job.ts fills it): the comparisons the
 * query string asks for (`from`, `to`, `problems=1`, `subscription`, `outcome`), a notice naming a bad parameter.
 */
export function billedVsSentFromStore(store: Store): BilledVsSentSource {
  return async ({ t, query }) => {
    const parsed = billedVsSentFilterFromQuery(Object.fromEntries(query));
    if ('invalid' in parsed) return html`<div class="notice bad" role="alert">${t.t('consoleShell.badParameter', { name: parsed.invalid })}</div>`;
    const data = await loadBilledVsSentSection(store, parsed.filter);
    // renderBilledVsSent escapes every value itself.
    return raw(renderBilledVsSent(data.rows, t, data.counts));
  };
}

/** The subscription page's content reports (a 👎 with a comment on an AI answer), newest first. */
export function contentReportsSection(store: Store): SubscriptionSection {
  return async ({ subscription, t }) => {
    const { reports } = await store.feedback.listReports({ subscriptionId: subscription.id, limit: REPORTS_ON_PAGE });
    return html`<section aria-labelledby="reports-heading">
<h2 id="reports-heading">${t.t('reports.title')}</h2>
<p>${t.t('reports.intro', { count: reports.length })}</p>
${reports.length
  ? html`<ul class="reports">${reports.map(
      (r) => html`<li><strong>${t.t('reports.heading', { when: t.date(r.createdAt, { dateStyle: 'medium', timeStyle: 'short' }), tenantId: r.tenantId })}</strong>
<p>${t.t('reports.comment', { comment: r.comment ?? '' })}</p>
${r.messageText ? html`<p class="muted">${t.t('reports.answer', { text: r.messageText })}</p>` : ''}</li>`,
    )}</ul>`
  : ''}
</section>`;
  };
}
