import type { Subscription } from '../../domain/subscription';
import type { Translator } from '../../i18n/translator';
import type { MeteringOverviewView } from '../../marketplace/metering-overview';
import { adaptiveCard, facts, note, paragraph, title, type AdaptiveCard } from './adaptive-card';

/** An hour of metering as operators read it in every language: `2026-03-20 14:00` (UTC). */
const hour = (d: Date) => `${d.toISOString().slice(0, 13).replace('T', ' ')}:00`;

export function meteringCard(tr: Translator, view: MeteringOverviewView): AdaptiveCard {
  const statuses = Object.entries(view.byStatus).map(
    ([status, s]) => [status, tr.t('operatorCards.metering.byStatus', { reports: s.reports, units: s.quantity })] as const,
  );
  const billed = view.billedThisPeriod.slice(0, 10);
  const attentionLine = (r: MeteringOverviewView['attention'][number]) => {
    let line = tr.t('operatorCards.metering.attentionLine', {
      subscription: r.subscriptionId,
      dimension: r.dimension,
      quantity: r.quantity,
    });
    if (r.acceptedQuantity !== undefined) line = tr.t('operatorCards.metering.marketplaceHolds', { line, accepted: r.acceptedQuantity });
    return r.errorCode ? tr.t('operatorCards.metering.error', { line, code: r.errorCode }) : line;
  };
  return adaptiveCard([
    title(tr.t('operatorCards.metering.title')),
    note(tr.t('operatorCards.metering.asOf', { time: view.generatedAt.slice(0, 16).replace('T', ' ') })),
    ...(view.alerts.length
      ? [
          title(tr.t('operatorCards.metering.alerts')),
          facts(
            view.alerts.map(
              (a) =>
                [
                  tr.t('operatorCards.metering.alertSince', { key: a.key, hour: hour(new Date(a.since)) }),
                  tr.t('operatorCards.metering.alertCount', { message: a.message, count: a.count }),
                ] as const,
            ),
          ),
        ]
      : []),
    statuses.length ? facts(statuses) : paragraph(tr.t('operatorCards.metering.nothing')),
    title(tr.t('operatorCards.metering.attention')),
    view.attention.length
      ? facts(
          view.attention
            .slice(0, 10)
            .map(
              (r) =>
                [
                  tr.t('operatorCards.metering.attentionReport', { id: r.id, status: r.status, hour: hour(r.hourStart) }),
                  attentionLine(r),
                ] as const,
            ),
        )
      : paragraph(tr.t('operatorCards.metering.noAttention')),
    ...(view.attention.length ? [note(tr.t('commands.hints.metering'))] : []),
    title(tr.t('operatorCards.metering.billed')),
    billed.length
      ? facts(
          billed.map(
            (b) =>
              [
                b.name || b.subscriptionId,
                tr.t('operatorCards.metering.billedLine', {
                  standard: b.units.messages,
                  premium: b.units.premium_messages,
                  amount: tr.currency(b.amount, b.currency),
                }),
              ] as const,
          ),
        )
      : paragraph(tr.t('operatorCards.metering.noBilled')),
  ]);
}

export function subscriptionsCard(tr: Translator, subscriptions: readonly Subscription[]): AdaptiveCard {
  const count = (key: (s: Subscription) => string) => {
    const m = new Map<string, number>();
    for (const s of subscriptions) m.set(key(s), (m.get(key(s)) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, tr.number(n)] as const);
  };
  const recent = [...subscriptions].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, 10);
  return adaptiveCard([
    title(tr.t('operatorCards.subscriptions.title', { count: subscriptions.length })),
    facts(count((s) => s.status)),
    title(tr.t('operatorCards.subscriptions.byPlan')),
    facts(count((s) => s.planId)),
    title(tr.t('operatorCards.subscriptions.newest')),
    facts(
      recent.map((s) => {
        const values = { status: s.status, plan: s.planId, date: tr.date(s.createdAt) };
        return [
          s.name || s.id,
          s.quantity !== undefined
            ? tr.t('operatorCards.subscriptions.lineSeats', { ...values, quantity: s.quantity })
            : tr.t('operatorCards.subscriptions.line', values),
        ] as const;
      }),
    ),
  ]);
}

export function revenueCard(
  tr: Translator,
  lines: { currency: string; base: number; overage: number; subscriptions: number }[],
): AdaptiveCard {
  return adaptiveCard([
    title(tr.t('operatorCards.revenue.title')),
    note(tr.t('operatorCards.revenue.note')),
    lines.length
      ? facts(
          lines.flatMap((l) => [
            [tr.t('operatorCards.revenue.base', { currency: l.currency, count: l.subscriptions }), tr.currency(l.base, l.currency)] as const,
            [tr.t('operatorCards.revenue.overage', { currency: l.currency }), tr.currency(l.overage, l.currency)] as const,
            [tr.t('operatorCards.revenue.total', { currency: l.currency }), tr.currency(l.base + l.overage, l.currency)] as const,
          ]),
        )
      : paragraph(tr.t('operatorCards.revenue.none')),
  ]);
}
