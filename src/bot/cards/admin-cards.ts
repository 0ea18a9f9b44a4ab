import type { Config } from '../../config';
import { showsPurchaseUi, type ClientKind } from '../../domain/client-kind';
import { isPlanVisibleTo, type Plan, type PlanCatalog } from '../../domain/plans';
import type { Subscription } from '../../domain/subscription';
import type { UsageSummary } from '../../domain/usage-report';
import type { SeatAssignment, TenantAdmin, UserUsage } from '../../store/store';
import { USAGE_KINDS } from '../../domain/billing-rules';
import type { Translator } from '../../i18n/translator';
import { adaptiveCard, facts, horizontalBarChart, note, paragraph, title, type AdaptiveCard } from './adaptive-card';
import { purchaseActions } from './browser-links';

/** One subscription named among several the tenant holds: by its offer and its plan. */
export interface SubscriptionOf {
  offerName: string;
  plan: Plan;
}

const who = (u: { userId: string; userName?: string }) => (u.userName ? `${u.userName} (${u.userId})` : u.userId);

const subscriptionLabel = (tr: Translator, offerName: string, plan: Plan) =>
  tr.t('adminCards.subscriptionLabel', { offer: offerName, plan: plan.displayName });

/** The trial line of admin cards: shown while the subscription is a free trial. */
function trialNote(tr: Translator, daysLeft: number | undefined) {
  return daysLeft === undefined ? [] : [paragraph(tr.t('adminCards.trial', { days: daysLeft }), { color: 'Accent' })];
}

/** "12 of 500 (2%)", "600 (unlimited)", "… · hard cap", "… · 100 over". */
function usageLine(tr: Translator, d: UsageSummary['dimensions'][number]): string {
  if (d.included === null) return tr.t('adminCards.usage.unlimited', { used: d.used });
  const share = d.included > 0 ? d.used / d.included : 1;
  const line = tr.t('adminCards.usage.of', { used: d.used, included: d.included, share });
  if (d.mode === 'hard-cap') return tr.t('adminCards.usage.hardCap', { line });
  return d.overageUnits > 0 ? tr.t('adminCards.usage.over', { line, over: d.overageUnits }) : line;
}

/**
 * This period's usage. After Unsubscribe the period and its days left mean nothing any more: the card says the
 * subscription has ended and shows the last figures. `offerName` is given when the tenant holds several
 * subscriptions (one card each): the title then names the offer and the plan.
 */
export function usageCard(
  tr: Translator,
  summary: UsageSummary,
  plan: Plan,
  subscription: Pick<Subscription, 'status'>,
  links: Config['links'],
  client: ClientKind,
  trialDays?: number,
  offerName?: string,
): AdaptiveCard {
  const ended = subscription.status === 'Unsubscribed';
  const label = offerName === undefined ? undefined : subscriptionLabel(tr, offerName, plan);
  const rows = summary.dimensions.map((d) => [tr.t(`common.dimension.${d.dimension}`), usageLine(tr, d)] as const);
  const heading = ended
    ? label
      ? tr.t('adminCards.usage.endedTitleOf', { label })
      : tr.t('adminCards.usage.endedTitle')
    : label
      ? tr.t('adminCards.usage.titleOf', { label })
      : tr.t('adminCards.usage.title');
  const capReached = summary.dimensions.some((d) => d.mode === 'hard-cap' && d.included !== null && d.used >= d.included);
  return adaptiveCard(
    [
      title(heading),
      note(
        ended
          ? tr.t('adminCards.usage.endedPeriod', { plan: plan.displayName })
          : tr.t('adminCards.usage.period', {
              plan: plan.displayName,
              start: tr.date(summary.period.start),
              end: tr.date(summary.period.end),
              days: summary.daysLeft,
            }),
      ),
      ...trialNote(tr, trialDays),
      facts([...rows, [tr.t('adminCards.usage.overageSoFar'), tr.currency(summary.overageCost, summary.currency)]]),
      ...(ended
        ? [
            paragraph(
              `${tr.t('adminCards.usage.ended')} ` +
                (showsPurchaseUi(client) ? tr.t('adminCards.usage.endedResubscribe') : tr.t('adminCards.usage.endedAskAdmin')),
            ),
          ]
        : capReached
          ? [paragraph(tr.t('adminCards.usage.capReached'), { color: 'Attention' })]
          : []),
      ...(!ended && !showsPurchaseUi(client) ? [note(tr.t('adminCards.askAdminToChange'))] : []),
    ],
    ended
      ? purchaseActions(client, [tr.t('common.seePlans'), links.offerListingUrl])
      : purchaseActions(client, [tr.t('common.upgrade'), links.manageSubscriptionUrl]),
  );
}

