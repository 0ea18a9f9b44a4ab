import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import { lifecycleAlert, meteringAlert } from '../../src/domain/alert-triggers';
import { messageActivity, replyText, type ReplyActivity } from '../helpers/activities';
import { BOT_APP_ID, botAuthEnv, postSigned } from '../helpers/bot-auth-env';
import { startBotFrameworkKeys, startStubConnector, startStubTokenEndpoint, type ConnectorCall } from '../helpers/bot-framework-stubs';
import { startTestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

/**
 * Operator alerts posted proactively in Teams, on real boundaries with authentication on: the operator's `alerts
 * here` arrives signed (stub Bot Framework keys), the bot gets its outbound token from a stub Entra endpoint and
 * POSTs the alert to the stub Bot Connector, in the conversation captured and the operator's language.
 */
const OPERATOR = 'operator-1';
const OPS_CHANNEL = '19:ops-room@thread.tacv2';

const activityOf = (c: ConnectorCall) => c.activity as ReplyActivity & { locale?: string; replyToId?: string };

describe('operator alerts in Teams (auth on)', () => {
  let keys: Awaited<ReturnType<typeof startBotFrameworkKeys>>;
  let connector: Awaited<ReturnType<typeof startStubConnector>>;
  let tokens: Awaited<ReturnType<typeof startStubTokenEndpoint>>;
  let app: RunningApp;

  beforeAll(async () => {
    keys = await startBotFrameworkKeys(BOT_APP_ID);
    connector = await startStubConnector();
    tokens = await startStubTokenEndpoint();
    app = await startTestApp({ ...botAuthEnv(keys, tokens), OPERATOR_IDS: OPERATOR });
  });
  afterEach(() => {
    connector.calls.length = 0;
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([keys.close(), connector.close(), tokens.close()]);
  });

  const post = (activity: Record<string, unknown>) => postSigned(app.url, keys, connector.serviceUrl, activity);
  /** A message in the operators' channel, with normal delivery (the reply goes to the connector too). */
  const inChannel = (userId: string, text: string, locale: string) => ({
    ...messageActivity({ expectReplies: false, userId, text, tenantId: 'publisher-tenant', conversationId: OPS_CHANNEL, conversationType: 'channel' }),
    serviceUrl: connector.serviceUrl,
    locale,
  });
  const postedTo = (conversationId: string) =>
    connector.messages().filter((c) => c.path.startsWith(`/v3/conversations/${encodeURIComponent(conversationId)}/activities`));

  it('`alerts here` captures the channel; an alert is POSTed there with the bot token, as a French card', async () => {
    // Not an operator: refused, nothing captured.
    expect(await post(inChannel('someone-else', 'alerts here', 'en-US'))).toBe(200);
    await waitFor(() => postedTo(OPS_CHANNEL).length === 1, 5000, 'the refusal');
    expect(activityOf(postedTo(OPS_CHANNEL)[0]!).text).toContain('is for the publisher’s operators only');
    expect(await app.store.conversations.get('named:operators')).toBeUndefined();

    expect(await post(inChannel(OPERATOR, 'alerts here', 'fr-FR'))).toBe(200);
    await waitFor(() => postedTo(OPS_CHANNEL).length === 2, 5000, 'the confirmation');
    expect(activityOf(postedTo(OPS_CHANNEL)[1]!).text).toContain('Les alertes opérateur seront désormais publiées dans cette conversation');

    expect(await app.alerts.raise(lifecycleAlert('subscription.suspended', { subscriptionId: 'sub-42', tenantId: 'tenant-a', planId: 'business', operationId: 'op-7' }))).toBe('recorded');
    await waitFor(() => postedTo(OPS_CHANNEL).length === 3, 5000, 'the alert');
    const alert = postedTo(OPS_CHANNEL)[2]!;
    // Proactive: not a reply to anything, signed with the bot's outbound token.
    expect(activityOf(alert).replyToId).toBeUndefined();
    expect(alert.authorization).toMatch(/^Bearer outbound-token-\d+$/);
    expect(activityOf(alert).locale).toBe('fr-FR');
    const card = replyText(activityOf(alert));
    expect(card).toContain('Avertissement · Abonnement suspendu');
    expect(card).toContain('Abonnement: sub-42');
    expect(card).toContain('Subscription sub-42 suspended (plan business).');
    expect(activityOf(alert).attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');

    // The same problem in the same state is not posted again.
    expect(await app.alerts.raise(lifecycleAlert('subscription.suspended', { subscriptionId: 'sub-42', tenantId: 'tenant-a', operationId: 'op-7' }))).toBe('duplicate');

    // `alerts` lists it, delivered on Teams.
    await waitFor(async () => (await app.store.alertEvents.recent(1))[0]?.deliveries[0]?.status === 'delivered', 5000, 'delivered state');
    expect(await post(inChannel(OPERATOR, 'alerts', 'fr-FR'))).toBe(200);
    await waitFor(() => postedTo(OPS_CHANNEL).length === 4, 5000, 'the list');
    const list = replyText(activityOf(postedTo(OPS_CHANNEL)[3]!));
    expect(list).toContain('Dernières alertes opérateur');
    expect(list).toContain('**Abonnement suspendu**');
    expect(list).toContain('teams : remise · signalée à nouveau une fois');
    expect(list).toContain('Aucun webhook n’est configuré (ALERT_WEBHOOK_URL).');
  });

  it('a connector failure is retried; `alerts off` stops the Teams posts (then skipped)', async () => {
    connector.set('ok', { status: 503 });
    await app.alerts.raise(meteringAlert({ subscriptionId: 'sub-9', dimension: 'messages', hourStart: new Date('2026-03-10T08:00:00Z'), status: 'Failed', quantity: 4, attempts: 1 }));
    await waitFor(async () => (await app.store.alertEvents.recent(1))[0]?.deliveries[0]?.attempts === 1, 5000, 'a failed attempt');
    const [failing] = await app.store.alertEvents.recent(1);
    expect(failing!.deliveries[0]).toMatchObject({ channel: 'teams', status: 'pending', attempts: 1 });
    expect(failing!.deliveries[0]!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 20_000);

    // 403: the bot was removed from the channel. Nothing to retry: skipped, and the reference is forgotten.
    connector.set('ok', { status: 403 });
    await app.alerts.raise(lifecycleAlert('subscription.reinstated', { subscriptionId: 'sub-42' }));
    await waitFor(async () => (await app.store.alertEvents.recent(1))[0]?.deliveries[0]?.status === 'skipped', 5000, 'skipped on 403');
    expect(await app.store.conversations.get('named:operators')).toBeUndefined();
    connector.set('ok');

    expect(await post(inChannel(OPERATOR, 'alerts here', 'en-US'))).toBe(200);
    await waitFor(async () => (await app.store.conversations.get('named:operators')) !== undefined, 5000, 'captured again');
    expect(await post(inChannel(OPERATOR, 'alerts off', 'en-US'))).toBe(200);
    await waitFor(() => postedTo(OPS_CHANNEL).some((c) => activityOf(c).text?.includes('no longer receives operator alerts')), 5000, 'the answer');
    await app.alerts.raise(lifecycleAlert('subscription.cancelled', { subscriptionId: 'sub-43' }));
    await waitFor(async () => (await app.store.alertEvents.recent(1))[0]?.deliveries[0]?.status === 'skipped', 5000, 'skipped');
  });

  it('a burst of webhook calls refused for their token raises one webhook.refusals_burst alert', async () => {
    const refusedBefore = (await app.store.alertEvents.recent(50)).filter((a) => a.event.type === 'webhook.refusals_burst').length;
    for (let i = 0; i < 12; i += 1) {
      const res = await fetch(`${app.url}/api/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(401);
    }
    await waitFor(
      async () => (await app.store.alertEvents.recent(50)).filter((a) => a.event.type === 'webhook.refusals_burst').length === refusedBefore + 1,
      5000,
      'the burst alert',
    );
    const burst = (await app.store.alertEvents.recent(50)).find((a) => a.event.type === 'webhook.refusals_burst')!;
    expect(burst.event.data).toMatchObject({ refusals: 10, windowMinutes: 5 });
  });
});
