import type { ActivityDay, OperationCount, OperationFilter, OperationPage } from '../../store/console-repo';
import type { OperationSource } from '../../store/store';
import type { TextKey } from '../../i18n/translator';
import { html, type Html } from '../html';
import type { PageContext } from './console-http';
import { consolePage, dateTime, pager, statusBadge, statusLabel } from './console-layout';
import { svgChart } from './svg-chart';

export const OPERATION_SOURCES: readonly OperationSource[] = ['webhook', 'landing', 'reconcile', 'seed'];
export const SOURCE_KEYS: Record<OperationSource, TextKey> = {
  webhook: 'consoleOperations.source.webhook',
  landing: 'consoleOperations.source.landing',
  reconcile: 'consoleOperations.source.reconcile',
  seed: 'consoleOperations.source.seed',
};

export function operationsPage(
  ctx: PageContext,
  input: { counts: OperationCount[]; activity: ActivityDay[]; filter: OperationFilter; page: OperationPage; days: number; from: Date },
): Html {
  const { t } = ctx;
  const count = (source: OperationSource, status?: string, action?: string) =>
    input.counts
      .filter((c) => c.source === source && (!status || c.status === status) && (!action || c.action === action))
      .reduce((a, c) => a + c.count, 0);
  const activity = (kind: ActivityDay['kind']) => input.activity.filter((a) => a.kind === kind).reduce((a, d) => a + d.count, 0);
  const runsByDay = new Map(input.activity.filter((a) => a.kind === 'reconcile.run').map((a) => [a.day, a.count]));
  const runPoints = [];
  for (let i = 0; i < input.days; i++) {
    const day = new Date(input.from.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    const value = runsByDay.get(day) ?? 0;
    runPoints.push({ label: t.date(`${day}T00:00:00.000Z`, { month: 'numeric', day: 'numeric' }), value, detail: `${t.date(`${day}T00:00:00.000Z`)}: ${t.number(value)}` });
  }
  const webhookAccepted = count('webhook');
  const href = (page: number) => {
    const q = new URLSearchParams();
    if (input.filter.source) q.set('source', input.filter.source);
    if (page > 1) q.set('page', String(page));
    const s = q.toString();
    return `/console/operations${s ? `?${s}` : ''}`;
  };
  const body = html`
<p class="lede">${t.t('consoleOperations.window', { days: input.days })}</p>
<div class="two">
<section class="card"><h2>${t.t('consoleOperations.webhook')}</h2><table><tbody>
<tr><td>${t.t('consoleOperations.accepted')}</td><td class="num">${t.number(webhookAccepted)}</td></tr>
<tr><td>${t.t('consoleOperations.applied')}</td><td class="num">${t.number(count('webhook', 'Applied'))}</td></tr>
<tr><td>${t.t('consoleOperations.rejected')}</td><td class="num">${t.number(count('webhook', 'Rejected'))}</td></tr>
<tr><td>${t.t('consoleOperations.ignored')}</td><td class="num">${t.number(count('webhook', 'Ignored'))}</td></tr>
<tr><td>${t.t('consoleOperations.replayed')}</td><td class="num">${t.number(activity('webhook.replayed'))}</td></tr>
<tr><td>${t.t('consoleOperations.refused')}</td><td class="num">${t.number(activity('webhook.refused'))}</td></tr>
</tbody></table></section>
<section class="card"><h2>${t.t('consoleOperations.reconciliation')}</h2><table><tbody>
<tr><td>${t.t('consoleOperations.runs')}</td><td class="num">${t.number(activity('reconcile.run'))}</td></tr>
<tr><td>${t.t('consoleOperations.repaired')}</td><td class="num">${t.number(count('reconcile'))}</td></tr>
</tbody></table>
${svgChart({ title: t.t('consoleOperations.runsChart'), points: runPoints, format: (n) => t.number(n), height: 150, width: 520 })}
<h2>${t.t('consoleOperations.landing')}</h2><table><tbody>
<tr><td>${t.t('consoleOperations.activations')}</td><td class="num">${t.number(count('landing', 'Applied', 'Activate'))}</td></tr>
<tr><td>${t.t('consoleOperations.signIns')}</td><td class="num">${t.number(count('landing', 'Applied', 'SignIn'))}</td></tr>
<tr><td>${t.t('consoleOperations.landingRefused')}</td><td class="num">${t.number(count('landing', 'Rejected'))}</td></tr>
</tbody></table></section>
</div>
<section class="card"><h2>${t.t('consoleOperations.recent')}</h2>
<form class="filters" method="get" action="/console/operations"><label>${t.t('consoleOperations.sourceLabel')}<select name="source">
<option value="">${t.t('consoleOperations.all')}</option>
${OPERATION_SOURCES.map((s) => html`<option value="${s}"${input.filter.source === s ? html` selected` : ''}>${t.t(SOURCE_KEYS[s])}</option>`)}
</select></label><button type="submit">${t.t('consoleOperations.show')}</button></form>
${input.page.rows.length
  ? html`<table><thead><tr><th>${t.t('consoleOperations.when')}</th><th>${t.t('consoleOperations.subscription')}</th><th>${t.t('consoleOperations.action')}</th><th>${t.t('consoleOperations.sourceLabel')}</th><th>${t.t('consoleOperations.outcome')}</th><th>${t.t('consoleOperations.change')}</th></tr></thead><tbody>
${input.page.rows.map(
  (op) => html`<tr><td>${dateTime(t, op.createdAt)}</td><td><a class="mono" href="/console/subscriptions/${encodeURIComponent(op.subscriptionId)}">${op.subscriptionId}</a></td>
<td>${op.action}</td><td>${t.t(SOURCE_KEYS[op.source] ?? 'consoleOperations.source.webhook')}</td><td>${statusBadge(t, op.status)}</td>
<td>${op.fromStatus !== op.toStatus && op.toStatus ? `${op.fromStatus ? statusLabel(t, op.fromStatus) : '—'} → ${statusLabel(t, op.toStatus)}` : ''}${op.fromPlanId !== op.toPlanId && op.toPlanId ? ` ${op.fromPlanId ?? '—'} → ${op.toPlanId}` : ''}${op.detail ? html`<div class="muted">${op.detail}</div>` : ''}</td></tr>`,
)}
</tbody></table>`
  : html`<p class="empty">${t.t('consoleOperations.none')}</p>`}
${pager(t, { total: input.page.total, offset: input.filter.offset, limit: input.filter.limit, href })}
</section>`;
  return consolePage(ctx, t.t('consoleOperations.title'), body);
}
