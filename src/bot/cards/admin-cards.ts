import type { Config } from '../../config';
import { isPlanVisibleTo, type Plan, type PlanCatalog } from '../../domain/plans';
import type { Subscription } from '../../domain/subscription';
import { DIMENSION_LABELS, type UsageSummary } from '../../domain/usage-report';
import type { SeatAssignment, TenantAdmin, UserUsage } from '../../store/store';
import { USAGE_KINDS } from '../../domain/billing-rules';
import {
  adaptiveCard,
  facts,
  formatDate,
  formatMoney,
  formatNumber,
  note,
  openUrl,
  paragraph,
  plural,
  title,
  verticalBarChart,
  type AdaptiveCard,
} from './adaptive-card';

const who = (u: { userId: string; userName?: string }) => (u.userName ? `${u.userName} (${u.userId})` : u.userId);

/** The trial line of admin cards: shown while the subscription is a free trial. */
function trialNote(daysLeft: number | undefined) {
  return daysLeft === undefined
    ? []
    : [
        paragraph(
          `Free trial: ${plural(daysLeft, 'day')} left. Billing starts when the trial converts; usage is never billed during it.`,
          { color: 'Accent' },
        ),
      ];
}

export function usageCard(summary: UsageSummary, plan: Plan, links: Config['links'], trialDays?: number): AdaptiveCard {
  const rows = summary.dimensions.map((d) => {
    if (d.included === null) return [d.label, `${formatNumber(d.used)} (unlimited)`] as const;
    const pct = d.included > 0 ? Math.round((d.used / d.included) * 100) : 100;
    const suffix = d.mode === 'hard-cap' ? ' · hard cap' : d.overageUnits > 0 ? ` · ${formatNumber(d.overageUnits)} over` : '';
    return [d.label, `${formatNumber(d.used)} of ${formatNumber(d.included)} (${pct}%)${suffix}`] as const;
  });
  return adaptiveCard(
    [
      title('Usage this period'),
      note(
        `${plan.displayName} plan · ${formatDate(summary.period.start)} – ${formatDate(summary.period.end)} · ${summary.daysLeft} days left`,
      ),
      ...trialNote(trialDays),
      facts([...rows, ['Overage so far', formatMoney(summary.overageCost, summary.currency)]]),
      ...(summary.dimensions.some((d) => d.mode === 'hard-cap' && d.included !== null && d.used >= d.included)
        ? [
            paragraph('An allowance is used up: members are refused until it renews or the plan is upgraded.', {
              color: 'Attention',
            }),
          ]
        : []),
    ],
    [openUrl('Change plan', links.manageSubscriptionUrl)],
  );
}

export function statsCard(series: readonly { day: string; turns: number }[], top: readonly UserUsage[]): AdaptiveCard {
  const total = series.reduce((sum, p) => sum + p.turns, 0);
  return adaptiveCard([
    title('Messages per day, last 14 days'),
    note(`${plural(total, 'answered message')} in total`),
    verticalBarChart(
      'Answered messages',
      series.map((p) => ({ x: p.day.slice(5), y: p.turns })),
      'Messages',
    ),
    title('Top users'),
    top.length
      ? facts(top.map((u) => [u.userName ?? u.userId, `${plural(u.turns, 'message')}, ${plural(u.quantity, 'unit')}`] as const))
      : paragraph('Nobody has chatted in the last 14 days.'),
  ]);
}

function allowanceText(plan: Plan): string {
  return USAGE_KINDS.map((d) => {
    const a = plan.dimensions[d];
    const unit = plan.isPricePerSeat ? ' per seat' : '';
    const amount = a.included === null ? 'unlimited' : `${formatNumber(a.included)}${unit}`;
    const over =
      a.overagePrice !== undefined && a.included !== null ? `, then ${formatMoney(a.overagePrice, plan.currency)} each` : '';
    return `${DIMENSION_LABELS[d]}: ${amount}${over}`;
  }).join('; ');
}