/** Messages per day and top users; titled with the offer and plan when the tenant holds several subscriptions. */
export function statsCard(
  tr: Translator,
  series: readonly { day: string; turns: number }[],
  top: readonly UserUsage[],
  of?: SubscriptionOf,
): AdaptiveCard {
  const total = series.reduce((sum, p) => sum + p.turns, 0);
  // A day label short enough for a chart row, and readable: "Fri, Mar 20", "ven. 20 mars".
  const day = (d: string) => tr.date(`${d}T00:00:00Z`, { weekday: 'short', day: 'numeric', month: 'short' });
  return adaptiveCard([
    title(
      of
        ? tr.t('adminCards.stats.titleOf', { label: subscriptionLabel(tr, of.offerName, of.plan) })
        : tr.t('adminCards.stats.title'),
    ),
    note(tr.t('adminCards.stats.total', { count: total })),
    // Nothing to chart: fourteen empty bars (or, where charts do not render, fourteen "0" rows) say less than this.
    ...(total === 0
      ? [paragraph(tr.t('adminCards.stats.nobody'))]
      : [
          horizontalBarChart(
            tr.t('adminCards.stats.chart'),
            series.map((p) => ({ x: day(p.day), y: p.turns })),
            (n) => tr.number(n),
          ),
          title(tr.t('adminCards.stats.topUsers')),
          top.length
            ? facts(top.map((u) => [u.userName ?? u.userId, tr.t('adminCards.stats.user', { turns: u.turns, units: u.quantity })] as const))
            : paragraph(tr.t('adminCards.stats.nobody')),
        ]),
  ]);
}

/** What the plan includes; with prices except on a phone (no pricing there: src/domain/client-kind.ts). */
function allowanceText(tr: Translator, plan: Plan, withPrices = true): string {
  return USAGE_KINDS.map((d) => {
    const a = plan.dimensions[d];
    const label = tr.t(`common.dimension.${d}`);
    const amount =
      a.included === null
        ? tr.t('adminCards.plan.unlimited')
        : tr.t(plan.isPricePerSeat ? 'adminCards.plan.amountPerSeat' : 'adminCards.plan.amount', { count: a.included });
    return withPrices && a.overagePrice !== undefined && a.included !== null
      ? tr.t('adminCards.plan.allowanceOverage', { label, amount, price: tr.currency(a.overagePrice, plan.currency) })
      : tr.t('adminCards.plan.allowance', { label, amount });
  }).join(tr.t('adminCards.plan.allowanceSeparator'));
}

/**
 * The plan. On a phone: no prices, no other plans, no link, and who to ask instead (src/domain/client-kind.ts).
 * `offerName` is given when the tenant holds several subscriptions (one card each): the title then names the offer.
 */
export function planCard(
  tr: Translator,
  subscription: Subscription,
  plan: Plan,
  catalog: PlanCatalog,
  links: Config['links'],
  client: ClientKind,
  trialDays?: number,
  offerName?: string,
): AdaptiveCard {
  const pricing = showsPurchaseUi(client);
  const price = tr.t(plan.isPricePerSeat ? 'adminCards.plan.pricePerSeat' : 'adminCards.plan.price', {
    price: tr.currency(plan.basePrice, plan.currency),
  });
  // Plans the tenant could move to: the same offer only (Partner Center changes plans within an offer), and private
  // plans only for the tenants they name. None on a phone.
  const others = pricing
    ? catalog.plans.filter(
        (p) => p.id !== plan.id && p.offerId === plan.offerId && isPlanVisibleTo(p, subscription.beneficiary.tenantId),
      )
    : [];
  const term = subscription.term;
  return adaptiveCard(
    [
      title(
        offerName === undefined
          ? tr.t('adminCards.plan.title', { plan: plan.displayName })
          : subscriptionLabel(tr, offerName, plan),
      ),
      paragraph(plan.description),
      ...trialNote(tr, trialDays),
      facts([
        [tr.t('adminCards.plan.status'), tr.t(`common.status.${subscription.status}`)],
        ...(pricing ? [[tr.t('adminCards.plan.priceLabel'), price] as const] : []),
        ...(plan.isPricePerSeat ? [[tr.t('adminCards.plan.seats'), tr.number(subscription.quantity ?? 0)] as const] : []),
        [tr.t('adminCards.plan.included'), allowanceText(tr, plan, pricing)],
        ...(term
          ? [
              [
                tr.t('adminCards.plan.term'),
                `${tr.date(term.startDate)}${term.endDate ? ` – ${tr.date(term.endDate)}` : ''}`,
              ] as const,
            ]
          : []),
        [tr.t('adminCards.plan.subscription'), subscription.name || subscription.id],
      ]),
      ...(others.length
        ? [
            title(tr.t('adminCards.plan.otherPlans')),
            facts(
              others.map(
                (p) =>
                  [
                    p.displayName,
                    tr.t(p.isPricePerSeat ? 'adminCards.plan.otherPlanPerSeat' : 'adminCards.plan.otherPlan', {
                      price: tr.currency(p.basePrice, p.currency),
                      allowance: allowanceText(tr, p),
                    }),
                  ] as const,
              ),
            ),
          ]
        : []),
      ...(pricing ? [] : [note(tr.t('adminCards.askAdminToChange'))]),
    ],
    purchaseActions(client, [tr.t('common.upgrade'), links.manageSubscriptionUrl]),
  );
}

