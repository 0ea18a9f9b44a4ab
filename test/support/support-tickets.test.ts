import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import type { MessageFor, ProactiveMessenger, ProactiveOutcome } from '../../src/bot/proactive/proactive-messenger';
import { createLogger } from '../../src/logger';
import { messageActivity, postActivity, replyText, type ReplyActivity } from '../helpers/activities';
import { FakeClock } from '../helpers/fake-clock';
import { seedSubscription } from '../helpers/seed';
import { startTestApp } from '../helpers/test-app';

/** A proactive messenger that records what it is asked to send and answers as told. */
class RecordingMessenger implements ProactiveMessenger {
  sent: { tenantId: string; userId: string; message: MessageFor }[] = [];
  outcome: ProactiveOutcome = 'sent';
  toUser(tenantId: string, userId: string, message: MessageFor): Promise<ProactiveOutcome> {
    this.sent.push({ tenantId, userId, message });
    return Promise.resolve(this.outcome);
  }
  toConversation(): Promise<ProactiveOutcome> {
    return Promise.resolve('no-conversation');
  }
}

const OPERATOR = 'operator-1';
const cardText = (reply: { card?: unknown; text?: string }) =>
  replyText({ type: 'message', ...(reply.text ? { text: reply.text } : {}), ...(reply.card ? { attachments: [{ contentType: 'x', content: reply.card }] } : {}) });

