import type { Clock } from '../domain/clock';
import {
  checkTicketText,
  type NewTicket,
  type Ticket,
  type TicketDelivery,
  type TicketMessage,
  type TicketStatistics,
} from '../domain/support-tickets';
import type { Logger } from '../logger';
import type { MessageFor, ProactiveMessenger } from '../bot/proactive/proactive-messenger';
import type { Store } from '../store/store';
import type { TicketDetail, TicketFilter, TicketPage } from '../store/ticket-repo';

/** Builds the messages a ticket's user receives outside a turn (an answer, a closing), per their language. */
export interface TicketNotices {
  answer(ticket: Ticket, message: TicketMessage): MessageFor;
  closed(ticket: Ticket): MessageFor;
}

export type TextRefusal = { ok: false; reason: 'empty' | 'too-long' };

/**
 * The support desk: what users and operators do with tickets, whether from Teams (src/bot/commands/support-commands.ts)
 * or from the operators' web console. SDK-free. Access rules are the callers' (Teams: `canSeeTicket`; the console:
 * its operator sign-in): the desk acts on ticket numbers it is given.
 *
 * Ticket text is support data: stored, never logged. Log lines carry the ticket number, tenant and user ids only.
 */
export class SupportDesk {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      /** Delivers answers to the user's personal chat with the bot (the lead wires the real one). */
      messenger: ProactiveMessenger;
      notices: TicketNotices;
      logger: Logger;
    },
  ) {}

  /** Opens a ticket; its text is checked first (not empty, not too long). */
  async open(input: Omit<NewTicket, 'at'>): Promise<{ ok: true; ticket: Ticket } | TextRefusal> {
    const text = checkTicketText(input.text);
    if (!text.ok) return text;
    const ticket = await this.deps.store.tickets.open({ ...input, text: text.text, at: this.deps.clock.now() });
    this.deps.logger.info(
      { ticket: ticket.number, tenantId: ticket.tenantId, userId: ticket.openedBy, category: ticket.category, priority: ticket.priority },
      'support ticket opened',
    );
    return { ok: true, ticket };
  }

  /** A user's message joins the ticket (and opens it again when it was closed). */
  async reply(
    ticketNumber: number,
    author: { userId: string; userName?: string },
    rawText: string,
  ): Promise<{ ok: true; ticket: Ticket; reopened: boolean } | TextRefusal | { ok: false; reason: 'not-found' }> {
    const text = checkTicketText(rawText);
    if (!text.ok) return text;
    const before = await this.deps.store.tickets.get(ticketNumber);
    const added = await this.deps.store.tickets.addMessage({
      ticketNumber,
      author: 'user',
      authorId: author.userId,
      ...(author.userName ? { authorName: author.userName } : {}),
      text: text.text,
      at: this.deps.clock.now(),
    });
    if (!added) return { ok: false, reason: 'not-found' };
    this.deps.logger.info({ ticket: ticketNumber, tenantId: added.ticket.tenantId, userId: author.userId }, 'support ticket reply');
    return { ok: true, ticket: added.ticket, reopened: before?.status === 'closed' };
  }

  /**
   * An operator's answer: recorded first (so it is never lost), then delivered to the user who opened the ticket,
   * in their personal chat, through the proactive messenger; what became of the delivery is recorded on the message.
   */
  async answer(
    ticketNumber: number,
    operator: { userId: string; userName?: string },
    rawText: string,
  ): Promise<{ ok: true; ticket: Ticket; delivery: TicketDelivery } | TextRefusal | { ok: false; reason: 'not-found' }> {
    const text = checkTicketText(rawText);
    if (!text.ok) return text;
    const added = await this.deps.store.tickets.addMessage({
      ticketNumber,
      author: 'operator',
      authorId: operator.userId,
      ...(operator.userName ? { authorName: operator.userName } : {}),
      text: text.text,
      at: this.deps.clock.now(),
    });
    if (!added) return { ok: false, reason: 'not-found' };
    const { ticket, message } = added;
    const delivery = await this.deliver(ticket, 'answer', this.deps.notices.answer(ticket, message));
    await this.deps.store.tickets.setDelivery(message.id, delivery);
    return { ok: true, ticket, delivery };
  }

  async assign(ticketNumber: number, assignee: string | null): Promise<Ticket | undefined> {
    return this.deps.store.tickets.assign(ticketNumber, assignee, this.deps.clock.now());
  }

  /** Closes the ticket and tells its user (best effort: the ticket is closed whatever the delivery). */
  async close(ticketNumber: number, by: string): Promise<{ ticket: Ticket; wasClosed: boolean } | undefined> {
    const before = await this.deps.store.tickets.get(ticketNumber);
    if (!before) return undefined;
    if (before.status === 'closed') return { ticket: before, wasClosed: true };
    const ticket = await this.deps.store.tickets.close(ticketNumber, by, this.deps.clock.now());
    if (!ticket) return undefined;
    await this.deliver(ticket, 'closing', this.deps.notices.closed(ticket));
    return { ticket, wasClosed: false };
  }

  get(ticketNumber: number): Promise<Ticket | undefined> {
    return this.deps.store.tickets.get(ticketNumber);
  }

  /** The console's and the desk's list: filter and page (TicketFilter). */
  list(filter: TicketFilter = {}): Promise<TicketPage> {
    return this.deps.store.tickets.list(filter);
  }

  /** A ticket with all its messages. */
  detail(ticketNumber: number): Promise<TicketDetail | undefined> {
    return this.deps.store.tickets.detail(ticketNumber);
  }

  /** Response times of the tickets opened in [from, to). */
  statistics(from: Date, to: Date): Promise<TicketStatistics> {
    return this.deps.store.tickets.statistics(from, to);
  }

  private async deliver(ticket: Ticket, what: 'answer' | 'closing', message: MessageFor): Promise<TicketDelivery> {
    const ids = { ticket: ticket.number, tenantId: ticket.tenantId, userId: ticket.openedBy, what };
    try {
      const outcome = await this.deps.messenger.toUser(ticket.tenantId, ticket.openedBy, message);
      this.deps.logger.info({ ...ids, outcome }, 'support message to the user');
      return outcome;
    } catch (thrown) {
      this.deps.logger.warn({ ...ids, err: thrown }, 'support message to the user failed');
      return 'failed';
    }
  }
}
