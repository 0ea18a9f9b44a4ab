import type { UsageKind } from '../../domain/billing-rules';
import { DAY } from '../../domain/clock';
import type { BillingPeriod } from '../../domain/periods';
import type { Plan } from '../../domain/plans';
import type { Subscription } from '../../domain/subscription';
import type { UsageSummary } from '../../domain/usage-report';
import type { Translator, TextKey } from '../../i18n/translator';
import type { DailyUsage, MeteringReport, MeteringStatus, SubscriptionOperationRecord, TenantAdmin } from '../../store/store';
import { html, type Html } from '../html';
import type { PageContext } from './console-http';
import { consolePage, dateTime, statusBadge, statusLabel } from './console-layout';
import { SOURCE_KEYS } from './operations-page';
import { svgChart } from './svg-chart';

/**
 * A section another feature adds to the subscription page (e.g. its feedback reports): rendered after the console's
 * own, in the operator's language. Return undefined to show nothing.
 */
export type SubscriptionSection = (input: { subscription: Subscription; t: Translator; now: Date }) => Promise<Html | undefined>;

export interface SubscriptionDetail {
  subscription: Subscription;
  plan?: Plan;
  offerName?: string;
  period: BillingPeriod;
  usage?: UsageSummary;
  daily: DailyUsage[];
  operations: SubscriptionOperationRecord[];
  admins: TenantAdmin[];
  hours: MeteringReport[];
  extraSections: Html[];
}

export const DIMENSION_KEYS: Record<UsageKind, TextKey> = {
  messages: 'consoleSubscriptions.dimension.messages',
  premium_messages: 'consoleSubscriptions.dimension.premium_messages',
};

/** Latest metered hours shown on the page; the ledger has them all. */
const RECENT_HOURS = 10;

function timelineEntry(t: Translator, op: SubscriptionOperationRecord): Html {
  const changes: string[] = [];
  if (op.fromStatus !== op.toStatus && op.toStatus)
    changes.push(`${op.fromStatus ? statusLabel(t, op.fromStatus) : '—'} → ${statusLabel(t, op.toStatus)}`);
  if (op.fromPlanId !== op.toPlanId && op.toPlanId)
    changes.push(t.t('consoleSubscriptions.planChange', { from: op.fromPlanId ?? '—', to: op.toPlanId }));
  if (op.fromQuantity !== op.toQuantity && op.toQuantity !== undefined)
    changes.push(t.t('consoleSubscriptions.seatChange', { from: op.fromQuantity ?? 0, to: op.toQuantity }));
  return html`<li><div class="when">${dateTime(t, op.createdAt)} · ${t.t('consoleSubscriptions.source', { source: SOURCE_KEYS[op.source] ? t.t(SOURCE_KEYS[op.source]) : op.source })}</div>
<strong>${op.action}</strong> ${statusBadge(t, op.status)} ${changes.length ? html`<span>${changes.join(' · ')}</span>` : html`<span class="muted">${t.t('consoleSubscriptions.noChange')}</span>`}
${op.detail ? html`<div class="muted">${op.detail}</div>` : ''}</li>`;
}

function dailyPoints(t: Translator, daily: readonly DailyUsage[], dimension: UsageKind, period: BillingPeriod, now: Date) {
  const byDay = new Map<string, number>();
  for (const d of daily) if (d.dimension === dimension) byDay.set(d.day, (byDay.get(d.day) ?? 0) + d.quantity);
  const end = Math.min(now.getTime(), period.end.getTime() - 1);
  const points = [];
  for (let at = period.start.getTime(); at <= end; at += DAY) {
    const day = new Date(at).toISOString().slice(0, 10);
    const value = byDay.get(day) ?? 0;
    points.push({ label: t.date(`${day}T00:00:00.000Z`, { month: 'numeric', day: 'numeric' }), value, detail: `${t.date(`${day}T00:00:00.000Z`)}: ${t.number(value)}` });
  }
  return points;
}