export function planCard(
  subscription: Subscription,
  plan: Plan,
  catalog: PlanCatalog,
  links: Config['links'],
  trialDays?: number,
): AdaptiveCard {
  const price = `${formatMoney(plan.basePrice, plan.currency)} per month${plan.isPricePerSeat ? ' per seat' : ''}`;
  // Plans the tenant could move to: the same offer only (Partner Center changes plans within an offer), and private
  // plans only for the tenants they name.
  const others = catalog.plans.filter(
    (p) => p.id !== plan.id && p.offerId === plan.offerId && isPlanVisibleTo(p, subscription.beneficiary.tenantId),
  );
  return adaptiveCard(
    [
      title(`${plan.displayName} plan`),
      paragraph(plan.description),
      ...trialNote(trialDays),
      facts([
        ['Status', subscription.status],
        ['Price', price],
        ...(plan.isPricePerSeat ? [['Seats', String(subscription.quantity ?? 0)] as const] : []),
        ['Included', allowanceText(plan)],
        ...(subscription.term
          ? [
              [
                'Term',
                `${formatDate(subscription.term.startDate)}${subscription.term.endDate ? ` – ${formatDate(subscription.term.endDate)}` : ''}`,
              ] as const,
            ]
          : []),
        ['Subscription', subscription.name || subscription.id],
      ]),
      ...(others.length
        ? [
            title('Other plans'),
            facts(
              others.map(
                (p) =>
                  [
                    p.displayName,
                    `${formatMoney(p.basePrice, p.currency)}${p.isPricePerSeat ? ' per seat' : ''} · ${allowanceText(p)}`,
                  ] as const,
              ),
            ),
          ]
        : []),
    ],
    [openUrl('Change plan', links.manageSubscriptionUrl)],
  );
}

export function seatsCard(seats: readonly SeatAssignment[], capacity: number): AdaptiveCard {
  const held = Math.min(seats.length, capacity);
  return adaptiveCard([
    title('Seats'),
    note(
      `${held} of ${capacity} seats in use${seats.length > capacity ? ` · ${seats.length - capacity} over the seat count (inactive)` : ''}`,
    ),
    seats.length
      ? facts(
          seats.map(
            (s, i) =>
              [
                who(s),
                `${i < capacity ? 'since' : 'inactive, since'} ${formatDate(s.assignedAt)}${s.assignedBy === 'auto' ? ' (first come)' : ''}`,
              ] as const,
          ),
        )
      : paragraph('No seat is assigned yet. Seats are given to users the first time they chat, while any are free.'),
    note('Assign or take back a seat: /seats assign <name or id>, /seats revoke <name or id>'),
  ]);
}

export function adminsCard(admins: readonly TenantAdmin[], subscription: Subscription | undefined): AdaptiveCard {
  const implicit = [subscription?.purchaser, subscription?.beneficiary]
    .filter((p): p is NonNullable<typeof p> => !!p?.objectId)
    .map((p) => [p.emailId ?? p.objectId!, 'purchaser / beneficiary'] as const);
  return adaptiveCard([
    title('Admins of this app in your organization'),
    facts([...implicit, ...admins.map((a) => [who(a), `added ${formatDate(a.addedAt)}`] as const)]),
    note('Add or remove: /admins add <name or id>, /admins remove <name or id>'),
  ]);
}

export function helpCard(productName: string, isAdmin: boolean, isOperator = false): AdaptiveCard {
  const body = [
    title(`${productName}: help`),
    paragraph('Ask me anything in plain words. Each answer counts towards your organization’s monthly allowance.'),
    facts([['/help', 'This list']]),
  ];
  if (isAdmin) {
    body.push(
      title('Admin commands'),
      facts([
        ['/usage', 'This period: used vs included, overage, days left'],
        ['/stats', 'Messages per day (14 days) and top users'],
        ['/plan', 'Your plan, what it includes, other plans'],
        ['/seats', 'Seats: list, assign <user>, revoke <user>'],
        ['/admins', 'Admins: list, add <user>, remove <user>'],
      ]),
      note('Commands never count towards the allowance.'),
    );
  }
  if (isOperator) {
    body.push(
      title('Operator commands (publisher)'),
      facts([
        ['/metering', 'Metering reports by status, what needs attention, overage billed this period'],
        ['/subscriptions', 'All subscriptions by status and plan, the newest'],
        ['/revenue', 'Base fees and overage this period'],
      ]),
    );
  }
  return adaptiveCard(body);
}