/**
 * Who holds a seat. `of` is given when the tenant holds several subscriptions: seats are those of its per-user one,
 * and the card says so.
 */
export function seatsCard(
  tr: Translator,
  seats: readonly SeatAssignment[],
  capacity: number,
  of?: SubscriptionOf,
): AdaptiveCard {
  const held = Math.min(seats.length, capacity);
  const over = seats.length - capacity;
  return adaptiveCard([
    title(of ? tr.t('adminCards.seats.titleOf', { label: subscriptionLabel(tr, of.offerName, of.plan) }) : tr.t('adminCards.seats.title')),
    ...(of ? [paragraph(tr.t('adminCards.seats.perUserOnly'))] : []),
    note(over > 0 ? tr.t('adminCards.seats.inUseOver', { held, capacity, over }) : tr.t('adminCards.seats.inUse', { held, capacity })),
    seats.length
      ? facts(
          seats.map((s, i) => {
            const date = tr.date(s.assignedAt);
            const line = i < capacity ? tr.t('adminCards.seats.since', { date }) : tr.t('adminCards.seats.inactiveSince', { date });
            return [who(s), s.assignedBy === 'auto' ? tr.t('adminCards.seats.firstCome', { line }) : line] as const;
          }),
        )
      : paragraph(tr.t('adminCards.seats.none')),
    note(tr.t('commands.hints.seats')),
  ]);
}

/**
 * The app's admins in this tenant, each person once: the purchaser is usually also the beneficiary and was also
 * stored as an admin at activation. A purchaser from another tenant (a partner buying for a customer) is no admin
 * here, as in TenantCommands.isAdmin. The purchaser and beneficiary of each of the tenant's subscriptions (one per
 * offer) count, each role once.
 */
export function adminsCard(
  tr: Translator,
  admins: readonly TenantAdmin[],
  subscriptions: readonly Subscription[],
  tenantId: string,
): AdaptiveCard {
  const people = new Map<string, { userId: string; userName?: string; roles: string[] }>();
  const person = (userId: string) => people.get(userId) ?? people.set(userId, { userId, roles: [] }).get(userId)!;
  for (const subscription of subscriptions) {
    for (const [role, party] of [
      [tr.t('adminCards.admins.purchaser'), subscription.purchaser],
      [tr.t('adminCards.admins.beneficiary'), subscription.beneficiary],
    ] as const) {
      if (!party?.objectId || (party.tenantId && party.tenantId !== tenantId)) continue;
      const p = person(party.objectId);
      if (!p.roles.includes(role)) p.roles.push(role);
      if (p.userName === undefined && party.emailId) p.userName = party.emailId;
    }
  }
  for (const a of admins) {
    const p = person(a.userId);
    if (a.userName) p.userName = a.userName;
    p.roles.push(tr.t('adminCards.admins.added', { date: tr.date(a.addedAt) }));
  }
  return adaptiveCard([
    title(tr.t('adminCards.admins.title')),
    facts([...people.values()].map((p) => [who(p), p.roles.join(' · ')] as const)),
    note(tr.t('commands.hints.admins')),
  ]);
}
