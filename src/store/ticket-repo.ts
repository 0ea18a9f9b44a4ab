import type {
  NewTicket,
  Ticket,
  TicketCategory,
  TicketDelivery,
  TicketMessage,
  TicketPriority,
  TicketStatistics,
  TicketStatus,
} from '../domain/support-tickets';

/** Which tickets a list shows. Every field narrows; none = every ticket (operators). */
export interface TicketFilter {
  tenantId?: string;
  /** Only the tickets this user opened (users who are not their tenant's admins). */
  openedBy?: string;
  /** A status, or `unresolved` for open and answered ones. */
  status?: TicketStatus | 'unresolved';
  assignee?: string;
  category?: TicketCategory;
  priority?: TicketPriority;
  /** Page size. @defaultValue 20, at most 200 */
  limit?: number;
  /** Tickets skipped (paging). @defaultValue 0 */
  offset?: number;
}

/** One page of tickets, most recently updated first, and how many match the filter in all. */
export interface TicketPage {
  tickets: Ticket[];
  total: number;
}

export interface TicketDetail {
  ticket: Ticket;
  /** Oldest first. */
  messages: TicketMessage[];
}

/** A message to add: what is stored of it, before it has an id or a delivery. */
export type NewTicketMessage = Omit<TicketMessage, 'id' | 'delivery'>;

export const DEFAULT_TICKET_PAGE = 20;
export const MAX_TICKET_PAGE = 200;

/**
 * Support tickets and their messages (src/domain/support-tickets.ts). The messages are support data: stored, never
 * logged, deleted with the tenant's data. Each write is one transaction.
 */
export interface TicketRepo {
  /** Opens a ticket with its first message (the user's request); the store gives it its number. */
  open(ticket: NewTicket): Promise<Ticket>;
  get(ticketNumber: number): Promise<Ticket | undefined>;
  /** The ticket and all its messages (the operator console's detail view). */
  detail(ticketNumber: number): Promise<TicketDetail | undefined>;
  list(filter?: TicketFilter): Promise<TicketPage>;
  /**
   * Adds a message and moves the ticket (src/domain/support-tickets.ts `statusAfterMessage`): an operator's first
   * answer sets `firstAnsweredAt` once; a user's message to a closed ticket opens it again. Undefined: no such ticket.
   */
  addMessage(message: NewTicketMessage): Promise<{ ticket: Ticket; message: TicketMessage } | undefined>;
  /** Records what became of an operator message's proactive delivery. */
  setDelivery(messageId: number, delivery: TicketDelivery): Promise<void>;
  /** Gives the ticket to an operator (`null`: to nobody). Undefined: no such ticket. */
  assign(ticketNumber: number, assignee: string | null, at: Date): Promise<Ticket | undefined>;
  /** Closes it (resolution time = `at`); a closed ticket stays as it was. Undefined: no such ticket. */
  close(ticketNumber: number, by: string, at: Date): Promise<Ticket | undefined>;
  /** Response times of the tickets opened in [from, to). */
  statistics(from: Date, to: Date): Promise<TicketStatistics>;
}
