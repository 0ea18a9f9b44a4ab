import { roundMoney } from '../../domain/usage-report';
import type { PlanCatalog } from '../../domain/plans';
import { html, type Html } from '../html';
import type { PageContext } from './console-http';
import { consolePage, statusBadge } from './console-layout';
import type { OverviewFigures } from './overview-figures';
import { svgChart } from './svg-chart';

const kpi = (label: string, value: string, sub?: string) =>
  html`<div class="card kpi"><div class="label">${label}</div><div class="value">${value}</div>${sub ? html`<div class="sub">${sub}</div>` : ''}</div>`;

export function overviewPage(ctx: PageContext, f: OverviewFigures, catalog: PlanCatalog): Html {
  const { t } = ctx;
  const money = (list: { currency: string; amount: number }[]) =>
    list.length ? list.map((m) => t.currency(m.amount, m.currency)).join(' + ') : t.currency(0, catalog.plans[0]?.currency ?? 'EUR');
  const thisMonth = f.months[f.months.length - 1]!;
  const previous = f.months.slice(0, -1);
  const currencies = [...new Set(f.overage.map((o) => o.currency))];
  const sum = (months: readonly string[], field: 'gross' | 'net') =>
    currencies.map((currency) => ({
      currency,
      amount: roundMoney(
        f.overage.filter((o) => o.currency === currency && months.includes(o.month)).reduce((a, o) => a + o[field], 0),
      ),
    }));
  const monthLabel = (month: string) => t.date(`${month}-01T00:00:00.000Z`, { month: 'short', year: 'numeric' });
  const monthName = (month: string) => t.date(`${month}-01T00:00:00.000Z`, { month: 'long', year: 'numeric' });
  const dayLabel = (day: string) => t.date(`${day}T00:00:00.000Z`, { month: 'numeric', day: 'numeric' });
  const mainCurrency = currencies[0] ?? 'EUR';
  // Months with overage only, newest first: thirteen rows of zeros would hide the ones that matter.
  const billedMonths = [...f.overage].reverse().filter((o) => o.gross !== 0);

  const problems: Html[] = [
    ...f.alerts.map((a) => html`<li><strong>${a.key}</strong>: ${a.message}</li>`),
    ...(f.attention
      ? [html`<li><a href="/console/metering">${t.t('consoleOverview.attentionHours', { count: f.attention })}</a></li>`]
      : []),
    ...(f.byStatus.PendingFulfillmentStart
      ? [
          html`<li><a href="/console/subscriptions?status=PendingFulfillmentStart">${t.t('consoleOverview.pendingActivation', { count: f.byStatus.PendingFulfillmentStart })}</a></li>`,
        ]
      : []),
  ];

  const body = html`
<section class="grid-cards" aria-label="${t.t('consoleOverview.keyFigures')}">
${kpi(t.t('consoleOverview.activeSubscriptions'), t.number(f.byStatus.Subscribed), t.t('consoleOverview.ofTotal', { total: Object.values(f.byStatus).reduce((a, b) => a + b, 0) }))}
${kpi(t.t('consoleOverview.mrr'), money(f.mrr), t.t('consoleOverview.mrrHint'))}
${kpi(t.t('consoleOverview.overageThisMonth'), money(sum([thisMonth], 'gross')), t.t('consoleOverview.afterFee', { amount: money(sum([thisMonth], 'net')), fee: f.feePercent }))}
${kpi(t.t('consoleOverview.overage12'), money(sum(previous, 'gross')), t.t('consoleOverview.afterFee', { amount: money(sum(previous, 'net')), fee: f.feePercent }))}
</section>

<section class="card${problems.length ? ' alert' : ''}">
<h2>${t.t('consoleOverview.problems')}</h2>
${problems.length ? html`<ul>${problems}</ul>` : html`<p class="empty">${t.t('consoleOverview.noProblems')}</p>`}
</section>

<section class="card">
<h2>${t.t('consoleOverview.turnsTitle', { days: f.turns.length })}</h2>
${svgChart({
  title: t.t('consoleOverview.turnsTitle', { days: f.turns.length }),
  points: f.turns.map((d) => ({ label: dayLabel(d.day), value: d.count, detail: `${t.date(`${d.day}T00:00:00.000Z`)}: ${t.number(d.count)}` })),
  format: (n) => t.number(n),
})}
</section>

<div class="two">
<section class="card">
<h2>${t.t('consoleOverview.activeByPlan')}</h2>
${f.active.length
  ? html`<table><thead><tr><th>${t.t('consoleOverview.offer')}</th><th>${t.t('consoleOverview.plan')}</th><th class="num">${t.t('consoleOverview.subscriptions')}</th><th class="num">${t.t('consoleOverview.seats')}</th><th class="num">${t.t('consoleOverview.mrrShort')}</th></tr></thead><tbody>
${f.active.map((a) => html`<tr><td>${catalog.offer(a.offerId)?.displayName ?? a.offerId}</td><td><a href="/console/subscriptions?plan=${encodeURIComponent(a.planId)}&amp;status=Subscribed">${catalog.get(a.planId)?.displayName ?? a.planId}</a></td><td class="num">${t.number(a.subscriptions)}</td><td class="num">${catalog.get(a.planId)?.isPricePerSeat ? t.number(a.seats) : '—'}</td><td class="num">${t.currency(a.mrr, a.currency)}</td></tr>`)}
</tbody></table>`
  : html`<p class="empty">${t.t('consoleOverview.noActive')}</p>`}
</section>
<section class="card">
<h2>${t.t('consoleOverview.lifecycleTitle', { days: f.turns.length })}</h2>
<table><tbody>
<tr><td>${t.t('consoleOverview.new')}</td><td class="num">${t.number(f.lifecycle.created)}</td></tr>
<tr><td>${t.t('consoleOverview.suspended')}</td><td class="num">${t.number(f.lifecycle.suspended)}</td></tr>
<tr><td>${t.t('consoleOverview.cancelled')}</td><td class="num">${t.number(f.lifecycle.cancelled)}</td></tr>
</tbody></table>
<h2>${t.t('consoleOverview.byStatus')}</h2>
<table><tbody>
${Object.entries(f.byStatus).map(([status, n]) => html`<tr><td><a href="/console/subscriptions?status=${status}">${statusBadge(t, status)}</a></td><td class="num">${t.number(n)}</td></tr>`)}
</tbody></table>
</section>
</div>

<section class="card">
<h2>${t.t('consoleOverview.overageTitle', { currency: mainCurrency })}</h2>
${svgChart({
  title: t.t('consoleOverview.overageTitle', { currency: mainCurrency }),
  points: f.overage
    .filter((o) => o.currency === mainCurrency)
    .map((o) => ({ label: monthLabel(o.month), value: o.gross, detail: `${monthLabel(o.month)}: ${t.currency(o.gross, o.currency)}` })),
  format: (n) => t.number(n),
  integer: false,
  height: 200,
})}
${billedMonths.length
  ? html`<table class="narrow"><thead><tr><th>${t.t('consoleOverview.month')}</th><th class="num">${t.t('consoleOverview.gross')}</th><th class="num">${t.t('consoleOverview.net', { fee: f.feePercent })}</th></tr></thead><tbody>
${billedMonths.map((o) => html`<tr><td>${monthName(o.month)}</td><td class="num">${t.currency(o.gross, o.currency)}</td><td class="num">${t.currency(o.net, o.currency)}</td></tr>`)}
${sum(f.months, 'gross').map((g, i) => html`<tr class="total"><td>${t.t('consoleOverview.total', { months: f.months.length })}</td><td class="num">${t.currency(g.amount, g.currency)}</td><td class="num">${t.currency(sum(f.months, 'net')[i]!.amount, g.currency)}</td></tr>`)}
</tbody></table>`
  : html`<p class="empty">${t.t('consoleOverview.noOverage', { months: f.months.length })}</p>`}
</section>`;
  return consolePage(ctx, t.t('consoleOverview.title'), body);
}
