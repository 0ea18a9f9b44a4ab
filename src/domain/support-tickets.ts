/**
 * Support tickets (issue 13, part 3): what a ticket is, how its state moves, and the statistics kept on it. Pure:
 * the store keeps tickets and their messages, the desk (src/support/support-desk.ts) applies these rules.
 *
 * Ticket text is support data: stored because answering it is the point, never logged, deleted with the tenant's
 * data (`npm run tenant:erase`, src/store/tenant-facets.ts).
 */

export const TICKET_CATEGORIES = ['technical', 'billing', 'account'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

export const TICKET_PRIORITIES = ['low', 'normal', 'high'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/**
 * `open`: waiting for the publisher (new, or the user wrote last); `answered`: an operator wrote last, waiting for
 * the user; `closed`: resolved by an operator. A user's reply to a closed ticket opens it again.
 */
export const TICKET_STATUSES = ['open', 'answered', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export type TicketAuthor = 'user' | 'operator';

/** The longest subject kept; a longer first line is cut (the whole text stays in the first message). */
export const MAX_SUBJECT_CHARS = 120;
/** The longest message accepted (a ticket is not a file transfer). */
export const MAX_TICKET_TEXT_CHARS = 4000;

export const isTicketCategory = (v: unknown): v is TicketCategory =>
  typeof v === 'string' && (TICKET_CATEGORIES as readonly string[]).includes(v);
export const isTicketPriority = (v: unknown): v is TicketPriority =>
  typeof v === 'string' && (TICKET_PRIORITIES as readonly string[]).includes(v);
export const isTicketStatus = (v: unknown): v is TicketStatus =>
  typeof v === 'string' && (TICKET_STATUSES as readonly string[]).includes(v);

export interface Ticket {
  /** The ticket's number, unique across tenants: what users and operators type (`ticket 12`). */
  number: number;
  tenantId: string;
  /** The user who opened it (Entra object id): answers are delivered to their personal chat with the bot. */
  openedBy: string;
  openedByName?: string;
  /** The tenant's subscription when it was opened, if any (an unsubscribed tenant may ask for help too). */
  subscriptionId?: string;
  subject: string;
  category: TicketCategory;
  priority: TicketPriority;
  status: TicketStatus;
  /** The operator who took it. */
  assignee?: string;
  createdAt: Date;
  updatedAt: Date;
  /** When an operator first answered: time to first answer = firstAnsweredAt − createdAt. */
  firstAnsweredAt?: Date;
  /** When it was (last) closed: time to resolution = closedAt − createdAt. */
  closedAt?: Date;
  closedBy?: string;
  messageCount: number;
}

/** How an operator's answer reached the user (`no-conversation`: recorded, but the bot has no chat with them). */
export type TicketDelivery = 'sent' | 'no-conversation' | 'failed';

export interface TicketMessage {
  id: number;
  ticketNumber: number;
  author: TicketAuthor;
  authorId: string;
  authorName?: string;
  text: string;
  at: Date;
  /** Operator messages only: what became of the proactive delivery. */
  delivery?: TicketDelivery;
}

export interface NewTicket {
  tenantId: string;
  openedBy: string;
  openedByName?: string;
  subscriptionId?: string;
  subject: string;
  category: TicketCategory;
  priority: TicketPriority;
  /** The first message: the user's request. */
  text: string;
  at: Date;
}

/** A ticket's status after a message: an operator's answer waits for the user, a user's message for the publisher. */
export function statusAfterMessage(author: TicketAuthor): TicketStatus {
  return author === 'operator' ? 'answered' : 'open';
}

/** The subject a ticket gets from free text (`support <text>`): its first line, cut at MAX_SUBJECT_CHARS. */
export function subjectOf(text: string): string {
  const firstLine = text.trim().split(/\r?\n/)[0]!.trim().replace(/\s+/g, ' ');
  return firstLine.length <= MAX_SUBJECT_CHARS ? firstLine : `${firstLine.slice(0, MAX_SUBJECT_CHARS - 1)}…`;
}

export type TextCheck = { ok: true; text: string } | { ok: false; reason: 'empty' | 'too-long' };

/** A message as kept: trimmed, not empty, at most MAX_TICKET_TEXT_CHARS. */
export function checkTicketText(text: unknown): TextCheck {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (!trimmed) return { ok: false, reason: 'empty' };
  if (trimmed.length > MAX_TICKET_TEXT_CHARS) return { ok: false, reason: 'too-long' };
  return { ok: true, text: trimmed };
}

/** Response times of tickets opened in a window, for the publisher's statistics. */
export interface TicketStatistics {
  opened: number;
  /** Still open or answered (not closed). */
  unresolved: number;
  answered: number;
  closed: number;
  /** Milliseconds; absent when no ticket of the window was answered (or closed). */
  medianFirstAnswerMs?: number;
  averageFirstAnswerMs?: number;
  medianResolutionMs?: number;
  averageResolutionMs?: number;
}

/** The statistics of tickets (those opened in the window the store read). */
export function ticketStatistics(
  tickets: readonly Pick<Ticket, 'createdAt' | 'firstAnsweredAt' | 'closedAt' | 'status'>[],
): TicketStatistics {
  const firstAnswer = tickets.flatMap((t) => (t.firstAnsweredAt ? [t.firstAnsweredAt.getTime() - t.createdAt.getTime()] : []));
  const resolution = tickets.flatMap((t) =>
    t.status === 'closed' && t.closedAt ? [t.closedAt.getTime() - t.createdAt.getTime()] : [],
  );
  return {
    opened: tickets.length,
    unresolved: tickets.filter((t) => t.status !== 'closed').length,
    answered: firstAnswer.length,
    closed: resolution.length,
    ...spread('FirstAnswerMs', firstAnswer),
    ...spread('ResolutionMs', resolution),
  };
}

function spread<K extends 'FirstAnswerMs' | 'ResolutionMs'>(suffix: K, values: number[]) {
  if (!values.length) return {};
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
  const average = Math.round(values.reduce((s, v) => s + v, 0) / values.length);
  return { [`median${suffix}`]: median, [`average${suffix}`]: average } as Partial<TicketStatistics>;
}

/** Who may see and add to a ticket in Teams: the user who opened it and their tenant's admins; never another tenant. */
export function canSeeTicket(
  ticket: Pick<Ticket, 'tenantId' | 'openedBy'>,
  viewer: { tenantId: string; userId: string; isAdmin: boolean },
): boolean {
  return ticket.tenantId === viewer.tenantId && (viewer.isAdmin || ticket.openedBy === viewer.userId);
}
