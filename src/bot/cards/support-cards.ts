import {
  TICKET_CATEGORIES,
  TICKET_PRIORITIES,
  type Ticket,
  type TicketMessage,
  type TicketStatistics,
} from '../../domain/support-tickets';
import { translator, type Translator } from '../../i18n/translator';
import type { TicketNotices } from '../../support/support-desk';
import type { TicketDetail, TicketPage } from '../../store/ticket-repo';
import { adaptiveCard, facts, note, paragraph, title, type AdaptiveCard, type CardElement } from './adaptive-card';

/**
 * Cards of support tickets, in the reader's language. Forms use Action.Submit: Teams posts the inputs back as a
 * message activity whose `value` carries them with the action's data (`support: 'open' | 'reply'`), read by
 * `parseSupportSubmit` (src/bot/commands/support-commands.ts).
 */

const label = (t: Translator, ticket: Pick<Ticket, 'status' | 'category' | 'priority'>) => ({
  status: t.t(`support.status.${ticket.status}`),
  category: t.t(`support.category.${ticket.category}`),
  priority: t.t(`support.priority.${ticket.priority}`),
});

const choices = (t: Translator, kind: 'category' | 'priority', values: readonly string[]) =>
  values.map((v) => ({ title: t.t(`support.${kind}.${v}` as Parameters<Translator['t']>[0]), value: v }));

/** `support` alone: subject, details, category and priority, then "Send to support". */
export function supportFormCard(t: Translator): AdaptiveCard {
  return adaptiveCard(
    [
      title(t.t('support.form.title')),
      paragraph(t.t('support.form.intro')),
      { type: 'Input.Text', id: 'subject', label: t.t('support.form.subject'), maxLength: 120, isRequired: true },
      { type: 'Input.Text', id: 'details', label: t.t('support.form.details'), isMultiline: true, maxLength: 4000, isRequired: true },
      {
        type: 'Input.ChoiceSet',
        id: 'category',
        label: t.t('support.form.category'),
        value: 'technical',
        choices: choices(t, 'category', TICKET_CATEGORIES),
      },
      {
        type: 'Input.ChoiceSet',
        id: 'priority',
        label: t.t('support.form.priority'),
        value: 'normal',
        choices: choices(t, 'priority', TICKET_PRIORITIES),
      },
    ],
    [{ type: 'Action.Submit', title: t.t('support.form.submit'), data: { support: 'open' } }],
  );
}

/** A reply box under a ticket: the typed text comes back with the ticket's number. */
function replyForm(t: Translator, ticketNumber: number): { body: CardElement[]; actions: CardElement[] } {
  return {
    body: [{ type: 'Input.Text', id: 'reply', placeholder: t.t('support.answer.replyPlaceholder'), isMultiline: true, maxLength: 4000 }],
    actions: [{ type: 'Action.Submit', title: t.t('support.answer.replySubmit'), data: { support: 'reply', ticket: ticketNumber } }],
  };
}

/** `tickets`: the tenant's (admins) or the user's own, most recently updated first. */
export function ticketListCard(t: Translator, page: TicketPage, scope: 'tenant' | 'own'): AdaptiveCard {
  const heading = title(t.t(scope === 'tenant' ? 'support.list.titleTenant' : 'support.list.titleOwn'));
  if (!page.tickets.length) return adaptiveCard([heading, paragraph(t.t('support.list.none'))]);
  const rows = page.tickets.map((ticket) => {
    const l = label(t, ticket);
    return [
      t.t('support.list.row', { number: ticket.number, subject: ticket.subject }),
      t.t('support.list.rowValue', { status: l.status, date: t.date(ticket.updatedAt) }),
    ] as const;
  });
  const more = page.total - page.tickets.length;
  return adaptiveCard([
    heading,
    facts(rows),
    ...(more > 0 ? [note(t.t('support.list.more', { count: more }))] : []),
    note(t.t('support.list.hint')),
  ]);
}

function messageBlocks(t: Translator, ticket: Ticket, messages: readonly TicketMessage[]): CardElement[] {
  return messages.flatMap((m) => [
    note(
      m.author === 'operator'
        ? t.t('support.detail.fromSupport', { date: t.date(m.at, { dateStyle: 'medium', timeStyle: 'short' }) })
        : t.t('support.detail.fromUser', {
            name: m.authorName ?? (m.authorId === ticket.openedBy ? (ticket.openedByName ?? m.authorId) : m.authorId),
            date: t.date(m.at, { dateStyle: 'medium', timeStyle: 'short' }),
          }),
    ),
    paragraph(m.text, { spacing: 'None' }),
  ]);
}

