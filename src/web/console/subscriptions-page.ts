import type { PlanCatalog } from '../../domain/plans';
import { SUBSCRIPTION_STATUSES } from '../../domain/subscription';
import type { SubscriptionPage, SubscriptionSearch } from '../../store/console-repo';
import { html, type Html } from '../html';
import type { PageContext } from './console-http';
import { consolePage, pager, statusBadge, statusLabel } from './console-layout';

/** The list's query string for a search and a page (kept by the pager and the filters). */
export function subscriptionsHref(search: Omit<SubscriptionSearch, 'offset' | 'limit'>, page: number): string {
  const q = new URLSearchParams();
  if (search.text) q.set('q', search.text);
  if (search.offerId) q.set('offer', search.offerId);
  if (search.planId) q.set('plan', search.planId);
  if (search.status) q.set('status', search.status);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return `/console/subscriptions${s ? `?${s}` : ''}`;
}

export function subscriptionsPage(ctx: PageContext, search: SubscriptionSearch, result: SubscriptionPage, catalog: PlanCatalog): Html {
  const { t } = ctx;
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
  const body = html`
<form class="filters card" method="get" action="/console/subscriptions" role="search">
<label>${t.t('consoleSubscriptions.search')}<input type="search" name="q" value="${search.text ?? ''}" placeholder="${t.t('consoleSubscriptions.searchHint')}" maxlength="200"></label>
<label>${t.t('consoleSubscriptions.offer')}<select name="offer">${option('', t.t('consoleSubscriptions.any'), !search.offerId)}${catalog.offers.map((o) => option(o.id, o.displayName, o.id === search.offerId))}</select></label>
<label>${t.t('consoleSubscriptions.plan')}<select name="plan">${option('', t.t('consoleSubscriptions.any'), !search.planId)}${catalog.plans.map((p) => option(p.id, `${p.displayName} (${p.id})`, p.id === search.planId))}</select></label>
<label>${t.t('consoleSubscriptions.status')}<select name="status">${option('', t.t('consoleSubscriptions.any'), !search.status)}${SUBSCRIPTION_STATUSES.map((s) => option(s, statusLabel(t, s), s === search.status))}</select></label>
<button type="submit">${t.t('consoleSubscriptions.apply')}</button>
${search.text || search.offerId || search.planId || search.status ? html`<a href="/console/subscriptions">${t.t('consoleSubscriptions.clear')}</a>` : ''}
</form>
<section class="card">
${result.rows.length
  ? html`<table><thead><tr><th>${t.t('consoleSubscriptions.name')}</th><th>${t.t('consoleSubscriptions.customer')}</th><th>${t.t('consoleSubscriptions.plan')}</th><th>${t.t('consoleSubscriptions.status')}</th><th class="num">${t.t('consoleSubscriptions.seats')}</th><th>${t.t('consoleSubscriptions.created')}</th></tr></thead><tbody>
${result.rows.map(
  (s) => html`<tr><td><a href="/console/subscriptions/${encodeURIComponent(s.id)}">${s.name || s.id}</a><div class="mono muted">${s.id}</div></td>
<td>${s.beneficiary.emailId ?? s.purchaser.emailId ?? ''}<div class="mono muted">${s.beneficiary.tenantId ?? ''}</div></td>
<td>${catalog.get(s.planId)?.displayName ?? s.planId}</td><td>${statusBadge(t, s.status)}</td>
<td class="num">${s.quantity !== undefined ? t.number(s.quantity) : '—'}</td><td>${t.date(s.createdAt)}</td></tr>`,
)}
</tbody></table>`
  : html`<p class="empty">${t.t('consoleSubscriptions.none')}</p>`}
${pager(t, { total: result.total, offset: search.offset, limit: search.limit, href: (page) => subscriptionsHref(search, page) })}
</section>`;
  return consolePage(ctx, t.t('consoleSubscriptions.title'), body);
}
