import type Database from 'better-sqlite3';
import { statusAfterMessage, ticketStatistics } from '../../domain/support-tickets';
import type { TicketRepo } from '../ticket-repo';
import { pageOf, ticketWhere, toTicket, toTicketMessage, toTicketTimes } from '../ticket-rows';
import type { TicketMessageRow, TicketRow, TicketTimesRow } from '../ticket-rows';
import type { WriteBatcher } from './write-batcher';

/** Support tickets in the embedded store (see TicketRepo). Writes share the store's group commit. */
export function sqliteTickets(db: Database.Database, batcher: WriteBatcher): TicketRepo {
  const insertTicket = db.prepare(`INSERT INTO support_tickets
    (tenant_id, opened_by, opened_by_name, subscription_id, subject, category, priority, status, created_at, updated_at, message_count)
    VALUES (@tenantId, @openedBy, @openedByName, @subscriptionId, @subject, @category, @priority, 'open', @at, @at, 1)`);
  const insertMessage = db.prepare(`INSERT INTO support_ticket_messages
    (ticket_number, author, author_id, author_name, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`);
  const getTicket = db.prepare('SELECT * FROM support_tickets WHERE ticket_number = ?');
  const getMessage = db.prepare('SELECT * FROM support_ticket_messages WHERE id = ?');
  const messagesOf = db.prepare('SELECT * FROM support_ticket_messages WHERE ticket_number = ? ORDER BY id');
  // A user's message to a closed ticket opens it again (its resolution time is then that of its next close).
  const moveTicket = db.prepare(`UPDATE support_tickets SET
      status = @status, updated_at = @at, message_count = message_count + 1,
      first_answered_at = CASE WHEN @author = 'operator' AND first_answered_at IS NULL THEN @at ELSE first_answered_at END,
      closed_at = CASE WHEN status = 'closed' AND @author = 'user' THEN NULL ELSE closed_at END,
      closed_by = CASE WHEN status = 'closed' AND @author = 'user' THEN NULL ELSE closed_by END
    WHERE ticket_number = @number`);
  const setDelivery = db.prepare('UPDATE support_ticket_messages SET delivery = ? WHERE id = ?');
  const assign = db.prepare('UPDATE support_tickets SET assignee = ?, updated_at = ? WHERE ticket_number = ?');
  const close = db.prepare(`UPDATE support_tickets SET status = 'closed', closed_at = ?, closed_by = ?, updated_at = ?
    WHERE ticket_number = ? AND status <> 'closed'`);
  const createdIn = db.prepare(
    'SELECT created_at, first_answered_at, closed_at, status FROM support_tickets WHERE created_at >= ? AND created_at < ?',
  );

  const ticketAt = (n: number) => {
    const row = getTicket.get(n) as TicketRow | undefined;
    return row && toTicket(row);
  };

  return {
    async open(t) {
      return batcher.run(() => {
        const { lastInsertRowid } = insertTicket.run({
          tenantId: t.tenantId,
          openedBy: t.openedBy,
          openedByName: t.openedByName ?? null,
          subscriptionId: t.subscriptionId ?? null,
          subject: t.subject,
          category: t.category,
          priority: t.priority,
          at: t.at.getTime(),
        });
        const n = Number(lastInsertRowid);
        insertMessage.run(n, 'user', t.openedBy, t.openedByName ?? null, t.text, t.at.getTime());
        return ticketAt(n)!;
      });
    },
    get(n) {
      return Promise.resolve(ticketAt(n));
    },
    detail(n) {
      const ticket = ticketAt(n);
      return Promise.resolve(ticket && { ticket, messages: (messagesOf.all(n) as TicketMessageRow[]).map(toTicketMessage) });
    },
    list(filter = {}) {
      const { clause, values } = ticketWhere(filter);
      const { limit, offset } = pageOf(filter);
      const rows = db
        .prepare(`SELECT * FROM support_tickets ${clause} ORDER BY updated_at DESC, ticket_number DESC LIMIT @limit OFFSET @offset`)
        .all({ ...values, limit, offset }) as TicketRow[];
      const { total } = db.prepare(`SELECT COUNT(*) AS total FROM support_tickets ${clause}`).get(values) as { total: number };
      return Promise.resolve({ tickets: rows.map(toTicket), total });
    },
    async addMessage(m) {
      return batcher.run(() => {
        if (!getTicket.get(m.ticketNumber)) return undefined;
        const { lastInsertRowid } = insertMessage.run(
          m.ticketNumber,
          m.author,
          m.authorId,
          m.authorName ?? null,
          m.text,
          m.at.getTime(),
        );
        moveTicket.run({ status: statusAfterMessage(m.author), at: m.at.getTime(), author: m.author, number: m.ticketNumber });
        return {
          ticket: ticketAt(m.ticketNumber)!,
          message: toTicketMessage(getMessage.get(Number(lastInsertRowid)) as TicketMessageRow),
        };
      });
    },
    async setDelivery(id, delivery) {
      await batcher.run(() => setDelivery.run(delivery, id));
    },
    async assign(n, assignee, at) {
      return batcher.run(() => (assign.run(assignee, at.getTime(), n).changes ? ticketAt(n) : undefined));
    },
    async close(n, by, at) {
      return batcher.run(() => {
        close.run(at.getTime(), by, at.getTime(), n);
        return ticketAt(n);
      });
    },
    statistics(from, to) {
      const rows = createdIn.all(from.getTime(), to.getTime()) as TicketTimesRow[];
      return Promise.resolve(ticketStatistics(rows.map(toTicketTimes)));
    },
  };
}
