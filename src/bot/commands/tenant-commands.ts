import type { Config } from '../../config';
import { showsPurchaseUi, type ClientKind } from '../../domain/client-kind';
import type { Clock } from '../../domain/clock';
import { trialDaysLeft } from '../../domain/trial';
import { M365_LICENSES_URL } from '../cards/refusal-card';
import type { TurnIdentity } from '../../domain/identity';
import { billingPeriodAt } from '../../domain/periods';
import { planOf, type Plan, type PlanCatalog } from '../../domain/plans';
import type { Subscription } from '../../domain/subscription';
import { dailySeries, seriesStart, summarizeUsage } from '../../domain/usage-report';
import type { KnownUser, Store } from '../../store/store';
import { adminsCard, planCard, seatsCard, statsCard, usageCard } from '../cards/admin-cards';
import type { AdaptiveCard } from '../cards/adaptive-card';
import { COMMAND_HINTS } from '../cards/command-hints';
import { helpCard, helpStateOf } from '../cards/help-card';
import type { SubscriptionGate } from '../subscription-gate';
import { commandArgs, type CommandName } from './command-syntax';
import type { Locale } from '../../i18n/locale';
import type { StatementLinks } from '../../statements/statement-links';
import { withStatementButton } from './statement-command';

/** What a command answers: a card, a sentence, or both; or several cards (one per subscription), in order. */
export interface Reply {
  text?: string;
  card?: AdaptiveCard;
  /** Several cards sent as one message (a list); a single card goes in `card`. */
  cards?: readonly AdaptiveCard[];
}

/** A step that either yields a value or ends the command with a reply. */
type Step<T> = { ok: true; value: T } | { ok: false; reply: Reply };
const stop = (text: string): { ok: false; reply: Reply } => ({ ok: false, reply: { text } });

const STATS_DAYS = 14;
/** What an Entra object id looks like when an admin types one (not a strict GUID: the Playground's ids are not). */
const OBJECT_ID = /^[0-9a-f]{8}(-?[0-9a-f]{4,}){2,}$/i;
const TOP_USERS = 5;

interface AdminContext {
  tenantId: string;
  userId: string;
  /** The tenant's subscriptions, one per offer, best first (as the gate ranks them). */
  ranked: Subscription[];
  /** The subscriptions `usage`, `plan`, `stats` and `seats` cover, in the gate's order: see `shownSubscriptions`. */
  shown: Subscription[];
}

/**
 * The subscriptions admin commands show: the tenant's live ones (not Unsubscribed), one per offer, in the gate's
 * order; when none is live, the first-ranked one (whose cards say it has ended).
 */
function shownSubscriptions(ranked: readonly Subscription[]): Subscription[] {
  const live = ranked.filter((s) => s.status !== 'Unsubscribed');
  return live.length ? live : ranked.slice(0, 1);
}

/**
 * Tenant admin commands (`usage`, `stats`, `plan`, `seats`, `admins`) and `help`. Everything is scoped to the
 * caller's tenant; admins are the subscription's purchaser and beneficiary plus those they added. Commands never
 * consume quota. SDK-free: the bot edge passes the identity, any @mentioned users and the kind of client (phones
 * get no purchase or plan links).
 */
export class TenantCommands {
  constructor(
    private readonly deps: {
      store: Store;
      catalog: PlanCatalog;
      clock: Clock;
      gate: SubscriptionGate;
      productName: string;
      links: Config['links'];
      operatorIds?: readonly string[];
      /** Signed links to usage statements: the `usage` card then links to its period's statement. */
      statementLinks?: StatementLinks;
    },
  ) {}

  /** Purchasers and beneficiaries of any of the tenant's subscriptions (one per offer) are admins, as are those added. */
  async isAdmin(tenantId: string, userId: string, subscriptions: readonly Subscription[]): Promise<boolean> {
    for (const subscription of subscriptions) {
      const owners = [subscription.purchaser, subscription.beneficiary];
      if (owners.some((p) => p.objectId === userId && (!p.tenantId || p.tenantId === tenantId))) return true;
    }
    return this.deps.store.admins.isAdmin(tenantId, userId);
  }

