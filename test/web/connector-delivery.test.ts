import { describe, expect, it } from 'vitest';
import { messageActivity } from '../helpers/activities';
import { deliverLikeTeams } from '../helpers/bot-framework-stubs';
import { useConnectorDeliveryApp } from '../helpers/connector-delivery-app';
import { waitFor } from '../helpers/wait-for';

/**
 * Normal delivery end to end, on real HTTP: Teams' stand-in posts signed activities (auth on), the bot gets its
 * outbound token from a stub Entra token endpoint and POSTs its replies to a stub Bot Connector. Time limits are
 * scaled down: "Teams redelivers after 15 s" becomes `TEAMS_LIMIT_MS`.
 */
const TEAMS_LIMIT_MS = 900;

describe('normal delivery through the Bot Connector (auth on)', () => {
  const h = useConnectorDeliveryApp({
    model: { content: 'The answer.' },
    env: {
      TURN_DEADLINE_MS: '3000',
      CONNECTOR_TIMEOUT_MS: '400',
      BOT_TOKEN_TIMEOUT_MS: '400',
      // One message per answer, as in group chats: streamed answers have their own tests (test/bot/streaming.test.ts).
      STREAMING: 'false',
    },
  });
  const { start, normal, post, logged, countOf, reserved } = h;
  const billed = async () => {
    await h.app.settled();
    return countOf('SELECT COUNT(*) AS n FROM usage_events');
  };

  it('answers through the connector with the outbound token from the token endpoint, billed once', async () => {
    await start();
    const activity = normal({ text: 'What is up?' });
    expect(await post(activity)).toBe(200);
    await waitFor(() => h.connector.messages().length === 1, 5000, 'the answer');
    const [answer] = h.connector.messages();
    expect(answer!.activity.text).toBe('The answer.');
    expect(answer!.path).toContain(`/v3/conversations/`);
    expect(answer!.activity.replyToId).toBe(activity.id);
    expect(answer!.authorization).toMatch(/^Bearer outbound-token-\d+$/);
    expect(h.tokens.requests.at(-1)!.path).toBe('/publisher-tenant/oauth2/v2.0/token');
    expect(h.tokens.requests.at(-1)!.form.get('scope')).toBe('https://api.botframework.com/.default');
    expect(await billed()).toBe(1);
    expect(reserved()).toBe(0);
    // No secret or message text in the logs.
    expect(JSON.stringify(h.logs)).not.toContain('bot-secret-value');
    expect(JSON.stringify(h.logs)).not.toContain('What is up?');
  });

  it('acknowledges a turn longer than Teams waits: one answer, billed once, a redelivery during it not answered again', async () => {
    await start();
    // The model takes longer than Teams' limit (scaled "40 s" against "15 s").
    h.model.set({ content: 'Slow but complete.', delayMs: TEAMS_LIMIT_MS * 2 });
    const activity = normal({ text: 'Think hard' });
    const teams = await deliverLikeTeams(h.app.url, activity, await h.keys.sign(h.connector.serviceUrl), {
      redeliverAfterMs: TEAMS_LIMIT_MS,
    });
    // Acknowledged well before Teams gives up: no redelivery was needed.
    expect(teams.redelivered).toBe(false);
    expect(teams.responses[0]!.status).toBe(200);
    expect(teams.responses[0]!.ms).toBeLessThan(TEAMS_LIMIT_MS);
    // Teams redelivers anyway (an acknowledgement lost on the way) while the model is still working.
    expect(await post(activity)).toBe(200);
    await waitFor(() => h.connector.messages().length >= 1, 10_000, 'the answer');
    await h.app.settled();
    expect(h.connector.messages().map((m) => m.activity.text)).toEqual(['Slow but complete.']);
    expect(h.model.requests).toHaveLength(1);
    expect(await billed()).toBe(1);
    expect(reserved()).toBe(0);
    expect(logged('redelivered activity ignored (already answered or in progress)')).toHaveLength(1);
  });

  it("holding the request past Teams' limit (no early acknowledgement) still answers a redelivery once", async () => {
    // ACK_AFTER_MS longer than the turn: the request is held, Teams' stand-in redelivers.
    await start({ ACK_AFTER_MS: '5000', TURN_DEADLINE_MS: '8000' });
    h.model.set({ content: 'Held answer.', delayMs: TEAMS_LIMIT_MS * 2 });
    const teams = await deliverLikeTeams(h.app.url, normal(), await h.keys.sign(h.connector.serviceUrl), {
      redeliverAfterMs: TEAMS_LIMIT_MS,
    });
    expect(teams.redelivered).toBe(true);
    expect(teams.responses.map((r) => r.status)).toEqual([200, 200]);
    await h.app.settled();
    expect(h.connector.messages().map((m) => m.activity.text)).toEqual(['Held answer.']);
    expect(await billed()).toBe(1);
    expect(reserved()).toBe(0);
  });

  it.each([
    [502, 'uncertain', 1],
    [503, 'uncertain', 1],
    [403, 'not-delivered', 0],
  ])('connector answering %i: the answer is sent once, no apology; %s → billed %i', async (status, answerState, bills) => {
    await start({}, 'starter');
    h.connector.set('ok', { status });
    expect(await post(normal())).toBe(200);
    await waitFor(() => logged('answer not confirmed by the connector').length === 1, 5000, 'the turn to end');
    await h.app.settled();
    // No resend by botbuilder's retry policy, no "not counted" apology after it.
    expect(h.connector.messages()).toHaveLength(1);
    expect(h.connector.messages()[0]!.activity.text).toBe('The answer.');
    expect(await billed()).toBe(bills);
    expect(reserved()).toBe(0);
    expect(logged('answer not confirmed by the connector')[0]).toMatchObject({ answer: answerState, billed: bills === 1 });
  });

  it('a silent connector: each call ends at its timeout, the turn ends, nothing stays reserved on a hard cap', async () => {
    await start({ CONNECTOR_TIMEOUT_MS: '300', TURN_DEADLINE_MS: '4000' }, 'starter');
    h.connector.set('silent');
    const started = Date.now();
    expect(await post(normal())).toBe(200);
    await waitFor(() => logged('answer not confirmed by the connector').length === 1, 5000, 'the turn to end');
    await h.app.settled();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(h.connector.messages()).toHaveLength(1);
    // Handed to a connector that never said: delivery uncertain, billed once (README "Delivery and time limits").
    expect(logged('answer not confirmed by the connector')[0]).toMatchObject({ answer: 'uncertain', billed: true });
    expect(await billed()).toBe(1);
    expect(reserved()).toBe(0);
  });

  it('a silent connector slower than the turn deadline: abandoned at the deadline, in-flight released, nothing reserved', async () => {
    await start({ CONNECTOR_TIMEOUT_MS: '20000', TURN_DEADLINE_MS: '800' }, 'starter');
    h.connector.set('silent');
    const started = Date.now();
    expect(await post(normal())).toBe(200);
    await waitFor(() => logged('turn abandoned at its deadline').length === 1, 5000, 'the deadline');
    // settled() resolves once the in-flight count is zero: the hanging connector call is not waited for.
    await h.app.settled();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(reserved()).toBe(0);
    expect(logged('turn settled at its deadline')).toHaveLength(1);
  });

  it('a slow model past the deadline: abandoned, released, nothing sent after it, not billed', async () => {
    await start({ TURN_DEADLINE_MS: '600' }, 'starter');
    h.model.set({ content: 'Too late.', delayMs: 2000 });
    expect(await post(normal())).toBe(200);
    await waitFor(() => logged('turn abandoned at its deadline').length === 1, 5000, 'the deadline');
    await h.app.settled();
    expect(reserved()).toBe(0);
    expect(await billed()).toBe(0);
    expect(logged('turn settled at its deadline')[0]).toMatchObject({ answer: 'none', billed: false });
    // The model's late answer never reaches the user.
    await waitFor(() => h.model.requests.length === 1);
    expect(h.connector.messages().map((m) => m.activity.text)).not.toContain('Too late.');
  });

  it.each([
    ['answers 500', { status: 500 } as const],
    ['never answers', 'silent' as const],
  ])('token endpoint that %s: nothing delivered, not billed, released; served again once it is back', async (_why, how) => {
    await start({}, 'starter');
    h.tokens.set(how);
    expect(await post(normal())).toBe(200);
    await waitFor(() => h.logs.some((l) => l.msg === 'bot token unavailable'), 5000, 'the token failure');
    await waitFor(() => logged('answer not confirmed by the connector').length === 1, 5000, 'the turn to end');
    await h.app.settled();
    expect(h.connector.messages()).toHaveLength(0);
    expect(logged('answer not confirmed by the connector')[0]).toMatchObject({ answer: 'not-delivered', billed: false });
    expect(await billed()).toBe(0);
    expect(reserved()).toBe(0);

    h.tokens.set('ok');
    expect(await post(normal())).toBe(200);
    await waitFor(() => h.connector.messages().length === 1, 5000, 'the answer');
    expect(await billed()).toBe(1);
  });

  it('keeps expectReplies as it was: one response carrying the replies, nothing sent to the connector', async () => {
    await start();
    const res = await fetch(`${h.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await h.keys.sign(h.connector.serviceUrl)}` },
      body: JSON.stringify({ ...messageActivity(), serviceUrl: h.connector.serviceUrl }),
    });
    const body = (await res.json()) as { activities: { type: string; text?: string }[] };
    expect(res.status).toBe(200);
    expect(body.activities.filter((a) => a.type === 'message').map((a) => a.text)).toEqual(['The answer.']);
    expect(h.connector.calls).toHaveLength(0);
    expect(await billed()).toBe(1);
  });
});
