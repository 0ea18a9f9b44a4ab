import { statusAfterMessage, ticketStatistics } from '../../domain/support-tickets';
import type { TicketRepo } from '../ticket-repo';
import { pageOf, ticketWhere, toTicket, toTicketMessage, toTicketTimes } from '../ticket-rows';
import type { TicketMessageRow, TicketRow, TicketTimesRow } from '../ticket-rows';
import { param, type MssqlDatabase, type Queryable, type SqlParams } from './mssql-database';

/** Support tickets in Azure SQL (as sqlite-tickets.ts). Each write is one transaction. */
export function mssqlTickets(db: MssqlDatabase): TicketRepo {
  const s = db.s;
  const ticketAt = async (q: Queryable, n: number) => {
    const { rows } = await q.query<TicketRow>(`SELECT * FROM ${s}.support_tickets WHERE ticket_number = @n`, { n: param.int(n) });
    return rows[0] && toTicket(rows[0]);
  };
  const filterParams = (values: Record<string, string>): SqlParams =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, param.text(v)]));

  return {
    async open(t) {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<{ ticket_number: number }>(
          `INSERT INTO ${s}.support_tickets
            (tenant_id, opened_by, opened_by_name, subscription_id, subject, category, priority, status, created_at,
             updated_at, message_count)
          OUTPUT INSERTED.ticket_number
          VALUES (@tenant, @openedBy, @openedByName, @subscription, @subject, @category, @priority, N'open', @at, @at, 1)`,
          {
            tenant: param.text(t.tenantId),
            openedBy: param.text(t.openedBy),
            openedByName: param.text(t.openedByName),
            subscription: param.text(t.subscriptionId),
            subject: param.text(t.subject),
            category: param.text(t.category),
            priority: param.text(t.priority),
            at: param.time(t.at),
          },
        );
        const n = Number(rows[0]!.ticket_number);
        await tx.query(
          `INSERT INTO ${s}.support_ticket_messages (ticket_number, author, author_id, author_name, body, created_at)
          VALUES (@n, N'user', @author, @name, @body, @at)`,
          {
            n: param.int(n),
            author: param.text(t.openedBy),
            name: param.text(t.openedByName),
            body: param.longText(t.text),
            at: param.time(t.at),
          },
        );
        return (await ticketAt(tx, n))!;
      });
    },
    async get(n) {
      return ticketAt(db, n);
    },
    async detail(n) {
      const ticket = await ticketAt(db, n);
      if (!ticket) return undefined;
      const { rows } = await db.query<TicketMessageRow>(
        `SELECT * FROM ${s}.support_ticket_messages WHERE ticket_number = @n ORDER BY id`,
        { n: param.int(n) },
      );
      return { ticket, messages: rows.map(toTicketMessage) };
    },
    async list(filter = {}) {
      const { clause, values } = ticketWhere(filter);
      const { limit, offset } = pageOf(filter);
      const params = filterParams(values);
      const { rows } = await db.query<TicketRow>(
        `SELECT * FROM ${s}.support_tickets ${clause}
        ORDER BY updated_at DESC, ticket_number DESC OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY`,
        { ...params, offset: param.int(offset), limit: param.int(limit) },
      );
      const count = await db.query<{ total: number }>(`SELECT COUNT(*) AS total FROM ${s}.support_tickets ${clause}`, params);
      return { tickets: rows.map(toTicket), total: Number(count.rows[0]?.total ?? 0) };
    },
    async addMessage(m) {
      return db.transaction(async (tx) => {
        // UPDLOCK: concurrent messages to one ticket take turns, so the counters and times stay exact.
        const { rows } = await tx.query(
          `SELECT ticket_number FROM ${s}.support_tickets WITH (UPDLOCK, HOLDLOCK) WHERE ticket_number = @n`,
          { n: param.int(m.ticketNumber) },
        );
        if (!rows.length) return undefined;
        const inserted = await tx.query<TicketMessageRow>(
          `INSERT INTO ${s}.support_ticket_messages (ticket_number, author, author_id, author_name, body, created_at)
          OUTPUT INSERTED.*
          VALUES (@n, @author, @authorId, @name, @body, @at)`,
          {
            n: param.int(m.ticketNumber),
            author: param.text(m.author),
            authorId: param.text(m.authorId),
            name: param.text(m.authorName),
            body: param.longText(m.text),
            at: param.time(m.at),
          },
        );
        await tx.query(
          `UPDATE ${s}.support_tickets SET
            status = @status, updated_at = @at, message_count = message_count + 1,
            first_answered_at = CASE WHEN @author = N'operator' AND first_answered_at IS NULL THEN @at ELSE first_answered_at END,
            closed_at = CASE WHEN status = N'closed' AND @author = N'user' THEN NULL ELSE closed_at END,
            closed_by = CASE WHEN status = N'closed' AND @author = N'user' THEN NULL ELSE closed_by END
          WHERE ticket_number = @n`,
          {
            status: param.text(statusAfterMessage(m.author)),
            at: param.time(m.at),
            author: param.text(m.author),
            n: param.int(m.ticketNumber),
          },
        );
        return { ticket: (await ticketAt(tx, m.ticketNumber))!, message: toTicketMessage(inserted.rows[0]!) };
      });
    },
    async setDelivery(id, delivery) {
      await db.query(`UPDATE ${s}.support_ticket_messages SET delivery = @delivery WHERE id = @id`, {
        delivery: param.text(delivery),
        id: param.bigint(id),
      });
    },
    async assign(n, assignee, at) {
      const { rowsAffected } = await db.query(
        `UPDATE ${s}.support_tickets SET assignee = @assignee, updated_at = @at WHERE ticket_number = @n`,
        { assignee: param.text(assignee), at: param.time(at), n: param.int(n) },
      );
      return rowsAffected[0] ? ticketAt(db, n) : undefined;
    },
    async close(n, by, at) {
      await db.query(
        `UPDATE ${s}.support_tickets SET status = N'closed', closed_at = @at, closed_by = @by, updated_at = @at
        WHERE ticket_number = @n AND status <> N'closed'`,
        { at: param.time(at), by: param.text(by), n: param.int(n) },
      );
      return ticketAt(db, n);
    },
    async statistics(from, to) {
      const { rows } = await db.query<TicketTimesRow>(
        `SELECT created_at, first_answered_at, closed_at, status FROM ${s}.support_tickets
        WHERE created_at >= @from AND created_at < @to`,
        { from: param.time(from), to: param.time(to) },
      );
      return ticketStatistics(rows.map(toTicketTimes));
    },
  };
}
