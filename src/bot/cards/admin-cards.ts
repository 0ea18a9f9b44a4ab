import type { Config } from '../../config';
import { showsPurchaseUi, type ClientKind } from '../../domain/client-kind';
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
  formatDay,
  horizontalBarChart,
  note,
  paragraph,
  plural,
  title,
  type AdaptiveCard,
} from './adaptive-card';
import { purchaseActions } from './browser-links';
import { COMMAND_HINTS } from './command-hints';

/** Sentences shared by the admin cards; each card's own sentences are in the card. */
const TEXT = {
  changePlan: 'Change plan in browser',
  subscribeAgain: 'View plans in browser',
  askAdminToChange: 'To change the plan, ask your organization’s Microsoft 365 admin.',
  /** Names one subscription among several the tenant holds: its offer and its plan. */
  subscriptionLabel: (offerName: string, plan: Plan) => `${offerName} · ${plan.displayName} plan`,
} as const;

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

/**
 * This period's usage. After Unsubscribe the period and its days left mean nothing any more: the card says the
 * subscription has ended and shows the last figures. `offerName` is given when the tenant holds several
 * subscriptions (one card each): the title then names the offer and the plan.
 */
export function usageCard(
  summary: UsageSummary,
  plan: Plan,
  subscription: Pick<Subscription, 'status'>,
  links: Config['links'],
  client: ClientKind,
  trialDays?: number,
  offerName?: string,
): AdaptiveCard {
  const ended = subscription.status === 'Unsubscribed';
  const label = offerName === undefined ? undefined : TEXT.subscriptionLabel(offerName, plan);
  const rows = summary.dimensions.map((d) => {
    if (d.included === null) return [d.label, `${formatNumber(d.used)} (unlimited)`] as const;
    const pct = d.included > 0 ? Math.round((d.used / d.included) * 100) : 100;
    const suffix = d.mode === 'hard-cap' ? ' · hard cap' : d.overageUnits > 0 ? ` · ${formatNumber(d.overageUnits)} over` : '';
    return [d.label, `${formatNumber(d.used)} of ${formatNumber(d.included)} (${pct}%)${suffix}`] as const;
  });
  const period = `${formatDate(summary.period.start)} – ${formatDate(summary.period.end)}`;
  return adaptiveCard(
    [
      title(
        ended
          ? label
            ? `Subscription ended: ${label}`
            : 'Your organization’s subscription has ended'
          : label
            ? `Usage this period: ${label}`
            : 'Usage this period',
      ),
      note(
        ended
          ? `${plan.displayName} plan · subscription ended · nothing is counted any more`
          : `${plan.displayName} plan · ${period} · ${summary.daysLeft} days left`,
      ),
      ...trialNote(trialDays),
      facts([...rows, ['Overage so far', formatMoney(summary.overageCost, summary.currency)]]),
      ...(ended
        ? [
            paragraph(
              'Members cannot chat any more; your data is kept for now. ' +
                (showsPurchaseUi(client)
                  ? 'Your Microsoft 365 admin can subscribe again.'
                  : 'To use the assistant again, ask your organization’s Microsoft 365 admin.'),
            ),
          ]
        : summary.dimensions.some((d) => d.mode === 'hard-cap' && d.included !== null && d.used >= d.included)
          ? [
              paragraph('An allowance is used up: members are refused until it renews or the plan changes.', {
                color: 'Attention',
              }),
            ]
          : []),
      ...(!ended && !showsPurchaseUi(client) ? [note(TEXT.askAdminToChange)] : []),
    ],
    ended
      ? purchaseActions(client, [TEXT.subscribeAgain, links.offerListingUrl])
      : purchaseActions(client, [TEXT.changePlan, links.manageSubscriptionUrl]),
  );
}

/** Messages per day and top users; titled with the offer and plan when the tenant holds several subscriptions. */
export function statsCard(
  series: readonly { day: string; turns: number }[],
  top: readonly UserUsage[],
  of?: { offerName: string; plan: Plan },
): AdaptiveCard {
  const total = series.reduce((sum, p) => sum + p.turns, 0);
  const heading = 'Messages per day, last 14 days';
  return adaptiveCard([
    title(of ? `${heading}: ${TEXT.subscriptionLabel(of.offerName, of.plan)}` : heading),
    note(`${plural(total, 'answered message')} in total`),
    horizontalBarChart(
      'Answered messages',
      series.map((p) => ({ x: formatDay(p.day), y: p.turns })),
    ),
    title('Top users'),
    top.length
      ? facts(top.map((u) => [u.userName ?? u.userId, `${plural(u.turns, 'message')}, ${plural(u.quantity, 'unit')}`] as const))
      : paragraph('Nobody has chatted in the last 14 days.'),
  ]);
}

