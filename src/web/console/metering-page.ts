import type { Subscription } from '../../domain/subscription';
import type { MeteringActionOutcome, MeteringOverview, MeteringReport, MeteringStatus, SystemAlert } from '../../store/store';
import type { Translator } from '../../i18n/translator';
import { html, type Html } from '../html';
import type { PageContext } from './console-http';
import { consolePage, dateTime, pager, statusBadge } from './console-layout';
import { DIMENSION_KEYS, hoursTable } from './subscription-detail-page';

const STATUS_ORDER: readonly MeteringStatus[] = ['Open', 'InFlight', 'Retry', 'Held', 'Accepted', 'Expired', 'Conflict', 'Failed', 'Resolved'];

/** What the last action did, shown once after its redirect (POST → redirect → GET). */
export type MeteringNotice = { action: 'resend' | 'resolve'; id: number; outcome: MeteringActionOutcome | 'note-missing' };

function notice(t: Translator, n: MeteringNotice | undefined): Html {
  if (!n) return html``;
  const ok = n.outcome === 'done';
  const text =
    n.outcome === 'done'
      ? t.t(n.action === 'resend' ? 'consoleMetering.resent' : 'consoleMetering.resolved', { id: n.id })
      : n.outcome === 'not-found'
        ? t.t('consoleMetering.notFound', { id: n.id })
        : n.outcome === 'note-missing'
          ? t.t('consoleMetering.noteMissing')
          : t.t(n.action === 'resend' ? 'consoleMetering.notResendable' : 'consoleMetering.notResolvable', { id: n.id });
  return html`<div class="notice ${ok ? 'ok' : 'bad'}" role="status">${text}</div>`;
}

function actions(ctx: PageContext, r: MeteringReport): Html {
  const { t } = ctx;
  const resend =
    r.status === 'Failed'
      ? html`<form method="post" action="/console/metering/${r.id}/resend"><input type="hidden" name="csrf" value="${ctx.csrf}"><button type="submit">${t.t('consoleMetering.resend')}</button></form>`
      : '';
  const resolve =
    r.status === 'Failed' || r.status === 'Conflict'
      ? html`<form method="post" action="/console/metering/${r.id}/resolve"><input type="hidden" name="csrf" value="${ctx.csrf}">
<input type="text" name="note" required maxlength="500" aria-label="${t.t('consoleMetering.noteLabel', { id: r.id })}" placeholder="${t.t('consoleMetering.notePlaceholder')}">
<button type="submit" class="secondary">${t.t('consoleMetering.resolve')}</button></form>`
      : '';
  return resend || resolve ? html`<div class="actions">${resend}${resolve}</div>` : html`<span class="muted">${t.t('consoleMetering.waiting')}</span>`;
}

export function meteringPage(
  ctx: PageContext,
  input: { overview: MeteringOverview; alerts: SystemAlert[]; names: Map<string, Subscription>; notice?: MeteringNotice },
): Html {
  const { t } = ctx;
  const { overview } = input;
  const statuses = STATUS_ORDER.filter((s) => overview.byStatus[s]);
  const body = html`
${notice(t, input.notice)}
${input.alerts.length
  ? html`<section class="card"><h2>${t.t('consoleMetering.alerts')}</h2><ul>${input.alerts.map((a) => html`<li><strong>${a.key}</strong>: ${a.message} <span class="muted">${t.t('consoleMetering.alertSince', { since: dateTime(t, a.firstSeenAt), count: a.count })}</span></li>`)}</ul></section>`
  : ''}
<section class="card"><h2>${t.t('consoleMetering.byStatus')}</h2>
${statuses.length
  ? html`<table class="narrow"><thead><tr><th>${t.t('consoleMetering.status')}</th><th class="num">${t.t('consoleMetering.hours')}</th><th class="num">${t.t('consoleMetering.units')}</th></tr></thead><tbody>
${statuses.map((s) => html`<tr><td>${statusBadge(t, s)}</td><td class="num">${t.number(overview.byStatus[s]!.reports)}</td><td class="num">${t.number(overview.byStatus[s]!.quantity)}</td></tr>`)}
</tbody></table>`
  : html`<p class="empty">${t.t('consoleMetering.noHours')}</p>`}
</section>
<section class="card"><h2>${t.t('consoleMetering.attention')}</h2>
<p class="muted">${t.t('consoleMetering.attentionHint')}</p>
${overview.attention.length
  ? html`<table><thead><tr><th>#</th><th>${t.t('consoleMetering.subscription')}</th><th>${t.t('consoleMetering.hour')}</th><th>${t.t('consoleMetering.status')}</th><th class="num">${t.t('consoleMetering.units')}</th><th>${t.t('consoleMetering.problem')}</th><th>${t.t('consoleMetering.action')}</th></tr></thead><tbody>
${overview.attention.map((r) => {
  const s = input.names.get(r.subscriptionId);
  return html`<tr><td class="num">${r.id}</td>
<td><a href="/console/subscriptions/${encodeURIComponent(r.subscriptionId)}">${s?.name || r.subscriptionId}</a><div><a class="muted" href="/console/metering/ledger/${encodeURIComponent(r.subscriptionId)}">${t.t('consoleMetering.ledger')}</a></div></td>
<td>${dateTime(t, r.hourStart)}<div class="muted">${t.t(DIMENSION_KEYS[r.dimension])}</div></td>
<td>${statusBadge(t, r.status)}<div class="muted">${t.t('consoleMetering.attempts', { count: r.attempts })}</div></td>
<td class="num">${t.number(r.quantity)}${r.acceptedQuantity !== undefined ? html`<div class="muted">${t.t('consoleMetering.acceptedQty', { qty: r.acceptedQuantity })}</div>` : ''}</td>
<td>${r.errorCode ? html`<span class="mono">${r.errorCode}</span>` : ''}${r.errorMessage ? html`<div class="muted">${r.errorMessage}</div>` : ''}</td>
<td>${actions(ctx, r)}</td></tr>`;
})}
</tbody></table>`
  : html`<p class="empty">${t.t('consoleMetering.nothingToDo')}</p>`}
</section>`;
  return consolePage(ctx, t.t('consoleMetering.title'), body);
}

export function ledgerPage(
  ctx: PageContext,
  input: { subscriptionId: string; subscription?: Subscription; hours: MeteringReport[]; offset: number; limit: number },
): Html {
  const { t } = ctx;
  const page = input.hours.slice(input.offset, input.offset + input.limit);
  const href = (n: number) => `/console/metering/ledger/${encodeURIComponent(input.subscriptionId)}${n > 1 ? `?page=${n}` : ''}`;
  const body = html`
<p class="lede"><a href="/console/subscriptions/${encodeURIComponent(input.subscriptionId)}">${input.subscription?.name || input.subscriptionId}</a> <span class="mono">${input.subscriptionId}</span></p>
<section class="card">${hoursTable(t, page)}
${pager(t, { total: input.hours.length, offset: input.offset, limit: input.limit, href })}</section>`;
  return consolePage(ctx, t.t('consoleMetering.ledgerTitle'), body);
}
