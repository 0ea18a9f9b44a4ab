import { DAY } from '../../domain/clock';
import type { Clock } from '../../domain/clock';
import type { TurnIdentity } from '../../domain/identity';
import {
  canSeeTicket,
  isTicketCategory,
  isTicketPriority,
  MAX_TICKET_TEXT_CHARS,
  subjectOf,
  type TicketCategory,
  type TicketPriority,
} from '../../domain/support-tickets';
import type { Subscription } from '../../domain/subscription';
import { translator, type Translator } from '../../i18n/translator';
import type { Locale } from '../../i18n/locale';
import type { SupportDesk, TextRefusal } from '../../support/support-desk';
import {
  deskDetailCard,
  deskListCard,
  deskStatsCard,
  supportFormCard,
  ticketDetailCard,
  ticketListCard,
} from '../cards/support-cards';
import type { Reply } from './tenant-commands';

/** `support`, `support <text>` (a leading `/` and end punctuation after the word are accepted, as for every command). */
const SUPPORT = /^\/?support[!.?]*(?:\s+([\s\S]+))?$/i;
/** `ticket 12`, `ticket #12 <text>`. */
const TICKET = /^\/?ticket\s+#?(\d{1,9})(?:\s+([\s\S]+))?$/i;
/** `desk`, `desk all|mine|stats`, `desk 12`, `desk 12 assign [operator id]`, `desk 12 answer <text>`, `desk 12 close`. */
const DESK = /^\/?desk[!.?]*(?:\s+(?:(all|mine|stats)|#?(\d{1,9})(?:\s+(assign|answer|close)(?:\s+([\s\S]+))?)?))?$/i;

const STATS_DAYS = 30;
const LIST_SIZE = 20;

/** The inputs of a support card's form (Action.Submit), read strictly. */
export type SupportSubmit =
  | { kind: 'open'; subject: string; details: string; category: TicketCategory; priority: TicketPriority }
  | { kind: 'reply'; ticketNumber: number; text: string }
  | { kind: 'invalid' };

/** A card submit of ours (`value.support`), or undefined for anything else. */
export function parseSupportSubmit(value: unknown): SupportSubmit | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  if (v.support === 'open') {
    if (!isTicketCategory(v.category) || !isTicketPriority(v.priority)) return { kind: 'invalid' };
    return { kind: 'open', subject: str(v.subject), details: str(v.details), category: v.category, priority: v.priority };
  }
  if (v.support === 'reply') {
    const n = Number(v.ticket);
    if (!Number.isSafeInteger(n) || n <= 0) return { kind: 'invalid' };
    return { kind: 'reply', ticketNumber: n, text: str(v.reply) };
  }
  return undefined;
}

/**
 * Support tickets in Teams. `support <text>` (or the form of `support` alone) opens a ticket for the caller's
 * tenant; `tickets` lists the tenant's tickets for its admins and the caller's own for others; `ticket 12` shows one
 * and `ticket 12 <text>` (or the reply box of its card) adds to it. Operators run the desk: `desk`, `desk 12`,
 * `desk 12 assign`, `desk 12 answer <text>`, `desk 12 close`, `desk stats`. Never gated, never billed, in every
 * subscription state: a tenant without an active subscription must be able to ask for help.
 */
export class SupportCommands {
  constructor(
    private readonly deps: {
      desk: SupportDesk;
      clock: Clock;
      operatorIds: readonly string[];
      /** The tenant admin rule (TenantCommands.isAdmin). */
      isTenantAdmin(tenantId: string, userId: string): Promise<boolean>;
      /** The tenant's subscriptions, best first (the gate's ranking). */
      tenantSubscriptions(tenantId: string): Promise<Subscription[]>;
    },
  ) {}

  isOperator(identity: TurnIdentity): boolean {
    return !!identity.userId && this.deps.operatorIds.includes(identity.userId);
  }

  async run(name: 'support' | 'tickets' | 'ticket' | 'desk', identity: TurnIdentity, text: string, locale: Locale): Promise<Reply> {
    const t = translator(locale);
    const trimmed = text.trim();
    if (name === 'desk') return this.desk(identity, trimmed, t);
    const { tenantId, userId } = identity;
    if (!tenantId || !userId) return { text: t.t('support.noIdentity') };
    switch (name) {
      case 'support': {
        const request = SUPPORT.exec(trimmed)?.[1]?.trim();
        if (!request) return { card: supportFormCard(t) };
        return this.open(identity, { subject: subjectOf(request), text: request, category: 'technical', priority: 'normal' }, t);
      }
      case 'tickets': {
        const isAdmin = await this.deps.isTenantAdmin(tenantId, userId);
        const page = await this.deps.desk.list({ tenantId, ...(isAdmin ? {} : { openedBy: userId }), limit: LIST_SIZE });
        return { card: ticketListCard(t, page, isAdmin ? 'tenant' : 'own') };
      }
      case 'ticket': {
        const match = TICKET.exec(trimmed);
        if (!match) return { text: t.t('support.list.hint') };
        const n = Number(match[1]);
        return match[2] ? this.reply(identity, n, match[2], t) : this.show(identity, n, t);
      }
    }
  }

  /** A support card's form, posted back by Teams. */
  async submit(submit: SupportSubmit, identity: TurnIdentity, locale: Locale): Promise<Reply> {
    const t = translator(locale);
    if (!identity.tenantId || !identity.userId) return { text: t.t('support.noIdentity') };
    switch (submit.kind) {
      case 'invalid':
        return { text: t.t('support.badForm') };
      case 'open': {
        const details = submit.details.trim();
        const subject = subjectOf(submit.subject.trim() || details);
        return this.open(identity, { subject, text: details, category: submit.category, priority: submit.priority }, t);
      }
      case 'reply':
        return this.reply(identity, submit.ticketNumber, submit.text, t);
    }
  }

  private async open(
    identity: TurnIdentity,
    request: { subject: string; text: string; category: TicketCategory; priority: TicketPriority },
    t: Translator,
  ): Promise<Reply> {
    const tenantId = identity.tenantId!;
    const subscription = (await this.deps.tenantSubscriptions(tenantId))[0];
    const opened = await this.deps.desk.open({
      tenantId,
      openedBy: identity.userId!,
      ...(identity.userName ? { openedByName: identity.userName } : {}),
      ...(subscription ? { subscriptionId: subscription.id } : {}),
      ...request,
    });
    if (!opened.ok) return this.refusal(opened, t);
    return { text: t.t('support.opened', { number: opened.ticket.number, subject: opened.ticket.subject }) };
  }

  /** The ticket when the caller may see it (its opener, or an admin of its tenant). */
  private async visible(identity: TurnIdentity, n: number) {
    const ticket = await this.deps.desk.get(n);
    if (!ticket) return undefined;
    const viewer = { tenantId: identity.tenantId!, userId: identity.userId! };
    const isAdmin = ticket.tenantId === viewer.tenantId && (await this.deps.isTenantAdmin(viewer.tenantId, viewer.userId));
    return canSeeTicket(ticket, { ...viewer, isAdmin }) ? ticket : undefined;
  }

  private async show(identity: TurnIdentity, n: number, t: Translator): Promise<Reply> {
    if (!(await this.visible(identity, n))) return { text: t.t('support.notFound', { number: n }) };
    const detail = await this.deps.desk.detail(n);
    return detail ? { card: ticketDetailCard(t, detail) } : { text: t.t('support.notFound', { number: n }) };
  }

  private async reply(identity: TurnIdentity, n: number, text: string, t: Translator): Promise<Reply> {
    if (!(await this.visible(identity, n))) return { text: t.t('support.notFound', { number: n }) };
    const author = { userId: identity.userId!, ...(identity.userName ? { userName: identity.userName } : {}) };
    const result = await this.deps.desk.reply(n, author, text);
    if (!result.ok) {
      if (result.reason === 'not-found') return { text: t.t('support.notFound', { number: n }) };
      if (result.reason === 'empty') return { text: t.t('support.emptyReply', { number: n }) };
      return this.refusal(result, t);
    }
    return { text: t.t(result.reopened ? 'support.replyReopened' : 'support.replyAdded', { number: n }) };
  }

  private refusal(refusal: TextRefusal, t: Translator): Reply {
    return { text: refusal.reason === 'empty' ? t.t('support.empty') : t.t('support.tooLong', { max: MAX_TICKET_TEXT_CHARS }) };
  }

  /** The operators' desk. */
  private async desk(identity: TurnIdentity, text: string, t: Translator): Promise<Reply> {
    if (!this.isOperator(identity)) return { text: t.t('support.desk.notOperator') };
    const operatorId = identity.userId!;
    const match = DESK.exec(text);
    if (!match) return { text: t.t('support.desk.hint') };
    const [, view, number, verb, rest] = match;
    if (view?.toLowerCase() === 'stats') {
      const now = this.deps.clock.now();
      const stats = await this.deps.desk.statistics(new Date(now.getTime() - STATS_DAYS * DAY), new Date(now.getTime() + 1));
      return { card: deskStatsCard(t, stats, STATS_DAYS) };
    }
    if (number === undefined) {
      const scope = view?.toLowerCase();
      const filter =
        scope === 'all' ? {} : scope === 'mine' ? { assignee: operatorId, status: 'unresolved' as const } : { status: 'unresolved' as const };
      const page = await this.deps.desk.list({ ...filter, limit: LIST_SIZE });
      const heading =
        scope === 'all'
          ? t.t('support.desk.titleAll', { count: page.total })
          : scope === 'mine'
            ? t.t('support.desk.titleMine', { count: page.total })
            : t.t('support.desk.title', { count: page.total });
      return { card: deskListCard(t, page, heading) };
    }
    const n = Number(number);
    switch (verb?.toLowerCase()) {
      case undefined: {
        const detail = await this.deps.desk.detail(n);
        return detail ? { card: deskDetailCard(t, detail) } : { text: t.t('support.desk.notFound', { number: n }) };
      }
      case 'assign': {
        const assignee = rest?.trim() || operatorId;
        const ticket = await this.deps.desk.assign(n, assignee);
        return { text: ticket ? t.t('support.desk.assigned', { number: n, assignee }) : t.t('support.desk.notFound', { number: n }) };
      }
      case 'answer': {
        const operator = { userId: operatorId, ...(identity.userName ? { userName: identity.userName } : {}) };
        const result = await this.deps.desk.answer(n, operator, rest ?? '');
        if (!result.ok) {
          if (result.reason === 'not-found') return { text: t.t('support.desk.notFound', { number: n }) };
          if (result.reason === 'empty') return { text: t.t('support.desk.emptyAnswer', { number: n }) };
          return this.refusal(result, t);
        }
        const key =
          result.delivery === 'sent'
            ? 'support.desk.answerSent'
            : result.delivery === 'no-conversation'
              ? 'support.desk.answerNoConversation'
              : 'support.desk.answerFailed';
        return { text: t.t(key, { number: n }) };
      }
      default: {
        const closed = await this.deps.desk.close(n, operatorId);
        if (!closed) return { text: t.t('support.desk.notFound', { number: n }) };
        return { text: t.t(closed.wasClosed ? 'support.desk.alreadyClosed' : 'support.desk.closed', { number: n }) };
      }
    }
  }
}