  async run(
    name: CommandName | 'unknown',
    identity: TurnIdentity,
    text: string,
    mentions: readonly KnownUser[] = [],
    client: ClientKind = 'desktop',
    locale: Locale = 'en',
  ): Promise<Reply> {
    if (name === 'unknown') {
      const word = text.trim().split(/\s+/)[0]?.replace(/^\//, '') ?? '';
      return { text: `I don't know the command "${word}". Type "help" to see what I can do.` };
    }
    if (name === 'help') return this.help(identity, client);
    const step = await this.adminContext(identity, name);
    if (!step.ok) return step.reply;
    const ctx = step.value;
    if (!ctx.ranked.length && name !== 'admins') {
      return {
        text: 'Your organization has no subscription yet, so there is nothing to show. Type "help" to see how to subscribe.',
      };
    }
    switch (name) {
      case 'usage':
        return this.eachShown(ctx.shown, (s, offerName) => this.usage(s, client, offerName, locale));
      case 'stats':
        return this.eachShown(ctx.shown, (s, offerName) => this.stats(s, offerName));
      case 'plan':
        return this.eachShown(ctx.shown, (s, offerName) => this.plan(s, client, offerName));
      case 'seats':
        return this.seats(ctx, this.seatSubscription(ctx.shown), text, mentions);
      case 'admins':
        return this.admins(ctx, text, mentions);
    }
  }

  /** Help answers everyone in every state, including tenants without a subscription and messages without a tenant. */
  private async help(identity: TurnIdentity, client: ClientKind): Promise<Reply> {
    const { tenantId, userId } = identity;
    const ranked = tenantId ? await this.deps.gate.tenantSubscriptions(tenantId) : [];
    const subscription = ranked[0];
    const isAdmin = tenantId && userId ? await this.isAdmin(tenantId, userId, ranked) : false;
    const isOperator = !!userId && (this.deps.operatorIds ?? []).includes(userId);
    const state = tenantId ? helpStateOf(subscription) : 'no-tenant';
    const card = helpCard({ productName: this.deps.productName, state, isAdmin, isOperator, client, links: this.deps.links });
    return { card };
  }

  private async adminContext(identity: TurnIdentity, name: CommandName): Promise<Step<AdminContext>> {
    const { tenantId, userId } = identity;
    if (!tenantId || !userId) return stop('I could not identify your organization or account, so I cannot run admin commands.');
    const ranked = await this.deps.gate.tenantSubscriptions(tenantId);
    if (!(await this.isAdmin(tenantId, userId, ranked))) {
      return stop(
        `Sorry, "${name}" is for your organization's admins of ${this.deps.productName}. ` +
          'Ask one of them, or the person who bought the subscription, to run it or to add you as an admin.',
      );
    }
    return { ok: true, value: { tenantId, userId, ranked, shown: shownSubscriptions(ranked) } };
  }

  /**
   * One subscription: its reply as before (the single-card path). Several: one card each, in order, named by offer
   * and plan; sentences (a plan missing from the catalog) are joined into the reply's text.
   */
  private async eachShown(
    shown: readonly Subscription[],
    reply: (subscription: Subscription, offerName?: string) => Promise<Reply>,
  ): Promise<Reply> {
    if (shown.length === 1) return reply(shown[0]!);
    const replies = await Promise.all(shown.map((s) => reply(s, this.offerName(s))));
    const cards = replies.flatMap((r) => (r.card ? [r.card] : []));
    const text = replies.flatMap((r) => (r.text ? [r.text] : [])).join('\n\n');
    return { ...(text ? { text } : {}), ...(cards.length > 1 ? { cards } : cards.length ? { card: cards[0] } : {}) };
  }

  /** The offer's name as the catalog gives it (its id when the catalog does not know it). */
  private offerName(subscription: Subscription): string {
    const offerId = planOf(this.deps.catalog, subscription)?.offerId ?? subscription.offerId;
    return this.deps.catalog.offer(offerId)?.displayName ?? offerId;
  }

  /** What `seats` acts on: the first shown subscription on a per-user plan, else the first shown one. */
  private seatSubscription(shown: readonly Subscription[]): Subscription {
    return shown.find((s) => planOf(this.deps.catalog, s)?.isPricePerSeat) ?? shown[0]!;
  }

  private planOf(subscription: Subscription): Step<Plan> {
    const plan = planOf(this.deps.catalog, subscription);
    return plan
      ? { ok: true, value: plan }
      : stop(`Your plan (${subscription.planId}) is not in the catalog. Please contact support.`);
  }

  private async usage(subscription: Subscription, client: ClientKind, offerName?: string, locale: Locale = 'en'): Promise<Reply> {
    const found = this.planOf(subscription);
    if (!found.ok) return found.reply;
    const plan = found.value;
    const now = this.deps.clock.now();
    const period = billingPeriodAt(now, subscription.term);
    const counters = await this.deps.store.usage.counters(subscription.id, period.start);
    const used = Object.fromEntries(counters.map((c) => [c.dimension, c.used]));
    const summary = summarizeUsage(plan, subscription, used, period, now);
    const trialDays = trialDaysLeft(subscription, now);
    const card = usageCard(summary, plan, subscription, this.deps.links, client, trialDays, offerName);
    // Phones get no browser buttons at all on admin cards (a statement shows prices): the admin opens it on desktop.
    const links = showsPurchaseUi(client) ? this.deps.statementLinks : undefined;
    return { card: links ? withStatementButton(card, links.url(subscription.id, period.start, { lang: locale }), locale) : card };
  }

  private async stats(subscription: Subscription, offerName?: string): Promise<Reply> {
    const now = this.deps.clock.now();
    const from = seriesStart(now, STATS_DAYS);
    const to = new Date(now.getTime() + 1);
    const [daily, top] = await Promise.all([
      this.deps.store.usage.daily(subscription.id, from, to),
      this.deps.store.usage.topUsers(subscription.id, from, to, TOP_USERS),
    ]);
    const plan = offerName === undefined ? undefined : planOf(this.deps.catalog, subscription);
    return { card: statsCard(dailySeries(daily, now, STATS_DAYS), top, plan && { offerName: offerName!, plan }) };
  }

  private async plan(subscription: Subscription, client: ClientKind, offerName?: string): Promise<Reply> {
    const found = this.planOf(subscription);
    if (!found.ok) return found.reply;
    const plan = found.value;
    const trialDays = trialDaysLeft(subscription, this.deps.clock.now());
    return { card: planCard(subscription, plan, this.deps.catalog, this.deps.links, client, trialDays, offerName) };
  }

  /** Seats of the tenant's per-user subscription; when it holds several, the seats card names the one it shows. */
  private async seats(
    ctx: AdminContext,
    subscription: Subscription,
    text: string,
    mentions: readonly KnownUser[],
  ): Promise<Reply> {
    const found = this.planOf(subscription);
    if (!found.ok) return found.reply;
    const plan = found.value;
    if (!plan.isPricePerSeat) {
      return {
        text: `Your ${plan.displayName} plan is not priced per user: everyone in your organization can chat, no seats needed.`,
      };
    }
    // Microsoft manages this offer's licences: seats are assigned there, not here.
    if (plan.licenseManagement === 'microsoft') {
      return {
        text:
          `Licences of your ${plan.displayName} plan are managed by Microsoft: assign them to users in the ` +
          `Microsoft 365 admin center (Billing › Licenses, ${M365_LICENSES_URL}). Each user's licence is checked when they chat.`,
      };
    }
    const capacity = subscription.quantity ?? 0;
    const { action, rest } = commandArgs(text);
    if (!action || action === 'list') {
      const of = ctx.shown.length > 1 ? { offerName: this.offerName(subscription), plan } : undefined;
      return { card: seatsCard(await this.deps.store.seats.list(subscription.id), capacity, of) };
    }
    if (action !== 'assign' && action !== 'revoke')
      return { text: `Type "seats" to see who holds a seat. ${COMMAND_HINTS.seats}` };
    const resolved = await this.resolveUser(ctx.tenantId, rest, mentions);
    if (!resolved.ok) return resolved.reply;
    const target = resolved.value;
    const at = this.deps.clock.now();
    const name = target.userName ?? target.userId;
    if (action === 'assign') {
      const result = await this.deps.store.seats.assign({
        subscriptionId: subscription.id,
        userId: target.userId,
        ...(target.userName ? { userName: target.userName } : {}),
        capacity,
        by: ctx.userId,
        at,
      });
      if (result === 'full')
        return { text: `All ${capacity} seats are taken. Revoke a seat first, or add seats to the subscription.` };
      return { text: result === 'already' ? `${name} already has a seat.` : `${name} now has a seat.` };
    }
    const revoked = await this.deps.store.seats.revoke({
      subscriptionId: subscription.id,
      userId: target.userId,
      by: ctx.userId,
      at,
    });
    return { text: revoked ? `${name} no longer has a seat. Only an admin can give it back.` : `${name} had no seat.` };
  }

  private async admins(ctx: AdminContext, text: string, mentions: readonly KnownUser[]): Promise<Reply> {
    const { action, rest } = commandArgs(text);
    if (!action || action === 'list')
      return { card: adminsCard(await this.deps.store.admins.list(ctx.tenantId), ctx.ranked, ctx.tenantId) };
    if (action !== 'add' && action !== 'remove')
      return { text: `Type "admins" to see who manages this app here. ${COMMAND_HINTS.admins}` };
    const resolved = await this.resolveUser(ctx.tenantId, rest, mentions);
    if (!resolved.ok) return resolved.reply;
    const target = resolved.value;
    const name = target.userName ?? target.userId;
    if (action === 'add') {
      const added = await this.deps.store.admins.add({
        tenantId: ctx.tenantId,
        userId: target.userId,
        ...(target.userName ? { userName: target.userName } : {}),
        addedBy: ctx.userId,
        addedAt: this.deps.clock.now(),
      });
      return { text: added ? `${name} is now an admin.` : `${name} was already an admin.` };
    }
    if (target.userId === ctx.userId) return { text: 'You cannot remove yourself. Ask another admin to do it.' };
    const removed = await this.deps.store.admins.remove(ctx.tenantId, target.userId);
    return { text: removed ? `${name} is no longer an admin.` : `${name} was not an admin (purchasers stay admins).` };
  }

  /**
   * The user an admin means: an @mention, else a user seen in this tenant by display name or id, else an Entra
   * object id typed by the admin.
   */
  private async resolveUser(tenantId: string, query: string, mentions: readonly KnownUser[]): Promise<Step<KnownUser>> {
    if (mentions.length === 1) return { ok: true, value: mentions[0]! };
    if (mentions.length > 1) return stop('Please mention one person at a time.');
    const q = query.replace(/^@/, '').trim();
    if (!q) return stop('Whom do you mean? Add a name, an Entra object id or an @mention.');
    if (q.length > 200) return stop('That name is too long.');
    const found = await this.deps.store.users.find(tenantId, q);
    if (found.length === 1) return { ok: true, value: found[0]! };
    if (found.length > 1) return stop(`Several people are called "${q}". Use their Entra object id instead.`);
    // Someone who never chatted: only an object id (hex and dashes, as Entra shows it) is taken on trust, so a
    // mistyped name does not silently use up a seat.
    if (OBJECT_ID.test(q)) return { ok: true, value: { userId: q } };
    return stop(
      `I don't know anyone called "${q}" yet (people appear here once they have chatted with me). Use their Entra object id or an @mention.`,
    );
  }
}