/** What the plan includes; with prices except on a phone (no pricing there: src/domain/client-kind.ts). */
function allowanceText(plan: Plan, withPrices = true): string {
  return USAGE_KINDS.map((d) => {
    const a = plan.dimensions[d];
    const unit = plan.isPricePerSeat ? ' per seat' : '';
    const amount = a.included === null ? 'unlimited' : `${formatNumber(a.included)}${unit}`;
    const over =
      withPrices && a.overagePrice !== undefined && a.included !== null
        ? `, then ${formatMoney(a.overagePrice, plan.currency)} each`
        : '';
    return `${DIMENSION_LABELS[d]}: ${amount}${over}`;
  }).join('; ');
}

/**
 * The plan. On a phone: no prices, no other plans, no link, and who to ask instead (src/domain/client-kind.ts).
 * `offerName` is given when the tenant holds several subscriptions (one card each): the title then names the offer.
 */
export function planCard(
  subscription: Subscription,
  plan: Plan,
  catalog: PlanCatalog,
  links: Config['links'],
  client: ClientKind,
  trialDays?: number,
  offerName?: string,
): AdaptiveCard {
  const pricing = showsPurchaseUi(client);
  const price = `${formatMoney(plan.basePrice, plan.currency)} per month${plan.isPricePerSeat ? ' per seat' : ''}`;
  // Plans the tenant could move to: the same offer only (Partner Center changes plans within an offer), and private
  // plans only for the tenants they name. None on a phone.
  const others = pricing
    ? catalog.plans.filter(
        (p) => p.id !== plan.id && p.offerId === plan.offerId && isPlanVisibleTo(p, subscription.beneficiary.tenantId),
      )
    : [];
  return adaptiveCard(
    [
      title(offerName === undefined ? `${plan.displayName} plan` : TEXT.subscriptionLabel(offerName, plan)),
      paragraph(plan.description),
      ...trialNote(trialDays),
      facts([
        ['Status', subscription.status],
        ...(pricing ? [['Price', price] as const] : []),
        ...(plan.isPricePerSeat ? [['Seats', String(subscription.quantity ?? 0)] as const] : []),
        ['Included', allowanceText(plan, pricing)],
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
      ...(pricing ? [] : [note(TEXT.askAdminToChange)]),
    ],
    purchaseActions(client, [TEXT.changePlan, links.manageSubscriptionUrl]),
  );
}

/**
 * Who holds a seat. `of` is given when the tenant holds several subscriptions: seats are those of its per-user one,
 * and the card says so.
 */
export function seatsCard(
  seats: readonly SeatAssignment[],
  capacity: number,
  of?: { offerName: string; plan: Plan },
): AdaptiveCard {
  const held = Math.min(seats.length, capacity);
  return adaptiveCard([
    title(of ? `Seats: ${TEXT.subscriptionLabel(of.offerName, of.plan)}` : 'Seats'),
    ...(of ? [paragraph('Seats belong to this per-user subscription; your organization’s other subscriptions need none.')] : []),
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
    note(COMMAND_HINTS.seats),
  ]);
}

/**
 * The app's admins in this tenant, each person once: the purchaser is usually also the beneficiary and was also
 * stored as an admin at activation. A purchaser from another tenant (a partner buying for a customer) is no admin
 * here, as in TenantCommands.isAdmin. The purchaser and beneficiary of each of the tenant's subscriptions (one per
 * offer) count, each role once.
 */
export function adminsCard(
  admins: readonly TenantAdmin[],
  subscriptions: readonly Subscription[],
  tenantId: string,
): AdaptiveCard {
  const people = new Map<string, { userId: string; userName?: string; roles: string[] }>();
  const person = (userId: string) => people.get(userId) ?? people.set(userId, { userId, roles: [] }).get(userId)!;
  for (const subscription of subscriptions) {
    for (const [role, party] of [
      ['purchaser', subscription.purchaser],
      ['beneficiary', subscription.beneficiary],
    ] as const) {
      if (!party?.objectId || (party.tenantId && party.tenantId !== tenantId)) continue;
      const p = person(party.objectId);
      if (!p.roles.includes(role)) p.roles.push(role);
      p.userName ??= party.emailId;
    }
  }
  for (const a of admins) {
    const p = person(a.userId);
    if (a.userName) p.userName = a.userName;
    p.roles.push(`added ${formatDate(a.addedAt)}`);
  }
  return adaptiveCard([
    title('Admins of this app in your organization'),
    facts([...people.values()].map((p) => [who(p), p.roles.join(' · ')] as const)),
    note(COMMAND_HINTS.admins),
  ]);
}
