import { describe, expect, it } from 'vitest';
import { messageActivity, postActivity } from '../helpers/activities';
import { streamSteps, type ConnectorCall } from '../helpers/bot-framework-stubs';
import { useConnectorDeliveryApp } from '../helpers/connector-delivery-app';
import { type StubBehaviour } from '../helpers/openai-stub';
import { waitFor } from '../helpers/wait-for';

/**
 * Streaming end to end on real HTTP (README "Streaming"): Teams' stand-in posts signed activities, the model is the
 * OpenAI-compatible stub streaming server-sent events, and the bot's activities land on the stub Bot Connector.
 * teams-ai's StreamingResponse spaces its sends by 1.5 s, so each streamed turn takes a few seconds.
 */
const ANSWER = 'Streaming answers arrive piece by piece.';
/** Provider-reported usage: 2,300 tokens, a premium message under the default billing rules. */
const USAGE = { promptTokens: 1200, completionTokens: 1100 };
const STREAMED: StubBehaviour = { content: ANSWER, ...USAGE, chunkDelayMs: 600 };

describe('streamed answers (personal chats, normal delivery)', () => {
  const h = useConnectorDeliveryApp({
    model: STREAMED,
    env: { TURN_DEADLINE_MS: '20000', CONNECTOR_TIMEOUT_MS: '2000' },
  });
  const { start, normal, post, logged, countOf, reserved } = h;
  const usage = async () => {
    await h.app.settled();
    return h
      .db()
      .prepare('SELECT dimension, quantity, prompt_tokens, completion_tokens, total_tokens FROM usage_events ORDER BY occurred_at')
      .all() as { dimension: string; quantity: number; prompt_tokens: number; completion_tokens: number; total_tokens: number }[];
  };
  /** Whether a message asks Teams for the 👍/👎 buttons, in either of teams-ai's two forms. */
  const feedbackOn = (call: ConnectorCall | undefined) =>
    call?.activity.channelData?.feedbackLoopEnabled === true || call?.activity.channelData?.feedbackLoop !== undefined;
  const aiLabelled = (call: ConnectorCall | undefined) =>
    call?.activity.entities?.some((e) => e.additionalType?.includes('AIGeneratedContent')) ?? false;

  it('streams in a personal chat: previews in order, then one final message with the AI label, billed once from the streamed usage', async () => {
    await start();
    expect(await post(normal({ text: 'Tell me something' }))).toBe(200);
    await waitFor(() => h.connector.messages().length === 1, 15_000, 'the final message');
    const steps = streamSteps(h.connector.calls);
    const previews = steps.filter((s) => s.type === 'typing');
    const final = steps.at(-1)!;
    // At least two previews (the model takes ~2.4 s, a preview goes every 1.5 s), numbered 1, 2, … in the order sent,
    // each text a prefix of the next, and the final message last, closing the stream the first preview opened.
    expect(previews.length).toBeGreaterThanOrEqual(2);
    expect(previews.map((p) => p.streamType)).toEqual(previews.map(() => 'streaming'));
    expect(previews.map((p) => p.sequence)).toEqual(previews.map((_, i) => i + 1));
    for (const [i, p] of previews.entries()) expect((previews[i + 1]?.text ?? ANSWER).startsWith(p.text!)).toBe(true);
    expect(previews[0]!.text!.length).toBeLessThan(ANSWER.length);
    expect(final).toMatchObject({ type: 'message', streamType: 'final', text: ANSWER });
    const firstId = h.connector.calls.indexOf(h.connector.calls.find((c) => c.activity.entities?.some((e) => e.type === 'streaminfo'))!);
    expect(final.streamId).toMatch(/^reply-\d+$/);
    expect(previews.slice(1).every((p) => p.streamId === final.streamId)).toBe(true);
    expect(h.connector.calls.indexOf(h.connector.messages()[0]!)).toBeGreaterThan(firstId);
    // The only message of the turn is the final one: the AI label stays on it, with the app's feedback setting.
    const [message] = h.connector.messages();
    expect(aiLabelled(message)).toBe(true);
    expect(typeof message!.activity.channelData?.feedbackLoopEnabled === 'boolean' || !!message!.activity.channelData?.feedbackLoop).toBe(true);
    // The model was asked for a stream with its usage; the turn is billed on that usage.
    expect(h.model.requests).toHaveLength(1);
    expect(h.model.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(await usage()).toEqual([
      { dimension: 'premium_messages', quantity: 1, prompt_tokens: 1200, completion_tokens: 1100, total_tokens: 2300 },
    ]);
    expect(reserved()).toBe(0);
    expect(JSON.stringify(h.logs)).not.toContain('Tell me something');
    expect(JSON.stringify(h.logs)).not.toContain(ANSWER);
  }, 30_000);

  it('group chats, channels and expectReplies get one message (no stream), billed exactly like the streamed answer', async () => {
    await start();
    // Group chat and channel, normal delivery: one message each.
    for (const conversationType of ['groupChat', 'channel']) {
      h.connector.calls.length = 0;
      expect(await post(normal({ conversationType }))).toBe(200);
      await waitFor(() => h.connector.messages().length === 1, 10_000, `the ${conversationType} answer`);
      await h.app.settled();
      expect(streamSteps(h.connector.calls)).toEqual([]);
      expect(h.connector.messages().map((m) => m.activity.text)).toEqual([ANSWER]);
      expect(aiLabelled(h.connector.messages()[0])).toBe(true);
    }
    const single = h.connector.messages()[0];
    // expectReplies in a personal chat: the answer travels in the HTTP response, in one message.
    const held = await postActivity(h.app.url, messageActivity({ text: 'Held' }), {
      authorization: `Bearer ${await h.keys.sign('http://127.0.0.1:9/')}`,
    });
    expect(held.status).toBe(200);
    expect(held.replies.map((r) => r.text)).toEqual([ANSWER]);
    expect(h.model.requests.map((r) => r.body.stream ?? false)).toEqual([false, false, false]);
    // And a streamed one, for comparison.
    h.connector.calls.length = 0;
    expect(await post(normal())).toBe(200);
    await waitFor(() => h.connector.messages().length === 1, 15_000, 'the streamed answer');
    expect(h.model.requests.at(-1)!.body.stream).toBe(true);
    expect(feedbackOn(h.connector.messages()[0])).toBe(feedbackOn(single));
    // Four turns, four identical usage events: streaming changes nothing in billing.
    const events = await usage();
    expect(events).toHaveLength(4);
    for (const e of events) {
      expect(e).toEqual({ dimension: 'premium_messages', quantity: 1, prompt_tokens: 1200, completion_tokens: 1100, total_tokens: 2300 });
    }
    expect(reserved()).toBe(0);
  }, 40_000);

  it('a model that breaks off mid-stream: the final message says so, nothing else is sent, not billed, nothing held', async () => {
    await start();
    h.model.set({ ...STREAMED, breakAfterChunks: 3 });
    expect(await post(normal())).toBe(200);
    await waitFor(() => h.connector.messages().length === 1, 15_000, 'the final message');
    await waitFor(() => logged('turn failed after its answer was handed over').length === 1, 5000, 'the turn to end');
    // What was streamed before the break (the pieces the client had read), then the note.
    const note = '\n\n(The answer was interrupted. It was not counted: please ask again.)';
    const [message] = h.connector.messages();
    expect(message!.activity.text!.endsWith(note)).toBe(true);
    const partial = message!.activity.text!.slice(0, -note.length);
    expect(partial.length).toBeGreaterThan(0);
    expect(ANSWER.startsWith(partial) && partial.length < ANSWER.length).toBe(true);
    const previews = streamSteps(h.connector.calls).filter((s) => s.type === 'typing');
    expect(previews.length).toBeGreaterThanOrEqual(1);
    expect(previews.every((s) => partial.startsWith(s.text!))).toBe(true);
    // No apology after it (the note is the apology), no usage, the claim and held units back.
    expect(h.connector.messages()).toHaveLength(1);
    expect(logged('model call failed')).toHaveLength(1);
    expect(await usage()).toEqual([]);
    expect(reserved()).toBe(0);
    // Nor does the broken exchange enter the conversation history.
    expect(countOf('SELECT COUNT(*) AS n FROM conversation_history')).toBe(0);
  }, 30_000);

  it('French users get the interruption note in French', async () => {
    await start();
    h.model.set({ ...STREAMED, breakAfterChunks: 2, chunkDelayMs: 0 });
    expect(await post({ ...normal(), locale: 'fr-FR' })).toBe(200);
    await waitFor(() => h.connector.messages().length === 1, 15_000, 'the final message');
    expect(h.connector.messages()[0]!.activity.text).toContain('La réponse a été interrompue. Elle n’a pas été décomptée');
    expect(await usage()).toEqual([]);
  }, 30_000);

  it('a model that fails before any text: no stream at all, the usual apology, not billed', async () => {
    await start();
    h.model.set({ ...STREAMED, breakAfterChunks: 0 });
    expect(await post(normal())).toBe(200);
    await waitFor(() => h.connector.messages().length === 1, 10_000, 'the apology');
    expect(streamSteps(h.connector.calls)).toEqual([]);
    expect(h.connector.messages()[0]!.activity.text).toContain('This message was not counted');
    expect(await usage()).toEqual([]);
    expect(reserved()).toBe(0);
  }, 20_000);

  it('previews the connector loses: no more previews, the whole answer goes as a plain final message, billed once', async () => {
    await start();
    h.connector.set('ok', undefined, { status: 502 });
    expect(await post(normal())).toBe(200);
    await waitFor(() => h.connector.messages().length === 1, 15_000, 'the final message');
    await waitFor(() => logged('stream previews not delivered; the answer went in its final message').length === 1, 5000, 'the log');
    // One preview tried, none after it; the final message has no stream to close: a plain message with the label.
    const previews = h.connector.calls.filter((c) => c.activity.type === 'typing' && c.activity.channelData?.streamType);
    expect(previews).toHaveLength(1);
    const [message] = h.connector.messages();
    expect(message!.activity.text).toBe(ANSWER);
    expect(message!.activity.entities?.some((e) => e.type === 'streaminfo')).toBe(false);
    expect(message!.activity.channelData?.streamType).toBeUndefined();
    expect(aiLabelled(message)).toBe(true);
    expect(logged('stream previews not delivered; the answer went in its final message')[0]).toMatchObject({ previews: 'uncertain' });
    expect(await usage()).toHaveLength(1);
    expect(reserved()).toBe(0);
  }, 30_000);

  it('a final message the connector refuses (403): not billed even though previews were shown, no apology', async () => {
    await start();
    h.connector.set('ok', { status: 403 });
    expect(await post(normal())).toBe(200);
    await waitFor(() => logged('answer not confirmed by the connector').length === 1, 15_000, 'the turn to end');
    expect(streamSteps(h.connector.calls).filter((s) => s.type === 'typing').length).toBeGreaterThanOrEqual(1);
    expect(h.connector.messages()).toHaveLength(1);
    expect(logged('answer not confirmed by the connector')[0]).toMatchObject({ answer: 'not-delivered', billed: false });
    expect(await usage()).toEqual([]);
    expect(reserved()).toBe(0);
  }, 30_000);

  it('the turn deadline mid-stream: nothing more is sent, not billed, nothing held', async () => {
    await start({ TURN_DEADLINE_MS: '2500' });
    h.model.set({ ...STREAMED, chunkDelayMs: 1000 });
    expect(await post(normal())).toBe(200);
    await waitFor(() => logged('turn settled at its deadline').length === 1, 10_000, 'the deadline');
    const sentAtDeadline = h.connector.calls.length;
    expect(streamSteps(h.connector.calls).filter((s) => s.type === 'typing').length).toBeGreaterThanOrEqual(1);
    expect(logged('turn settled at its deadline')[0]).toMatchObject({ answer: 'none', billed: false });
    await h.app.settled();
    // The model's stream was cancelled; no final message, no preview after the deadline.
    await waitFor(() => logged('model call failed').length === 1, 5000, 'the model call to end');
    expect(h.connector.calls.length).toBe(sentAtDeadline);
    expect(h.connector.messages()).toEqual([]);
    expect(await usage()).toEqual([]);
    expect(reserved()).toBe(0);
  }, 30_000);
});
