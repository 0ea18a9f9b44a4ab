import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { messageActivity } from '../helpers/activities';
import {
  deliverLikeTeams,
  startBotFrameworkKeys,
  startStubConnector,
  startStubTokenEndpoint,
} from '../helpers/bot-framework-stubs';
import { startOpenAIStub } from '../helpers/openai-stub';
import { seedSubscription } from '../helpers/seed';
import { startTestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

/**
 * Normal delivery end to end, on real HTTP: Teams' stand-in posts signed activities (auth on), the bot gets its
 * outbound token from a stub Entra token endpoint and POSTs its replies to a stub Bot Connector. Time limits are
 * scaled down: "Teams redelivers after 15 s" becomes `TEAMS_LIMIT_MS`.
 */
const APP_ID = 'bot-app-id';
const TEAMS_LIMIT_MS = 900;

describe('normal delivery through the Bot Connector (auth on)', () => {
  let keys: Awaited<ReturnType<typeof startBotFrameworkKeys>>;
  let connector: Awaited<ReturnType<typeof startStubConnector>>;
  let tokens: Awaited<ReturnType<typeof startStubTokenEndpoint>>;
  let model: Awaited<ReturnType<typeof startOpenAIStub>>;
  let app: RunningApp | undefined;
  let logs: Record<string, unknown>[] = [];

  beforeAll(async () => {
    keys = await startBotFrameworkKeys(APP_ID);
    connector = await startStubConnector();
    tokens = await startStubTokenEndpoint();
    model = await startOpenAIStub({ content: 'The answer.' });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    connector.calls.length = 0;
    model.requests.length = 0;
    connector.set('ok');
    tokens.set('ok');
    model.set({ content: 'The answer.' });
  });
  afterAll(async () => {
    await Promise.all([keys.close(), connector.close(), tokens.close(), model.close()]);
  });

  async function start(env: Record<string, string> = {}, planId = 'business') {
    logs = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        done();
      },
    });
    app = await startTestApp(
      {
        BOT_ID: APP_ID,
        BOT_PASSWORD: 'bot-secret-value',
        BOT_TYPE: 'SingleTenant',
        BOT_TENANT_ID: 'publisher-tenant',
        BOT_OPENID_METADATA_URL: keys.metadataUrl,
        BOT_TOKEN_ISSUER: 'https://api.botframework.test',
        BOT_LOGIN_URL: tokens.loginUrl,
        OPENAI_BASE_URL: model.baseUrl,
        MODEL_MAX_RETRIES: '0',
        ACK_AFTER_MS: '150',
        TURN_DEADLINE_MS: '3000',
        CONNECTOR_TIMEOUT_MS: '400',
        BOT_TOKEN_TIMEOUT_MS: '400',
        // One message per answer, as in group chats: streamed answers have their own tests (test/bot/streaming.test.ts).
        STREAMING: 'false',
        ...env,
      },
      { logger: createLogger('info', sink) },
    );
    await seedSubscription(app.store, { tenantId: 'tenant-a', planId, term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
    return app;
  }

  const db = () => (app!.store as SqliteStore).db;
  const countOf = (sql: string) => (db().prepare(sql).get() as { n: number | null }).n ?? 0;
  /** Nothing held for turns in flight: no claim, no held unit, no reserved counter. */
  const reserved = () =>
    countOf('SELECT COUNT(*) AS n FROM turn_claims') +
    countOf('SELECT COUNT(*) AS n FROM quota_reservations') +
    countOf('SELECT SUM(reserved) AS n FROM usage_counters');
  const billed = async () => {
    await app!.settled();
    return countOf('SELECT COUNT(*) AS n FROM usage_events');
  };
  /** A Teams activity with normal delivery: replies go to the stub connector. */
  const normal = (o: Parameters<typeof messageActivity>[0] = {}): Record<string, unknown> => ({
    ...messageActivity({ expectReplies: false, ...o }),
    serviceUrl: connector.serviceUrl,
  });
  const post = async (activity: Record<string, unknown>) => {
    const res = await fetch(`${app!.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await keys.sign(connector.serviceUrl)}` },
      body: JSON.stringify(activity),
    });
    await res.text();
    return res.status;
  };
  const logged = (msg: string) => logs.filter((l) => l.msg === msg);

  it('answers through the connector with the outbound token from the token endpoint, billed once', async () => {
    await start();
    const activity = normal({ text: 'What is up?' });
    expect(await post(activity)).toBe(200);
    await waitFor(() => connector.messages().length === 1, 5000, 'the answer');
    const [answer] = connector.messages();
    expect(answer!.activity.text).toBe('The answer.');
    expect(answer!.path).toContain(`/v3/conversations/`);
    expect(answer!.activity.replyToId).toBe(activity.id);
    expect(answer!.authorization).toMatch(/^Bearer outbound-token-\d+$/);
    expect(tokens.requests.at(-1)!.path).toBe('/publisher-tenant/oauth2/v2.0/token');
    expect(tokens.requests.at(-1)!.form.get('scope')).toBe('https://api.botframework.com/.default');
    expect(await billed()).toBe(1);
    expect(reserved()).toBe(0);
    // No secret or message text in the logs.
    expect(JSON.stringify(logs)).not.toContain('bot-secret-value');
    expect(JSON.stringify(logs)).not.toContain('What is up?');
  });

  it('acknowledges a turn longer than Teams waits: one answer, billed once, a redelivery during it not answered again', async () => {
    await start();
    // The model takes longer than Teams' limit (scaled "40 s" against "15 s").
    model.set({ content: 'Slow but complete.', delayMs: TEAMS_LIMIT_MS * 2 });
    const activity = normal({ text: 'Think hard' });
    const teams = await deliverLikeTeams(app!.url, activity, await keys.sign(connector.serviceUrl), {
      redeliverAfterMs: TEAMS_LIMIT_MS,
    });
    // Acknowledged well before Teams gives up: no redelivery was needed.
    expect(teams.redelivered).toBe(false);
    expect(teams.responses[0]!.status).toBe(200);
    expect(teams.responses[0]!.ms).toBeLessThan(TEAMS_LIMIT_MS);
    // Teams redelivers anyway (an acknowledgement lost on the way) while the model is still working.
    expect(await post(activity)).toBe(200);
    await waitFor(() => connector.messages().length >= 1, 10_000, 'the answer');
    await app!.settled();
    expect(connector.messages().map((m) => m.activity.text)).toEqual(['Slow but complete.']);
    expect(model.requests).toHaveLength(1);
    expect(await billed()).toBe(1);
    expect(reserved()).toBe(0);
    expect(logged('redelivered activity ignored (already answered or in progress)')).toHaveLength(1);
  });

  it("holding the request past Teams' limit (no early acknowledgement) still answers a redelivery once", async () => {
    // ACK_AFTER_MS longer than the turn: the request is held, Teams' stand-in redelivers.
    await start({ ACK_AFTER_MS: '5000', TURN_DEADLINE_MS: '8000' });
    model.set({ content: 'Held answer.', delayMs: TEAMS_LIMIT_MS * 2 });
    const teams = await deliverLikeTeams(app!.url, normal(), await keys.sign(connector.serviceUrl), {
      redeliverAfterMs: TEAMS_LIMIT_MS,
    });
    expect(teams.redelivered).toBe(true);
    expect(teams.responses.map((r) => r.status)).toEqual([200, 200]);
    await app!.settled();
    expect(connector.messages().map((m) => m.activity.text)).toEqual(['Held answer.']);
    expect(await billed()).toBe(1);
    expect(reserved()).toBe(0);
  });

  it.each([
    [502, 'uncertain', 1],
    [503, 'uncertain', 1],
    [403, 'not-delivered', 0],
  ])('connector answering %i: the answer is sent once, no apology; %s → billed %i', async (status, answerState, bills) => {
    await start({}, 'starter');
    connector.set('ok', { status });
    expect(await post(normal())).toBe(200);
    await waitFor(() => logged('answer not confirmed by the connector').length === 1, 5000, 'the turn to end');
    await app!.settled();
    // No resend by botbuilder's retry policy, no "not counted" apology after it.
    expect(connector.messages()).toHaveLength(1);
    expect(connector.messages()[0]!.activity.text).toBe('The answer.');
    expect(await billed()).toBe(bills);
    expect(reserved()).toBe(0);
    expect(logged('answer not confirmed by the connector')[0]).toMatchObject({ answer: answerState, billed: bills === 1 });
  });

  it('a silent connector: each call ends at its timeout, the turn ends, nothing stays reserved on a hard cap', async () => {
    await start({ CONNECTOR_TIMEOUT_MS: '300', TURN_DEADLINE_MS: '4000' }, 'starter');
    connector.set('silent');
    const started = Date.now();
    expect(await post(normal())).toBe(200);
    await waitFor(() => logged('answer not confirmed by the connector').length === 1, 5000, 'the turn to end');
    await app!.settled();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(connector.messages()).toHaveLength(1);
    // Handed to a connector that never said: delivery uncertain, billed once (README "Delivery and time limits").
    expect(logged('answer not confirmed by the connector')[0]).toMatchObject({ answer: 'uncertain', billed: true });
    expect(await billed()).toBe(1);
    expect(reserved()).toBe(0);
  });

  it('a silent connector slower than the turn deadline: abandoned at the deadline, in-flight released, nothing reserved', async () => {
    await start({ CONNECTOR_TIMEOUT_MS: '20000', TURN_DEADLINE_MS: '800' }, 'starter');
    connector.set('silent');
    const started = Date.now();
    expect(await post(normal())).toBe(200);
    await waitFor(() => logged('turn abandoned at its deadline').length === 1, 5000, 'the deadline');
    // settled() resolves once the in-flight count is zero: the hanging connector call is not waited for.
    await app!.settled();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(reserved()).toBe(0);
    expect(logged('turn settled at its deadline')).toHaveLength(1);
  });

  it('a slow model past the deadline: abandoned, released, nothing sent after it, not billed', async () => {
    await start({ TURN_DEADLINE_MS: '600' }, 'starter');
    model.set({ content: 'Too late.', delayMs: 2000 });
    expect(await post(normal())).toBe(200);
    await waitFor(() => logged('turn abandoned at its deadline').length === 1, 5000, 'the deadline');
    await app!.settled();
    expect(reserved()).toBe(0);
    expect(await billed()).toBe(0);
    expect(logged('turn settled at its deadline')[0]).toMatchObject({ answer: 'none', billed: false });
    // The model's late answer never reaches the user.
    await waitFor(() => model.requests.length === 1);
    expect(connector.messages().map((m) => m.activity.text)).not.toContain('Too late.');
  });

  it.each([
    ['answers 500', { status: 500 } as const],
    ['never answers', 'silent' as const],
  ])('token endpoint that %s: nothing delivered, not billed, released; served again once it is back', async (_why, how) => {
    await start({}, 'starter');
    tokens.set(how);
    expect(await post(normal())).toBe(200);
    await waitFor(() => logs.some((l) => l.msg === 'bot token unavailable'), 5000, 'the token failure');
    await waitFor(() => logged('answer not confirmed by the connector').length === 1, 5000, 'the turn to end');
    await app!.settled();
    expect(connector.messages()).toHaveLength(0);
    expect(logged('answer not confirmed by the connector')[0]).toMatchObject({ answer: 'not-delivered', billed: false });
    expect(await billed()).toBe(0);
    expect(reserved()).toBe(0);

    tokens.set('ok');
    expect(await post(normal())).toBe(200);
    await waitFor(() => connector.messages().length === 1, 5000, 'the answer');
    expect(await billed()).toBe(1);
  });

  it('keeps expectReplies as it was: one response carrying the replies, nothing sent to the connector', async () => {
    await start();
    const res = await fetch(`${app!.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await keys.sign(connector.serviceUrl)}` },
      body: JSON.stringify({ ...messageActivity(), serviceUrl: connector.serviceUrl }),
    });
    const body = (await res.json()) as { activities: { type: string; text?: string }[] };
    expect(res.status).toBe(200);
    expect(body.activities.filter((a) => a.type === 'message').map((a) => a.text)).toEqual(['The answer.']);
    expect(connector.calls).toHaveLength(0);
    expect(await billed()).toBe(1);
  });
});