export function hoursTable(t: Translator, hours: readonly MeteringReport[]): Html {
  if (!hours.length) return html`<p class="empty">${t.t('consoleMetering.noHours')}</p>`;
  return html`<table><thead><tr><th>#</th><th>${t.t('consoleMetering.hour')}</th><th>${t.t('consoleMetering.dimension')}</th><th>${t.t('consoleMetering.plan')}</th><th>${t.t('consoleMetering.status')}</th><th class="num">${t.t('consoleMetering.units')}</th><th class="num">${t.t('consoleMetering.accepted')}</th><th>${t.t('consoleMetering.detail')}</th></tr></thead><tbody>
${hours.map(
  (h) => html`<tr><td class="num">${h.id}</td><td>${dateTime(t, h.hourStart)}</td><td>${t.t(DIMENSION_KEYS[h.dimension])}</td><td>${h.planId}</td><td>${statusBadge(t, h.status)}</td>
<td class="num">${t.number(h.quantity)}</td><td class="num">${h.acceptedQuantity !== undefined ? t.number(h.acceptedQuantity) : '—'}</td>
<td>${h.errorCode ? html`<span class="mono">${h.errorCode}</span> ` : ''}${h.resolvedBy ? (h.status === 'Resolved' ? t.t('consoleMetering.resolvedBy', { by: h.resolvedBy, note: h.resolutionNote ?? '' }) : t.t('consoleMetering.resentBy', { by: h.resolvedBy })) : ''}</td></tr>`,
)}
</tbody></table>`;
}

