import {
  isTicketCategory,
  isTicketPriority,
  isTicketStatus,
  type Ticket,
  type TicketDelivery,
  type TicketMessage,
} from '../domain/support-tickets';
import { asDate, type Time } from './row-mapping';
import { DEFAULT_TICKET_PAGE, MAX_TICKET_PAGE, type TicketFilter } from './ticket-repo';

/** Rows of support_tickets and support_ticket_messages (same names in both stores), mapped once for both. */
export interface TicketRow {
  ticket_number: number;
  tenant_id: string;
  opened_by: string;
  opened_by_name: string | null;
  subscription_id: string | null;
  subject: string;
  category: string;
  priority: string;
  status: string;
  assignee: string | null;
  created_at: Time;
  updated_at: Time;
  first_answered_at: Time | null;
  closed_at: Time | null;
  closed_by: string | null;
  message_count: number;
}

export interface TicketMessageRow {
  id: number | string;
  ticket_number: number;
  author: string;
  author_id: string;
  author_name: string | null;
  body: string;
  delivery: string | null;
  created_at: Time;
}

export function toTicket(r: TicketRow): Ticket {
  return {
    number: Number(r.ticket_number),
    tenantId: r.tenant_id,
    openedBy: r.opened_by,
    ...(r.opened_by_name !== null ? { openedByName: r.opened_by_name } : {}),
    ...(r.subscription_id !== null ? { subscriptionId: r.subscription_id } : {}),
    subject: r.subject,
    category: isTicketCategory(r.category) ? r.category : 'technical',
    priority: isTicketPriority(r.priority) ? r.priority : 'normal',
    status: isTicketStatus(r.status) ? r.status : 'open',
    ...(r.assignee !== null ? { assignee: r.assignee } : {}),
    createdAt: asDate(r.created_at),
    updatedAt: asDate(r.updated_at),
    ...(r.first_answered_at !== null ? { firstAnsweredAt: asDate(r.first_answered_at) } : {}),
    ...(r.closed_at !== null ? { closedAt: asDate(r.closed_at) } : {}),
    ...(r.closed_by !== null ? { closedBy: r.closed_by } : {}),
    messageCount: Number(r.message_count),
  };
}

/** The columns response-time statistics read. */
export type TicketTimesRow = Pick<TicketRow, 'created_at' | 'first_answered_at' | 'closed_at' | 'status'>;

/** What `ticketStatistics` (src/domain/support-tickets.ts) needs of a ticket. */
export function toTicketTimes(r: TicketTimesRow): Pick<Ticket, 'createdAt' | 'firstAnsweredAt' | 'closedAt' | 'status'> {
  return {
    createdAt: asDate(r.created_at),
    status: r.status === 'closed' ? 'closed' : 'open',
    ...(r.first_answered_at !== null ? { firstAnsweredAt: asDate(r.first_answered_at) } : {}),
    ...(r.closed_at !== null ? { closedAt: asDate(r.closed_at) } : {}),
  };
}

const DELIVERIES: readonly string[] = ['sent', 'no-conversation', 'failed'] satisfies TicketDelivery[];

export function toTicketMessage(r: TicketMessageRow): TicketMessage {
  return {
    id: Number(r.id),
    ticketNumber: Number(r.ticket_number),
    author: r.author === 'operator' ? 'operator' : 'user',
    authorId: r.author_id,
    ...(r.author_name !== null ? { authorName: r.author_name } : {}),
    text: r.body,
    at: asDate(r.created_at),
    ...(r.delivery !== null && DELIVERIES.includes(r.delivery) ? { delivery: r.delivery as TicketDelivery } : {}),
  };
}

/** The page a filter asks for, bounded. */
export function pageOf(filter: TicketFilter): { limit: number; offset: number } {
  const limit = Math.min(MAX_TICKET_PAGE, Math.max(1, Math.floor(filter.limit ?? DEFAULT_TICKET_PAGE)));
  const offset = Math.max(0, Math.floor(filter.offset ?? 0));
  return { limit, offset };
}

/**
 * The WHERE clause of a filter and its values by name (`@tenant` in T-SQL, `@tenant` in SQLite too: better-sqlite3
 * takes named parameters as `@name`).
 */
export function ticketWhere(filter: TicketFilter): { clause: string; values: Record<string, string> } {
  const parts: string[] = [];
  const values: Record<string, string> = {};
  const eq = (column: string, name: string, value: string | undefined) => {
    if (value === undefined) return;
    parts.push(`${column} = @${name}`);
    values[name] = value;
  };
  eq('tenant_id', 'tenant', filter.tenantId);
  eq('opened_by', 'openedBy', filter.openedBy);
  eq('assignee', 'assignee', filter.assignee);
  eq('category', 'category', filter.category);
  eq('priority', 'priority', filter.priority);
  if (filter.status === 'unresolved') parts.push(`status <> 'closed'`);
  else eq('status', 'status', filter.status);
  return { clause: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values };
}