/** `ticket 12`: the ticket, its messages, and a reply box (closed tickets too: a reply opens them again). */
export function ticketDetailCard(t: Translator, detail: TicketDetail): AdaptiveCard {
  const { ticket, messages } = detail;
  const l = label(t, ticket);
  const reply = replyForm(t, ticket.number);
  return adaptiveCard(
    [
      title(t.t('support.detail.title', { number: ticket.number, subject: ticket.subject })),
      note(
        t.t('support.detail.meta', {
          category: l.category,
          priority: l.priority,
          status: l.status,
          date: t.date(ticket.createdAt),
          name: ticket.openedByName ?? ticket.openedBy,
        }),
      ),
      ...messageBlocks(t, ticket, messages),
      ...reply.body,
      note(t.t('support.detail.replyHint', { number: ticket.number })),
    ],
    reply.actions,
  );
}

/** An operator's answer, sent to the user's chat outside any turn, with a reply box. */
export function ticketAnswerCard(t: Translator, ticket: Ticket, answer: TicketMessage): AdaptiveCard {
  const reply = replyForm(t, ticket.number);
  return adaptiveCard(
    [
      title(t.t('support.answer.title', { number: ticket.number })),
      note(t.t('support.answer.subject', { subject: ticket.subject })),
      paragraph(answer.text),
      ...reply.body,
      note(t.t('support.answer.replyHint', { number: ticket.number })),
    ],
    reply.actions,
  );
}

/** `desk`, `desk all`, `desk mine`: tickets across tenants for the publisher's operators. */
export function deskListCard(t: Translator, page: TicketPage, heading: string): AdaptiveCard {
  const rows = page.tickets.map((ticket) => {
    const l = label(t, ticket);
    return [
      t.t('support.desk.row', { number: ticket.number, priority: l.priority, category: l.category, subject: ticket.subject }),
      t.t('support.desk.rowValue', {
        status: l.status,
        tenant: ticket.tenantId,
        date: t.date(ticket.updatedAt, { dateStyle: 'medium', timeStyle: 'short' }),
        assignee: ticket.assignee ?? 'none',
      }),
    ] as const;
  });
  const more = page.total - page.tickets.length;
  return adaptiveCard([
    title(heading),
    ...(rows.length ? [facts(rows)] : [paragraph(t.t('support.desk.none'))]),
    ...(more > 0 ? [note(t.t('support.list.more', { count: more }))] : []),
    note(t.t('support.desk.hint')),
  ]);
}

/** `desk 12`: the whole ticket for an operator (tenant, subscription, assignee, every message). */
export function deskDetailCard(t: Translator, detail: TicketDetail): AdaptiveCard {
  const { ticket, messages } = detail;
  const l = label(t, ticket);
  return adaptiveCard([
    title(t.t('support.detail.title', { number: ticket.number, subject: ticket.subject })),
    note(
      t.t('support.desk.detailMeta', {
        tenant: ticket.tenantId,
        subscription: ticket.subscriptionId ?? t.t('support.desk.noSubscription'),
        category: l.category,
        priority: l.priority,
        status: l.status,
        assignee: ticket.assignee ?? t.t('support.desk.nobody'),
      }),
    ),
    ...messageBlocks(t, ticket, messages),
    note(t.t('support.desk.hint')),
  ]);
}

function duration(t: Translator, ms: number | undefined): string {
  if (ms === undefined) return t.t('support.desk.statsNone');
  const minutes = Math.round(ms / 60_000);
  return t.t('support.desk.duration', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

/** `desk stats`: tickets opened in the window and their response times. */
export function deskStatsCard(t: Translator, stats: TicketStatistics, days: number): AdaptiveCard {
  return adaptiveCard([
    title(t.t('support.desk.statsTitle', { days })),
    facts([
      [t.t('support.desk.statsOpened'), t.number(stats.opened)],
      [t.t('support.desk.statsUnresolved'), t.number(stats.unresolved)],
      [
        t.t('support.desk.statsFirstAnswer'),
        `${duration(t, stats.medianFirstAnswerMs)} / ${duration(t, stats.averageFirstAnswerMs)}`,
      ],
      [
        t.t('support.desk.statsResolution'),
        `${duration(t, stats.medianResolutionMs)} / ${duration(t, stats.averageResolutionMs)}`,
      ],
    ]),
  ]);
}

/** What a ticket's user receives outside a turn, built in their language (the proactive messenger's recipient). */
export const ticketNotices: TicketNotices = {
  answer: (ticket, message) => (recipient) => ({ card: ticketAnswerCard(translator(recipient.locale), ticket, message) }),
  closed: (ticket) => (recipient) => ({
    text: translator(recipient.locale).t('support.closedNotice', { number: ticket.number, subject: ticket.subject }),
  }),
};
