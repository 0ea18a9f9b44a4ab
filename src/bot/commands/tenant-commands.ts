import type { Config } from '../../config';
import { showsPurchaseUi } from '../../domain/client-kind';
import type { Clock } from '../../domain/clock';
import { trialDaysLeft } from '../../domain/trial';
import { M365_LICENSES_URL } from '../cards/refusal-card';
import type { TurnIdentity } from '../../domain/identity';
import { billingPeriodAt } from '../../domain/periods';
import { planOf, type Plan, type PlanCatalog } from '../../domain/plans';
import type { Subscription } from '../../domain/subscription';
import { dailySeries, seriesStart, summarizeUsage } from '../../domain/usage-report';
import type { Translator } from '../../i18n/translator';
import type { KnownUser, Store } from '../../store/store';
import type { Audience } from '../activity-facts';
import { adminsCard, planCard, seatsCard, statsCard, usageCard } from '../cards/admin-cards';
import type { AdaptiveCard } from '../cards/adaptive-card';
import { helpCard, helpStateOf, welcomeCard, type HelpState } from '../cards/help-card';
import type { ModelProvider } from '../models/model-provider';
import type { SubscriptionGate } from '../subscription-gate';
import { commandArgs, type CommandName } from './command-syntax';
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
  tr: Translator;
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
 * consume quota. SDK-free: the bot edge passes the identity, any @mentioned users and the audience (the caller's
 * language, and kind of client: phones get no purchase or plan links).
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
      /** Who generates the answers: the help and welcome cards say so. */
      modelProvider: ModelProvider;
      operatorIds?: readonly string[];
      /** An admin gave a user a seat or took it back (the user is told: src/notices/tenant-notifier.ts). */
      onSeatChanged?: (change: { tenantId: string; userId: string; change: 'given' | 'lost' }) => void;
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
    mentions: readonly KnownUser[],
    audience: Audience,
  ): Promise<Reply> {
    const { tr, client } = audience;
    if (name === 'unknown') {
      const word = text.trim().split(/\s+/)[0]?.replace(/^\//, '') ?? '';
      return { text: tr.t('commands.unknown', { word }) };
    }
    if (name === 'help') return this.help(identity, audience);
    const step = await this.adminContext(identity, name, tr);
    if (!step.ok) return step.reply;
    const ctx = step.value;
    if (!ctx.ranked.length && name !== 'admins') return { text: tr.t('commands.noSubscription') };
    switch (name) {
      case 'usage':
        return this.eachShown(ctx.shown, (s, offerName) => this.usage(tr, s, client, offerName));
      case 'stats':
        return this.eachShown(ctx.shown, (s, offerName) => this.stats(tr, s, offerName));
      case 'plan':
        return this.eachShown(ctx.shown, (s, offerName) => this.plan(tr, s, client, offerName));
      case 'seats':
        return this.seats(ctx, this.seatSubscription(ctx.shown), text, mentions);
      case 'admins':
        return this.admins(ctx, text, mentions);
    }
  }

  /** Help answers everyone in every state, including tenants without a subscription and messages without a tenant. */
  private async help(identity: TurnIdentity, audience: Audience): Promise<Reply> {
    const { tenantId, userId } = identity;
    const ranked = tenantId ? await this.deps.gate.tenantSubscriptions(tenantId) : [];
    const isAdmin = tenantId && userId ? await this.isAdmin(tenantId, userId, ranked) : false;
    const isOperator = !!userId && (this.deps.operatorIds ?? []).includes(userId);
    return { card: helpCard({ ...this.cardOptions(audience, this.stateOf(tenantId, ranked)), isAdmin, isOperator }) };
  }

  /** The welcome card sent when the bot is added: in the audience's language, saying where the organization stands. */
  async welcome(identity: TurnIdentity, audience: Audience): Promise<Reply> {
    const { tenantId } = identity;
    const ranked = tenantId ? await this.deps.gate.tenantSubscriptions(tenantId) : [];
    return { card: welcomeCard(this.cardOptions(audience, this.stateOf(tenantId, ranked))) };
  }

  private stateOf(tenantId: string | undefined, ranked: readonly Subscription[]): HelpState {
    return tenantId ? helpStateOf(ranked[0]) : 'no-tenant';
  }

  private cardOptions(audience: Audience, state: HelpState) {
    const { productName, modelProvider, links } = this.deps;
    return { tr: audience.tr, client: audience.client, productName, provider: modelProvider, links, state };
  }

  private async adminContext(identity: TurnIdentity, name: CommandName, tr: Translator): Promise<Step<AdminContext>> {
    const { tenantId, userId } = identity;
    if (!tenantId || !userId) return stop(tr.t('commands.noIdentity'));
    const ranked = await this.deps.gate.tenantSubscriptions(tenantId);
    if (!(await this.isAdmin(tenantId, userId, ranked)))
      return stop(tr.t('commands.adminsOnly', { command: name, product: this.deps.productName }));
    return { ok: true, value: { tr, tenantId, userId, ranked, shown: shownSubscriptions(ranked) } };
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
    return { ...(text ? { text } : {}), ...(cards.length > 1 ? { cards } : cards[0] ? { card: cards[0] } : {}) };
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

  private planOf(tr: Translator, subscription: Subscription): Step<Plan> {
    const plan = planOf(this.deps.catalog, subscription);
    return plan ? { ok: true, value: plan } : stop(tr.t('commands.planMissing', { planId: subscription.planId }));
  }

  private async usage(tr: Translator, subscription: Subscription, client: Audience['client'], offerName?: string): Promise<Reply> {
    const found = this.planOf(tr, subscription);
    if (!found.ok) return found.reply;
    const plan = found.value;
    const now = this.deps.clock.now();
    const period = billingPeriodAt(now, subscription.term);
    const counters = await this.deps.store.usage.counters(subscription.id, period.start);
    const used = Object.fromEntries(counters.map((c) => [c.dimension, c.used]));
    const summary = summarizeUsage(plan, subscription, used, period, now);
    const trialDays = trialDaysLeft(subscription, now);
    const card = usageCard(tr, summary, plan, subscription, this.deps.links, client, trialDays, offerName);
    // Phones get no browser buttons at all on admin cards (a statement shows prices): the admin opens it on desktop.
    const links = showsPurchaseUi(client) ? this.deps.statementLinks : undefined;
    return {
      card: links ? withStatementButton(card, links.url(subscription.id, period.start, { lang: tr.locale }), tr.locale) : card,
    };
  }

  private async stats(tr: Translator, subscription: Subscription, offerName?: string): Promise<Reply> {
    const now = this.deps.clock.now();
    const from = seriesStart(now, STATS_DAYS);
    const to = new Date(now.getTime() + 1);
    const [daily, top] = await Promise.all([
      this.deps.store.usage.daily(subscription.id, from, to),
      this.deps.store.usage.topUsers(subscription.id, billingPeriodAt(now, subscription.term).start, TOP_USERS),
    ]);
    const plan = offerName === undefined ? undefined : planOf(this.deps.catalog, subscription);
    return { card: statsCard(tr, dailySeries(daily, now, STATS_DAYS), top, plan && { offerName: offerName!, plan }) };
  }

  private plan(tr: Translator, subscription: Subscription, client: Audience['client'], offerName?: string): Promise<Reply> {
    const found = this.planOf(tr, subscription);
    if (!found.ok) return Promise.resolve(found.reply);
    const plan = found.value;
    const trialDays = trialDaysLeft(subscription, this.deps.clock.now());
    return Promise.resolve({ card: planCard(tr, subscription, plan, this.deps.catalog, this.deps.links, client, trialDays, offerName) });
  }

  /** Seats of the tenant's per-user subscription; when it holds several, the seats card names the one it shows. */
  private async seats(
    ctx: AdminContext,
    subscription: Subscription,
    text: string,
    mentions: readonly KnownUser[],
  ): Promise<Reply> {
    const { tr } = ctx;
    const found = this.planOf(tr, subscription);
    if (!found.ok) return found.reply;
    const plan = found.value;
    if (!plan.isPricePerSeat) return { text: tr.t('commands.seats.notPerUser', { plan: plan.displayName }) };
    // Microsoft manages this offer's licences: seats are assigned there, not here.
    if (plan.licenseManagement === 'microsoft')
      return { text: tr.t('commands.seats.microsoftManaged', { plan: plan.displayName, url: M365_LICENSES_URL }) };
    const capacity = subscription.quantity ?? 0;
    const { action, rest } = commandArgs(text);
    if (!action || action === 'list') {
      const of = ctx.shown.length > 1 ? { offerName: this.offerName(subscription), plan } : undefined;
      return { card: seatsCard(tr, await this.deps.store.seats.list(subscription.id), capacity, of) };
    }
    if (action !== 'assign' && action !== 'revoke')
      return { text: `${tr.t('commands.seats.usage')} ${tr.t('commands.hints.seats')}` };
    const resolved = await this.resolveUser(tr, ctx.tenantId, rest, mentions);
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
      if (result === 'full') return { text: tr.t('commands.seats.full', { capacity }) };
      if (result === 'assigned') this.deps.onSeatChanged?.({ tenantId: ctx.tenantId, userId: target.userId, change: 'given' });
      return { text: tr.t(result === 'already' ? 'commands.seats.already' : 'commands.seats.assigned', { name }) };
    }
    const revoked = await this.deps.store.seats.revoke({
      subscriptionId: subscription.id,
      userId: target.userId,
      by: ctx.userId,
      at,
    });
    if (revoked) this.deps.onSeatChanged?.({ tenantId: ctx.tenantId, userId: target.userId, change: 'lost' });
    return { text: tr.t(revoked ? 'commands.seats.revoked' : 'commands.seats.hadNone', { name }) };
  }

  private async admins(ctx: AdminContext, text: string, mentions: readonly KnownUser[]): Promise<Reply> {
    const { tr } = ctx;
    const { action, rest } = commandArgs(text);
    if (!action || action === 'list')
      return { card: adminsCard(tr, await this.deps.store.admins.list(ctx.tenantId), ctx.ranked, ctx.tenantId) };
    if (action !== 'add' && action !== 'remove')
      return { text: `${tr.t('commands.admins.usage')} ${tr.t('commands.hints.admins')}` };
    const resolved = await this.resolveUser(tr, ctx.tenantId, rest, mentions);
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
      return { text: tr.t(added ? 'commands.admins.added' : 'commands.admins.alreadyAdmin', { name }) };
    }
    if (target.userId === ctx.userId) return { text: tr.t('commands.admins.notYourself') };
    const removed = await this.deps.store.admins.remove(ctx.tenantId, target.userId);
    return { text: tr.t(removed ? 'commands.admins.removed' : 'commands.admins.wasNot', { name }) };
  }

  /**
   * The user an admin means: an @mention, else a user seen in this tenant by display name or id, else an Entra
   * object id typed by the admin.
   */
  private async resolveUser(
    tr: Translator,
    tenantId: string,
    query: string,
    mentions: readonly KnownUser[],
  ): Promise<Step<KnownUser>> {
    if (mentions.length === 1) return { ok: true, value: mentions[0]! };
    if (mentions.length > 1) return stop(tr.t('commands.who.oneAtATime'));
    const q = query.replace(/^@/, '').trim();
    if (!q) return stop(tr.t('commands.who.whom'));
    if (q.length > 200) return stop(tr.t('commands.who.tooLong'));
    const found = await this.deps.store.users.find(tenantId, q);
    if (found.length === 1) return { ok: true, value: found[0]! };
    if (found.length > 1) return stop(tr.t('commands.who.several', { name: q }));
    // Someone who never chatted: only an object id (hex and dashes, as Entra shows it) is taken on trust, so a
    // mistyped name does not silently use up a seat.
    if (OBJECT_ID.test(q)) return { ok: true, value: { userId: q } };
    return stop(tr.t('commands.who.unknown', { name: q }));
  }
}