describe('support tickets across Teams and the operator side', () => {
  let app: RunningApp;
  let clock: FakeClock;
  let messenger: RecordingMessenger;
  let logs: string;
  const say = (text: string, userId: string, tenantId = 'tenant-a', extra: Record<string, unknown> = {}) =>
    postActivity(app.url, { ...messageActivity({ text, userId, tenantId, userName: `Name of ${userId}` }), ...extra });
  const submit = (value: Record<string, unknown>, userId: string, tenantId = 'tenant-a', locale = 'en-US') =>
    postActivity(app.url, { ...messageActivity({ userId, tenantId, userName: `Name of ${userId}` }), text: undefined, value, locale });
  const card = (reply: ReplyActivity | undefined) =>
    reply?.attachments?.[0]?.content as { body: Record<string, unknown>[]; actions?: Record<string, unknown>[] };

  beforeEach(async () => {
    clock = new FakeClock('2026-03-10T09:00:00Z');
    messenger = new RecordingMessenger();
    logs = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    app = await startTestApp(
      { OPERATOR_IDS: OPERATOR },
      { clock, proactive: messenger, logger: createLogger('info', sink) },
    );
  });
  afterEach(() => app.close());

  it('opens, lists, answers through the messenger, takes replies, closes, and keeps the times', async () => {
    await seedSubscription(app.store, { tenantId: 'tenant-a', id: 'sub-a' });
    // A user (not an admin) opens a ticket with one line.
    const opened = await say('support The usage card is empty since Monday\nIt shows nothing at all.', 'user-1');
    expect(opened.text).toContain('Ticket #1 is open: “The usage card is empty since Monday”');
    // The form: `support` alone, then its submit.
    const form = card((await say('support', 'user-2')).replies[0]);
    expect(form.body.map((e) => e.id).filter(Boolean)).toEqual(['subject', 'details', 'category', 'priority']);
    expect(form.actions?.[0]).toMatchObject({ type: 'Action.Submit', data: { support: 'open' } });
    const viaForm = await submit(
      { support: 'open', subject: 'Invoice question', details: 'Why 12 € of overage?', category: 'billing', priority: 'high' },
      'user-2',
    );
    expect(viaForm.text).toContain('Ticket #2 is open: “Invoice question”');
    expect(await app.store.tickets.get(2)).toMatchObject({ category: 'billing', priority: 'high', subscriptionId: 'sub-a', openedBy: 'user-2' });

    // `tickets`: a user sees their own, an admin (the purchaser) the tenant's.
    const own = await say('tickets', 'user-1');
    expect(own.text).toContain('Your support tickets');
    expect(own.text).toContain('#1 · The usage card is empty since Monday');
    expect(own.text).not.toContain('Invoice question');
    const all = await say('tickets', 'tenant-a-purchaser');
    expect(all.text).toContain('Your organization’s support tickets');
    expect(all.text).toContain('#1 · The usage card');
    expect(all.text).toContain('#2 · Invoice question');

    // Another tenant's user learns nothing of these tickets and cannot write to them; nor can a colleague.
    expect((await say('ticket 1', 'user-9', 'tenant-b')).text).toContain('There is no ticket #1 that you can see');
    expect((await say('ticket 1 let me in', 'user-9', 'tenant-b')).text).toContain('There is no ticket #1 that you can see');
    expect((await say('ticket 1 me too', 'user-2')).text).toContain('There is no ticket #1');
    // Operator commands are the operators' only.
    expect((await say('desk', 'user-1')).text).toContain('for the publisher’s operators only');

    // The operator's desk: the queue, a ticket, assign, answer.
    const desk = await say('desk', OPERATOR, 'publisher-tenant');
    expect(desk.text).toContain('Support desk: 2 tickets');
    expect(desk.text).toContain('#2 · High · Billing · Invoice question');
    expect((await say('desk 1', OPERATOR, 'publisher-tenant')).text).toContain('It shows nothing at all.');
    expect((await say('desk 1 assign', OPERATOR, 'publisher-tenant')).text).toContain(`Ticket #1 is now assigned to ${OPERATOR}.`);
    clock.set('2026-03-10T09:45:00Z');
    const answered = await say('desk 1 answer Please reload the tab; we fixed a cache.', OPERATOR, 'publisher-tenant');
    expect(answered.text).toContain('Answer recorded on ticket #1 and delivered');
    // Delivered to the right user of the right tenant, built in that user's language.
    expect(messenger.sent.map((m) => [m.tenantId, m.userId])).toEqual([['tenant-a', 'user-1']]);
    const inFrench = messenger.sent[0]!.message({ locale: 'fr', client: 'desktop' });
    const frenchText = cardText(inFrench);
    expect(frenchText).toContain('Le support a répondu à votre ticket n° 1');
    expect(frenchText).toContain('Please reload the tab; we fixed a cache.');
    expect(inFrench.card?.actions?.[0]).toMatchObject({ type: 'Action.Submit', data: { support: 'reply', ticket: 1 } });

    // The user replies, by typing and from the card's reply box: both join the ticket.
    clock.set('2026-03-10T10:00:00Z');
    expect((await say('ticket 1 Still empty for my colleague.', 'user-1')).text).toContain('Your message was added to ticket #1.');
    expect((await submit({ support: 'reply', ticket: 1, reply: 'Here is a screenshot description.' }, 'user-1')).text).toContain(
      'Your message was added to ticket #1.',
    );
    // An admin of the tenant may add to a colleague's ticket too.
    expect((await say('ticket 1 I see the same.', 'tenant-a-purchaser')).text).toContain('added to ticket #1');
    const shown = await say('ticket 1', 'user-1');
    expect(shown.text).toContain('Ticket #1: The usage card is empty since Monday');
    expect(shown.text).toContain('Please reload the tab; we fixed a cache.');

    // Closed by the operator: the user is told, times are kept.
    clock.set('2026-03-10T11:00:00Z');
    expect((await say('desk 1 close', OPERATOR, 'publisher-tenant')).text).toContain('Ticket #1 is closed.');
    expect((await say('desk 1 close', OPERATOR, 'publisher-tenant')).text).toContain('was already closed');
    expect(messenger.sent).toHaveLength(2);
    expect(messenger.sent[1]!.message({ locale: 'en', client: 'mobile' }).text).toContain('Support closed ticket #1');
    const detail = await app.support.detail(1);
    expect(detail?.ticket).toMatchObject({
      status: 'closed',
      assignee: OPERATOR,
      createdAt: new Date('2026-03-10T09:00:00Z'),
      firstAnsweredAt: new Date('2026-03-10T09:45:00Z'),
      closedAt: new Date('2026-03-10T11:00:00Z'),
      closedBy: OPERATOR,
    });
    expect(detail?.messages.map((m) => [m.author, m.authorId, m.delivery ?? null])).toEqual([
      ['user', 'user-1', null],
      ['operator', OPERATOR, 'sent'],
      ['user', 'user-1', null],
      ['user', 'user-1', null],
      ['user', 'tenant-a-purchaser', null],
    ]);
    const stats = await app.support.statistics(new Date('2026-03-01T00:00:00Z'), new Date('2026-04-01T00:00:00Z'));
    expect(stats).toMatchObject({ opened: 2, closed: 1, answered: 1, medianFirstAnswerMs: 45 * 60_000, medianResolutionMs: 2 * 3_600_000 });
    const statsCard = await say('desk stats', OPERATOR, 'publisher-tenant');
    expect(statsCard.text).toContain('Time to first answer (median / average): 0 h 45 min / 0 h 45 min');

    // A reply to a closed ticket opens it again.
    expect((await say('ticket 1 It is back.', 'user-1')).text).toContain('which is open again');
    expect((await app.store.tickets.get(1))?.status).toBe('open');

    // Support is never billed, and its text is never logged.
    expect(await app.store.usage.counters('sub-a', new Date('2026-03-01T00:00:00Z'))).toEqual([]);
    expect(logs).toContain('support ticket opened');
    for (const secret of ['usage card is empty', 'Invoice question', 'reload the tab', 'screenshot', 'It is back'])
      expect(logs).not.toContain(secret);
  });

  it('works for a tenant without an active subscription, and says when an answer could not be delivered', async () => {
    await seedSubscription(app.store, { tenantId: 'tenant-c', status: 'Unsubscribed' });
    const opened = await say('support We cancelled by mistake, how do we come back?', 'user-c', 'tenant-c');
    expect(opened.text).toContain('Ticket #1 is open');
    expect((await say('support', 'user-x', 'tenant-without-anything')).replies).toHaveLength(1);
    messenger.outcome = 'no-conversation';
    const answered = await say('desk 1 answer Buy it again from AppSource.', OPERATOR, 'publisher-tenant');
    expect(answered.text).toContain('not delivered: the bot has no chat with that user');
    expect((await app.support.detail(1))?.messages[1]?.delivery).toBe('no-conversation');
    // The user still finds the answer in Teams.
    expect((await say('ticket 1', 'user-c', 'tenant-c')).text).toContain('Buy it again from AppSource.');
  });

  it('answers bad input politely: empty, too long, unreadable forms, unknown tickets', async () => {
    expect((await say('ticket 42', 'user-1')).text).toContain('There is no ticket #42 that you can see');
    expect((await submit({ support: 'open', subject: 'x', details: '   ', category: 'technical', priority: 'normal' }, 'user-1')).text).toContain(
      'Please say what you need help with',
    );
    expect((await submit({ support: 'open', details: 'x', category: 'cooking', priority: 'normal' }, 'user-1')).text).toContain(
      'That form could not be read',
    );
    expect((await say(`support ${'a'.repeat(4001)}`, 'user-1')).text).toContain('too long (4,000 characters at most)');
    expect((await say('desk 99 answer hello', OPERATOR, 'publisher-tenant')).text).toContain('There is no ticket #99.');
    const french = await postActivity(app.url, { ...messageActivity({ text: 'support Bonjour, la carte est vide', userId: 'user-f' }), locale: 'fr-FR' });
    expect(french.text).toContain('Le ticket n° 1 est ouvert : « Bonjour, la carte est vide »');
  });

  it("deletes the tenant's tickets with the tenant's data", async () => {
    await say('support first', 'user-1');
    await say('support other tenant', 'user-9', 'tenant-b');
    expect(await app.store.tenantData.erase('tenant-a')).toMatchObject({ support_tickets: 1 });
    expect((await say('tickets', 'user-1')).text).toContain('No support tickets yet');
    expect((await app.support.list({})).tickets.map((t) => t.tenantId)).toEqual(['tenant-b']);
  });
});
