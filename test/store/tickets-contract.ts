import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewTicket } from '../../src/domain/support-tickets';
import type { Store } from '../../src/store/store';

const T0 = new Date('2026-03-10T09:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function newTicket(fields: Partial<NewTicket> = {}): NewTicket {
  return {
    tenantId: 'tenant-a',
    openedBy: 'user-1',
    openedByName: 'Ada',
    subscriptionId: 'sub-a',
    subject: 'Cannot see my usage',
    category: 'technical',
    priority: 'normal',
    text: 'Cannot see my usage\nThe card is empty since Monday.',
    at: T0,
    ...fields,
  };
}

/** The tickets facet (issue 13): every store passes the same cases. */
export function describeTicketContract(name: string, open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>): void {
  describe(`Ticket store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(() => cleanup());

    it('opens a ticket with its first message and numbers tickets in order', async () => {
      const first = await store.tickets.open(newTicket());
      const withoutSubscription: Partial<NewTicket> = newTicket({ tenantId: 'tenant-b', openedBy: 'user-9' });
      delete withoutSubscription.subscriptionId;
      const second = await store.tickets.open(withoutSubscription as NewTicket);
      expect(second.number).toBeGreaterThan(first.number);
      expect(first).toEqual({
        number: first.number,
        tenantId: 'tenant-a',
        openedBy: 'user-1',
        openedByName: 'Ada',
        subscriptionId: 'sub-a',
        subject: 'Cannot see my usage',
        category: 'technical',
        priority: 'normal',
        status: 'open',
        createdAt: T0,
        updatedAt: T0,
        messageCount: 1,
      });
      expect(second.subscriptionId).toBeUndefined();
      const detail = await store.tickets.detail(first.number);
      expect(detail?.messages).toEqual([
        {
          id: expect.any(Number) as number,
          ticketNumber: first.number,
          author: 'user',
          authorId: 'user-1',
          authorName: 'Ada',
          text: 'Cannot see my usage\nThe card is empty since Monday.',
          at: T0,
        },
      ]);
      expect(await store.tickets.get(999_999)).toBeUndefined();
      expect(await store.tickets.detail(999_999)).toBeUndefined();
    });

    it('moves a ticket with its messages: first answer kept once, closed, reopened by the user', async () => {
      const t = await store.tickets.open(newTicket());
      const answer = await store.tickets.addMessage({
        ticketNumber: t.number,
        author: 'operator',
        authorId: 'op-1',
        text: 'Please try again now.',
        at: at(30),
      });
      expect(answer?.ticket).toMatchObject({ status: 'answered', firstAnsweredAt: at(30), messageCount: 2, updatedAt: at(30) });
      await store.tickets.setDelivery(answer!.message.id, 'sent');
      await store.tickets.addMessage({ ticketNumber: t.number, author: 'user', authorId: 'user-1', text: 'Still empty.', at: at(40) });
      const second = await store.tickets.addMessage({
        ticketNumber: t.number,
        author: 'operator',
        authorId: 'op-1',
        text: 'Fixed.',
        at: at(50),
      });
      expect(second?.ticket).toMatchObject({ status: 'answered', firstAnsweredAt: at(30) });
      expect(await store.tickets.assign(t.number, 'op-2', at(55))).toMatchObject({ assignee: 'op-2' });
      const closed = await store.tickets.close(t.number, 'op-2', at(60));
      expect(closed).toMatchObject({ status: 'closed', closedAt: at(60), closedBy: 'op-2' });
      // Closing again changes nothing.
      expect(await store.tickets.close(t.number, 'op-1', at(70))).toMatchObject({ closedAt: at(60), closedBy: 'op-2' });
      const reopened = await store.tickets.addMessage({
        ticketNumber: t.number,
        author: 'user',
        authorId: 'user-1',
        text: 'It broke again.',
        at: at(80),
      });
      expect(reopened?.ticket.status).toBe('open');
      expect(reopened?.ticket.closedAt).toBeUndefined();
      const detail = await store.tickets.detail(t.number);
      expect(detail?.messages.map((m) => [m.author, m.text, m.delivery])).toEqual([
        ['user', 'Cannot see my usage\nThe card is empty since Monday.', undefined],
        ['operator', 'Please try again now.', 'sent'],
        ['user', 'Still empty.', undefined],
        ['operator', 'Fixed.', undefined],
        ['user', 'It broke again.', undefined],
      ]);
      expect(detail?.ticket.messageCount).toBe(5);
      expect(await store.tickets.addMessage({ ticketNumber: 999_999, author: 'user', authorId: 'x', text: 'y', at: T0 })).toBeUndefined();
      expect(await store.tickets.assign(999_999, 'op', T0)).toBeUndefined();
      expect(await store.tickets.close(999_999, 'op', T0)).toBeUndefined();
    });

    it('lists by tenant, user, status and assignee, newest activity first, in pages with a total', async () => {
      const a1 = await store.tickets.open(newTicket({ at: at(1) }));
      const a2 = await store.tickets.open(newTicket({ openedBy: 'user-2', at: at(2), category: 'billing', priority: 'high' }));
      const b1 = await store.tickets.open(newTicket({ tenantId: 'tenant-b', openedBy: 'user-9', at: at(3) }));
      await store.tickets.close(a1.number, 'op', at(4));
      await store.tickets.assign(a2.number, 'op-1', at(5));
      const numbers = async (filter: Parameters<Store['tickets']['list']>[0]) =>
        (await store.tickets.list(filter)).tickets.map((t) => t.number);
      expect(await numbers({})).toEqual([a2.number, a1.number, b1.number]);
      expect(await numbers({ tenantId: 'tenant-a' })).toEqual([a2.number, a1.number]);
      expect(await numbers({ tenantId: 'tenant-a', openedBy: 'user-1' })).toEqual([a1.number]);
      expect(await numbers({ status: 'unresolved' })).toEqual([a2.number, b1.number]);
      expect(await numbers({ status: 'closed' })).toEqual([a1.number]);
      expect(await numbers({ assignee: 'op-1' })).toEqual([a2.number]);
      expect(await numbers({ category: 'billing', priority: 'high' })).toEqual([a2.number]);
      const page = await store.tickets.list({ limit: 2, offset: 2 });
      expect(page).toMatchObject({ total: 3 });
      expect(page.tickets.map((t) => t.number)).toEqual([b1.number]);
    });

    it('keeps time to first answer and to resolution for statistics', async () => {
      const fast = await store.tickets.open(newTicket({ at: at(0) }));
      const slow = await store.tickets.open(newTicket({ at: at(0) }));
      await store.tickets.open(newTicket({ at: at(0) }));
      await store.tickets.open(newTicket({ at: at(-24 * 60) })); // before the window
      await store.tickets.addMessage({ ticketNumber: fast.number, author: 'operator', authorId: 'op', text: 'a', at: at(10) });
      await store.tickets.addMessage({ ticketNumber: slow.number, author: 'operator', authorId: 'op', text: 'a', at: at(30) });
      await store.tickets.close(fast.number, 'op', at(60));
      const stats = await store.tickets.statistics(at(-60), at(24 * 60));
      expect(stats).toEqual({
        opened: 3,
        unresolved: 2,
        answered: 2,
        closed: 1,
        medianFirstAnswerMs: 20 * 60_000,
        averageFirstAnswerMs: 20 * 60_000,
        medianResolutionMs: 60 * 60_000,
        averageResolutionMs: 60 * 60_000,
      });
    });

    it("deletes a tenant's tickets and their messages, and only that tenant's", async () => {
      const a = await store.tickets.open(newTicket());
      await store.tickets.addMessage({ ticketNumber: a.number, author: 'operator', authorId: 'op', text: 'hi', at: at(1) });
      const b = await store.tickets.open(newTicket({ tenantId: 'tenant-b', openedBy: 'user-9' }));
      expect(await store.tenantData.erase('tenant-a')).toMatchObject({ support_tickets: 1, support_ticket_messages: 2 });
      expect(await store.tickets.detail(a.number)).toBeUndefined();
      expect((await store.tickets.list({})).tickets.map((t) => t.number)).toEqual([b.number]);
      expect(await store.tenantData.erase('tenant-a')).toMatchObject({ support_tickets: 0, support_ticket_messages: 0 });
      // Numbers are never given again.
      const next = await store.tickets.open(newTicket());
      expect(next.number).toBeGreaterThan(b.number);
    });
  });
}
