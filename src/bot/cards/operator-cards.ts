import type { Subscription } from '../../domain/subscription';
import type { MeteringOverviewView } from '../../marketplace/metering-overview';
import {
  adaptiveCard,
  facts,
  formatDate,
  formatMoney,
  formatNumber,
  note,
  paragraph,
  title,
  type AdaptiveCard,
} from './adaptive-card';
import { COMMAND_HINTS } from './command-hints';

const hour = (d: Date) => `${d.toISOString().slice(0, 13).replace('T', ' ')}:00`;

export function meteringCard(view: MeteringOverviewView): AdaptiveCard {
  const statuses = Object.entries(view.byStatus).map(
    ([status, s]) => [status, `${formatNumber(s!.reports)} hours, ${formatNumber(s!.quantity)} units`] as const,
  );
  const billed = view.billedThisPeriod.slice(0, 10);
  return adaptiveCard([
    title('Metering'),
    note(`As of ${view.generatedAt.slice(0, 16).replace('T', ' ')} UTC`),
    ...(view.alerts.length
      ? [
          title('Alerts'),
          facts(
            view.alerts.map(
              (a) => [`${a.key} since ${hour(new Date(a.since))}`, `${a.message} (${formatNumber(a.count)}×)`] as const,
            ),
          ),
        ]
      : []),
    statuses.length ? facts(statuses) : paragraph('Nothing metered yet.'),
    title('Needs attention'),
    view.attention.length
      ? facts(
          view.attention
            .slice(0, 10)
            .map(
              (r) =>
                [
                  `#${r.id} ${r.status} · ${hour(r.hourStart)}`,
                  `${r.subscriptionId} ${r.dimension}: ${formatNumber(r.quantity)}${r.acceptedQuantity !== undefined ? ` (Marketplace holds ${formatNumber(r.acceptedQuantity)})` : ''}${r.errorCode ? ` · ${r.errorCode}` : ''}`,
                ] as const,
            ),
        )
      : paragraph('No conflicts, failures or held reports.'),
    ...(view.attention.length
      ? [
          note(COMMAND_HINTS.metering),
        ]
      : []),
    title('Billed this period'),
    billed.length
      ? facts(
          billed.map(
            (b) =>
              [
                b.name || b.subscriptionId,
                `${formatNumber(b.units.messages)} standard + ${formatNumber(b.units.premium_messages)} premium = ${formatMoney(b.amount, b.currency)}`,
              ] as const,
          ),
        )
      : paragraph('No overage accepted by the Marketplace this period.'),
  ]);
}

export function subscriptionsCard(subscriptions: readonly Subscription[]): AdaptiveCard {
  const count = (key: (s: Subscription) => string) => {
    const m = new Map<string, number>();
    for (const s of subscriptions) m.set(key(s), (m.get(key(s)) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, formatNumber(n)] as const);
  };
  const recent = [...subscriptions].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, 10);
  return adaptiveCard([
    title(`Subscriptions (${formatNumber(subscriptions.length)})`),
    facts(count((s) => s.status)),
    title('By plan'),
    facts(count((s) => s.planId)),
    title('Newest'),
    facts(
      recent.map(
        (s) =>
          [
            s.name || s.id,
            `${s.status} · ${s.planId}${s.quantity !== undefined ? ` × ${s.quantity}` : ''} · since ${formatDate(s.createdAt)}`,
          ] as const,
      ),
    ),
  ]);
}

export function revenueCard(lines: { currency: string; base: number; overage: number; subscriptions: number }[]): AdaptiveCard {
  return adaptiveCard([
    title('Revenue estimate, this period'),
    note(
      'Base fees of active subscriptions (per seat where priced per seat) plus overage the Marketplace accepted. Before Microsoft’s fee.',
    ),
    lines.length
      ? facts(
          lines.flatMap((l) => [
            [`${l.currency} base (${formatNumber(l.subscriptions)} active)`, formatMoney(l.base, l.currency)] as const,
            [`${l.currency} overage`, formatMoney(l.overage, l.currency)] as const,
            [`${l.currency} total`, formatMoney(l.base + l.overage, l.currency)] as const,
          ]),
        )
      : paragraph('No active subscription.'),
  ]);
}
