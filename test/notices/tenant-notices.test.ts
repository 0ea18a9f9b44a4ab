import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import type { Subscription } from '../../src/domain/subscription';
import { messageActivity, postActivity, replyText, type ReplyActivity } from '../helpers/activities';
import { startStubConnector, type ConnectorCall } from '../helpers/bot-framework-stubs';
import { FakeClock } from '../helpers/fake-clock';
import { seedSubscription } from '../helpers/seed';
import { startTestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { usageEvent } from '../helpers/usage-events';

/**
 * Tenant admin notices end to end: turns over real HTTP (expectReplies, auth off), the admin's conversation captured
 * from their own message, and the notice POSTed by botbuilder's proactive path to the stub Bot Connector.
 */
const PERIOD = new Date('2026-03-01T00:00:00.000Z');
const ADMIN = 'tenant-a-purchaser';
/** A user the directory does not know yet (refused turns are not recorded): assigned by Entra object id. */
const SECOND = '0000aaaa-1111-2222-3333-444455556666';

interface PostedActivity {
  type?: string;
  text?: string;
  locale?: string;
  conversation?: { id?: string };
  attachments?: ReplyActivity['attachments'];
}
const activityOf = (c: ConnectorCall) => c.activity as PostedActivity;
const shown = (c: ConnectorCall) => replyText(activityOf(c) as ReplyActivity);

describe('tenant admin notices', () => {
  let connector: Awaited<ReturnType<typeof startStubConnector>>;
  let app: RunningApp;
  let subscription: Subscription;
  let clock: FakeClock;

  beforeAll(async () => {
    connector = await startStubConnector();
  });
  afterAll(() => connector.close());
  beforeEach(async () => {
    clock = new FakeClock('2026-03-10T10:00:00.000Z');
    app = await startTestApp({}, { clock, startNotices: false });
    subscription = await seedSubscription(app.store, { tenantId: 'tenant-a', planId: 'business' });
    connector.calls.length = 0;
  });
  afterEach(() => app.close());

  /** A message as Teams posts it, from the stub connector's service URL. */
  const say = (fields: Parameters<typeof messageActivity>[0] & { locale?: string }) =>
    postActivity(app.url, {
      ...messageActivity(fields),
      serviceUrl: connector.serviceUrl,
      ...(fields.locale ? { locale: fields.locale } : {}),
    });
  const usedAlready = (quantity: number) =>
    app.store.usage.record({
      event: usageEvent(subscription.id, { quantity, periodStart: PERIOD, userId: 'earlier', occurredAt: clock.now() }),
      included: 5000,
      overage: true,
    });
  const toAdmin = (conversationId: string) =>
    connector.messages().filter((c) => c.path.startsWith(`/v3/conversations/${encodeURIComponent(conversationId)}/activities`));
  const noticeRows = (prefix: string) =>
    (
      (app.store as SqliteStore).db.prepare('SELECT COUNT(*) AS n FROM tenant_notices WHERE notice_key LIKE ?').get(`${prefix}%`) as {
        n: number;
      }
    ).n;

  it('tells the admin once, in French, when concurrent turns cross 80 % and then 100 %; no purchase button on a phone', async () => {
    // The admin writes from a phone in French: their conversation, language and client are kept.
    const adminChat = 'conv-admin-fr';
    const hello = await say({ userId: ADMIN, text: 'usage', conversationId: adminChat, locale: 'fr-FR', platform: 'android' });
    expect(hello.status).toBe(200);

    await usedAlready(3995);
    // Ten users at once: 3,995 → 4,005; exactly one turn crosses the 4,000 line.
    const turns = await Promise.all(
      Array.from({ length: 10 }, (_, i) => say({ userId: `user-${i}`, text: `question ${i}`, conversationId: `conv-user-${i}` })),
    );
    expect(turns.every((t) => t.status === 200 && t.text.includes('Offline demo model'))).toBe(true);
    await app.settled();
    await waitFor(() => toAdmin(adminChat).length >= 1, 5000, 'the 80 % notice');
    expect(noticeRows(`quota:${subscription.id}:2026-03-01:messages:80`)).toBe(1);
    const [eighty] = toAdmin(adminChat);
    expect(toAdmin(adminChat)).toHaveLength(1);
    expect(activityOf(eighty!).locale).toBe('fr-FR');
    expect(shown(eighty!)).toContain('80 % de vos messages standard utilisés');
    expect(shown(eighty!)).toMatch(/a utilisé 4\s000 des 5\s000 messages standard inclus pour cette période \(jusqu’au 31 mars 2026\)/u);
    expect(shown(eighty!)).toContain('Pour changer d’offre, ouvrez Teams sur un ordinateur');
    expect(activityOf(eighty!).attachments?.[0]?.content.actions ?? []).toEqual([]);

    // Now from a computer: the 100 % notice offers the plan change (a browser link).
    await say({ userId: ADMIN, text: 'usage', conversationId: adminChat, locale: 'fr-FR' });
    await usedAlready(4995 - 4005);
    await Promise.all(Array.from({ length: 8 }, (_, i) => say({ userId: `user-${i}`, text: `again ${i}`, conversationId: `conv-user-${i}` })));
    await app.settled();
    await waitFor(() => toAdmin(adminChat).length >= 2, 5000, 'the 100 % notice');
    expect(toAdmin(adminChat)).toHaveLength(2);
    const hundred = toAdmin(adminChat)[1]!;
    expect(shown(hundred)).toContain('100 % de vos messages standard utilisés');
    expect(shown(hundred)).toContain('facturée en dépassement');
    expect(shown(hundred)).toContain('Changer d’offre dans le navigateur');
    expect(noticeRows(`quota:${subscription.id}:2026-03-01:messages:100`)).toBe(1);
    // Nothing was sent to the users' own chats.
    expect(connector.messages().filter((c) => c.path.includes('conv-user-'))).toEqual([]);
  });

  it('notifications: admins list and turn kinds off; a kind turned off is not sent; others may not change it', async () => {
    const adminChat = 'conv-admin-en';
    const list = await say({ userId: ADMIN, text: 'notifications', conversationId: adminChat });
    expect(list.text).toContain('Notifications');
    expect(list.text).toContain('quota: on: allowance used (80 % and 100 %)');
    const off = await say({ userId: ADMIN, text: 'notifications off quota', conversationId: adminChat });
    expect(off.text).toBe('Turned off: allowance used (80 % and 100 %).');
    expect((await say({ userId: ADMIN, text: 'notifications', conversationId: adminChat })).text).toContain('quota: off');
    expect((await say({ userId: ADMIN, text: 'notifications off everything', conversationId: adminChat })).text).toContain(
      'I know these kinds',
    );
    const french = await say({ userId: 'user-9', text: 'notifications on quota', locale: 'fr-FR' });
    expect(french.text).toBe('Seuls les administrateurs de votre organisation peuvent modifier les notifications.');
    expect(await app.store.notices.disabledKinds('tenant-a')).toEqual(['quota']);

    await usedAlready(3999);
    await say({ userId: 'user-1', text: 'one more question' });
    await app.settled();
    expect(noticeRows('quota:')).toBe(0);
    expect(toAdmin(adminChat)).toEqual([]);

    const on = await say({ userId: ADMIN, text: 'notifications on quota', conversationId: adminChat, locale: 'fr-FR' });
    expect(on.text).toBe('Activé : allocation consommée (80 % et 100 %).');
  });

  it('tells admins when seats are full and someone was refused (once a day), and users when they get or lose a seat', async () => {
    const seats = await seedSubscription(app.store, { tenantId: 'tenant-s', planId: 'team-seat', quantity: 1, offerId: 'teams-ai-assistant-users' });
    const admin = 'tenant-s-purchaser';
    await say({ tenantId: 'tenant-s', userId: admin, text: 'seats', conversationId: 'conv-seat-admin' });
    // The first user takes the only seat; two more are refused: one notice.
    await say({ tenantId: 'tenant-s', userId: 'first', userName: 'First User', text: 'hi there, question', conversationId: 'conv-first' });
    await say({ tenantId: 'tenant-s', userId: SECOND, userName: 'Second User', text: 'my question', conversationId: 'conv-second' });
    await say({ tenantId: 'tenant-s', userId: 'third', text: 'my question', conversationId: 'conv-third' });
    await waitFor(() => toAdmin('conv-seat-admin').length >= 1, 5000, 'the seats-full notice');
    expect(toAdmin('conv-seat-admin')).toHaveLength(1);
    expect(shown(toAdmin('conv-seat-admin')[0]!)).toContain('Second User tried to use AI Assistant but all 1 seat is taken');
    expect(noticeRows(`seats-full:${seats.id}:2026-03-10`)).toBe(1);

    // The admin takes the seat back from `first` and gives it to `second`: both are told in their own chat.
    const revoked = await say({ tenantId: 'tenant-s', userId: admin, text: 'seats revoke First User', conversationId: 'conv-seat-admin' });
    expect(revoked.text).toContain('no longer has a seat');
    const assigned = await say({ tenantId: 'tenant-s', userId: admin, text: `seats assign ${SECOND}`, conversationId: 'conv-seat-admin' });
    expect(assigned.text).toContain('now has a seat');
    await waitFor(() => toAdmin('conv-first').length + toAdmin('conv-second').length >= 2, 5000, 'the seat notices');
    expect(activityOf(toAdmin('conv-first').at(-1)!).text).toBe('Your seat for AI Assistant was taken back by an admin. Ask your admin if you still need it.');
    expect(activityOf(toAdmin('conv-second').at(-1)!).text).toBe('You have been given a seat: you can now chat with AI Assistant.');
  });

  it('warns admins of a trial and of a subscription that end soon, once per term end', async () => {
    await seedSubscription(app.store, {
      tenantId: 'tenant-t',
      planId: 'team-seat',
      quantity: 5,
      isFreeTrial: true,
      term: { startDate: new Date('2026-02-13T00:00:00Z'), endDate: new Date('2026-03-12T00:00:00Z') },
    });
    await seedSubscription(app.store, {
      tenantId: 'tenant-e',
      autoRenew: false,
      term: { startDate: new Date('2026-02-15T00:00:00Z'), endDate: new Date('2026-03-14T00:00:00Z') },
    });
    await say({ tenantId: 'tenant-t', userId: 'tenant-t-purchaser', text: 'plan', conversationId: 'conv-trial', locale: 'fr-FR' });
    await say({ tenantId: 'tenant-e', userId: 'tenant-e-purchaser', text: 'plan', conversationId: 'conv-ending' });
    expect(await app.notifier.sweep()).toBe(2);
    expect(await app.notifier.sweep()).toBe(0);
    expect(shown(toAdmin('conv-trial')[0]!)).toContain('Votre essai gratuit de AI Assistant se termine dans 3 jours (le 12 mars 2026)');
    expect(shown(toAdmin('conv-ending')[0]!)).toContain('it ends in 5 days (March 14, 2026)');
  });

  it('keeps each user’s conversation without a store write on every turn: only when new or changed', async () => {
    const saves: string[] = [];
    const save = app.store.conversations.save.bind(app.store.conversations);
    app.store.conversations.save = async (c) => {
      saves.push(`${c.key}|${c.locale}|${c.client}`);
      return save(c);
    };
    for (let i = 0; i < 5; i += 1) await say({ userId: 'chatty', text: `question ${i}`, conversationId: 'conv-chatty' });
    expect(saves).toEqual(['user:tenant-a:chatty|en|desktop']);
    await say({ userId: 'chatty', text: 'une question', conversationId: 'conv-chatty', locale: 'fr-FR' });
    await say({ userId: 'chatty', text: 'encore une', conversationId: 'conv-chatty', locale: 'fr-FR' });
    await say({ userId: 'chatty', text: 'depuis mon téléphone', conversationId: 'conv-chatty', locale: 'fr-FR', platform: 'ios' });
    // Group chats and channels are not a user's personal chat.
    await say({ userId: 'chatty', text: 'in a group', conversationId: 'conv-group', conversationType: 'groupChat' });
    expect(saves).toEqual(['user:tenant-a:chatty|en|desktop', 'user:tenant-a:chatty|fr|desktop', 'user:tenant-a:chatty|fr|mobile']);
    expect(await app.store.conversations.get('user:tenant-a:chatty')).toMatchObject({
      locale: 'fr',
      client: 'mobile',
      address: { conversationId: 'conv-chatty', serviceUrl: connector.serviceUrl, userChannelId: '29:chatty', conversationType: 'personal' },
    });
  });

  it('tells admins when the subscription is suspended, once per suspension (the webhook’s Suspend operation)', async () => {
    await say({ userId: ADMIN, text: 'plan', conversationId: 'conv-admin-susp', locale: 'fr-FR' });
    app.notifier.suspended({ tenantId: 'tenant-a', subscriptionId: subscription.id, since: 'op-1' });
    app.notifier.suspended({ tenantId: 'tenant-a', subscriptionId: subscription.id, since: 'op-1' });
    await waitFor(() => toAdmin('conv-admin-susp').length >= 1, 5000, 'the suspension notice');
    expect(noticeRows(`suspended:${subscription.id}:op-1`)).toBe(1);
    expect(shown(toAdmin('conv-admin-susp')[0]!)).toContain('Votre abonnement est suspendu');
    expect(shown(toAdmin('conv-admin-susp')[0]!)).toContain('Gérer l’abonnement dans le navigateur');
  });
});