export function subscriptionDetailPage(ctx: PageContext, d: SubscriptionDetail): Html {
  const { t, now } = ctx;
  const s = d.subscription;
  const party = (p: Subscription['purchaser']) =>
    html`${p.emailId ?? ''}<div class="mono muted">${t.t('consoleSubscriptions.tenant')} ${p.tenantId ?? '—'} · ${t.t('consoleSubscriptions.object')} ${p.objectId ?? '—'}</div>`;
  const hourCounts = new Map<MeteringStatus, { n: number; units: number }>();
  for (const h of d.hours) {
    const c = hourCounts.get(h.status) ?? { n: 0, units: 0 };
    c.n += 1;
    c.units += h.quantity;
    hourCounts.set(h.status, c);
  }
  const recent = [...d.hours].sort((a, b) => b.hourStart.getTime() - a.hourStart.getTime()).slice(0, RECENT_HOURS);

  const body = html`
<p class="lede">${statusBadge(t, s.status)} <span class="mono">${s.id}</span></p>
<div class="two">
<section class="card"><h2>${t.t('consoleSubscriptions.facts')}</h2><dl class="facts">
<dt>${t.t('consoleSubscriptions.offer')}</dt><dd>${d.offerName ?? s.offerId}</dd>
<dt>${t.t('consoleSubscriptions.plan')}</dt><dd>${d.plan ? `${d.plan.displayName} (${d.plan.id})` : s.planId}${d.plan ? html` · ${t.currency(d.plan.basePrice, d.plan.currency)}${d.plan.isPricePerSeat ? t.t('consoleSubscriptions.perSeatMonth') : t.t('consoleSubscriptions.perMonth')}` : ''}</dd>
<dt>${t.t('consoleSubscriptions.seats')}</dt><dd>${s.quantity !== undefined ? t.number(s.quantity) : t.t('consoleSubscriptions.notPerSeat')}</dd>
<dt>${t.t('consoleSubscriptions.beneficiary')}</dt><dd>${party(s.beneficiary)}</dd>
<dt>${t.t('consoleSubscriptions.purchaser')}</dt><dd>${party(s.purchaser)}</dd>
<dt>${t.t('consoleSubscriptions.term')}</dt><dd>${s.term ? `${t.date(s.term.startDate)} – ${s.term.endDate ? t.date(s.term.endDate) : '…'} (${s.term.termUnit ?? ''})` : t.t('consoleSubscriptions.noTerm')}${s.autoRenew ? html` · ${t.t('consoleSubscriptions.autoRenew')}` : ''}</dd>
<dt>${t.t('consoleSubscriptions.created')}</dt><dd>${dateTime(t, s.createdAt)}</dd>
${s.isFreeTrial ? html`<dt></dt><dd>${t.t('consoleSubscriptions.freeTrial')}</dd>` : ''}
${s.isTest ? html`<dt></dt><dd>${t.t('consoleSubscriptions.test')}</dd>` : ''}
</dl></section>
<section class="card"><h2>${t.t('consoleSubscriptions.admins')}</h2>
${d.admins.length
  ? html`<table><tbody>${d.admins.map((a) => html`<tr><td>${a.userName ?? ''}<div class="mono muted">${a.userId}</div></td><td>${t.t('consoleSubscriptions.addedBy', { by: a.addedBy, date: t.date(a.addedAt) })}</td></tr>`)}</tbody></table>`
  : html`<p class="empty">${t.t('consoleSubscriptions.noAdmins')}</p>`}
</section>
</div>

<section class="card"><h2>${t.t('consoleSubscriptions.usageTitle', { from: t.date(d.period.start), to: t.date(new Date(d.period.end.getTime() - 1)) })}</h2>
${d.usage
  ? html`<table><thead><tr><th>${t.t('consoleMetering.dimension')}</th><th class="num">${t.t('consoleSubscriptions.used')}</th><th class="num">${t.t('consoleSubscriptions.included')}</th><th>${t.t('consoleSubscriptions.share')}</th><th>${t.t('consoleSubscriptions.beyond')}</th></tr></thead><tbody>
${d.usage.dimensions.map(
  (u) => html`<tr><td>${t.t(DIMENSION_KEYS[u.dimension])}</td><td class="num">${t.number(u.used)}</td><td class="num">${u.included === null ? t.t('consoleSubscriptions.unlimited') : t.number(u.included)}</td>
<td>${u.included ? html`<progress max="${u.included}" value="${Math.min(u.used, u.included)}"></progress> ${t.number(u.used / u.included, { style: 'percent', maximumFractionDigits: 1 })}` : '—'}</td>
<td>${u.mode === 'overage' ? (u.overageUnits ? t.t('consoleSubscriptions.overage', { units: u.overageUnits, cost: t.currency(u.overageCost, d.usage!.currency) }) : t.t('consoleSubscriptions.noOverage', { price: t.currency(d.plan?.dimensions[u.dimension].overagePrice ?? 0, d.usage!.currency) })) : u.mode === 'hard-cap' ? t.t('consoleSubscriptions.hardCap') : '—'}</td></tr>`,
)}
</tbody></table>
<div class="two">${d.usage.dimensions.map(
  (u) => html`<div><h2>${t.t('consoleSubscriptions.dailyTitle', { dimension: t.t(DIMENSION_KEYS[u.dimension]) })}</h2>${svgChart({
    title: t.t('consoleSubscriptions.dailyTitle', { dimension: t.t(DIMENSION_KEYS[u.dimension]) }),
    points: dailyPoints(t, d.daily, u.dimension, d.period, now),
    format: (n) => t.number(n),
    width: 520,
    height: 180,
  })}</div>`,
)}</div>`
  : html`<p class="empty">${t.t('consoleSubscriptions.unknownPlan')}</p>`}
</section>

<section class="card"><h2>${t.t('consoleSubscriptions.meteredHours')}</h2>
${hourCounts.size
  ? html`<p>${[...hourCounts].map(([status, c]) => html`${statusBadge(t, status)} ${t.t('consoleSubscriptions.hoursUnits', { hours: c.n, units: c.units })} `)}</p>`
  : ''}
${hoursTable(t, recent)}
<p><a href="/console/metering/ledger/${encodeURIComponent(s.id)}">${t.t('consoleSubscriptions.fullLedger')}</a></p>
</section>

<section class="card"><h2>${t.t('consoleSubscriptions.timeline')}</h2>
${d.operations.length
  ? html`<ol class="timeline">${[...d.operations].reverse().map((op) => timelineEntry(t, op))}</ol>`
  : html`<p class="empty">${t.t('consoleSubscriptions.noOperations')}</p>`}
</section>
${d.extraSections}`;
  return consolePage(ctx, s.name || s.id, body);
}
