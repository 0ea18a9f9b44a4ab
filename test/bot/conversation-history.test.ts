import { Writable } from 'node:stream';
import { GPTTokenizer } from '@microsoft/teams-ai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp, type RunningApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { MINUTE } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { messageActivity, postActivity } from '../helpers/activities';
import { FakeClock } from '../helpers/fake-clock';
import { startOpenAIStub } from '../helpers/openai-stub';
import { seedSubscription } from '../helpers/seed';
import { tempDir } from '../helpers/temp-dir';
import { testEnv } from '../helpers/test-app';

/**
 * Conversation history in the store (README "Conversation history"), through the real app and the real openai
 * client against the local stub: what the model is sent is what the bot remembered.
 */
describe('conversation history in the store', () => {
  let model: Awaited<ReturnType<typeof startOpenAIStub>>;
  const apps: RunningApp[] = [];
  let logs: string[] = [];

  beforeAll(async () => {
    model = await startOpenAIStub();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    model.requests.length = 0;
  });
  afterAll(async () => {
    await model.close();
  });

  /** An app on `dataDir` that answers each question with "Answer to <question>". */
  async function start(dataDir: string, env: Record<string, string> = {}, clock?: FakeClock) {
    model.set({
      usage: () => ({ promptTokens: 50, completionTokens: 10 }),
    });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const app = await startApp(loadConfig(testEnv({ DATA_DIR: dataDir, OPENAI_BASE_URL: model.baseUrl, MODEL_MAX_RETRIES: '0', ...env })), {
      logger: createLogger('debug', sink),
      ...(clock ? { clock } : {}),
    });
    apps.push(app);
    if (!(await app.store.subscriptions.listForTenant('tenant-a')).length) {
      await seedSubscription(app.store, { tenantId: 'tenant-a', planId: 'business', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
    }
    return app;
  }
  const ask = async (app: RunningApp, text: string, o: Parameters<typeof messageActivity>[0] = {}) => {
    const reply = await postActivity(app.url, messageActivity({ conversationId: 'conv-1', text, ...o }));
    expect(reply.status).toBe(200);
    await app.settled();
    return reply;
  };
  /** The chat messages of the model's last request, system prompt left out. */
  const lastPrompt = () =>
    (model.requests.at(-1)!.body.messages ?? []).filter((m) => m.role !== 'system').map((m) => `${m.role}: ${m.content}`);
  const rows = (app: RunningApp) =>
    ((app.store as SqliteStore).db.prepare('SELECT COUNT(*) AS n FROM conversation_history').get() as { n: number }).n;
  const billed = (app: RunningApp) =>
    ((app.store as SqliteStore).db.prepare('SELECT COUNT(*) AS n FROM usage_events').get() as { n: number }).n;

  it('survives a restart: the reopened app on the same file sends the earlier exchange to the model', async () => {
    logs = [];
    const dir = tempDir();
    const first = await start(dir);
    await ask(first, 'My name is Ada.');
    expect(lastPrompt()).toEqual(['user: My name is Ada.']);
    await first.close();
    apps.length = 0;
    const second = await start(dir);
    await ask(second, 'What is my name?');
    expect(lastPrompt()).toEqual(['user: My name is Ada.', 'assistant: Stub answer.', 'user: What is my name?']);
    // Another conversation has its own history.
    await ask(second, 'Hello there', { conversationId: 'conv-2' });
    expect(lastPrompt()).toEqual(['user: Hello there']);
    // Message text never reaches the logs (debug level included).
    expect(logs.join('')).not.toContain('Ada');
    expect(logs.join('')).not.toContain('Stub answer');
  });

  it('keeps at most HISTORY_MAX_EXCHANGES exchanges and HISTORY_MAX_TOKENS tokens, oldest dropped first', async () => {
    const app = await start(tempDir(), { HISTORY_MAX_EXCHANGES: '2' });
    for (const n of [1, 2, 3, 4]) await ask(app, `Question ${n}`);
    expect(lastPrompt()).toEqual([
      'user: Question 2',
      'assistant: Stub answer.',
      'user: Question 3',
      'assistant: Stub answer.',
      'user: Question 4',
    ]);
    // A token bound of 100: two exchanges of ~40 tokens fit, a third does not.
    const tight = await start(tempDir(), { HISTORY_MAX_TOKENS: '100' });
    const long = (n: number) => `Question ${n}: ${'word '.repeat(30)}`.trim();
    for (const n of [1, 2, 3, 4]) await ask(tight, long(n));
    const prompt = lastPrompt();
    expect(prompt.filter((m) => m.startsWith('user:'))).toEqual([`user: ${long(2)}`, `user: ${long(3)}`, `user: ${long(4)}`]);
    // Each stored exchange keeps the tokenizer's exact counts (the user's share apart), so the next prompt renders the
    // history without tokenizing it again.
    const stored = (tight.store as SqliteStore).db.prepare('SELECT exchanges FROM conversation_history').get() as { exchanges: string };
    const gpt = new GPTTokenizer();
    for (const e of JSON.parse(stored.exchanges) as { user: string; assistant: string; tokens: number; userTokens: number }[]) {
      expect(e.userTokens).toBe(gpt.encode(e.user).length);
      expect(e.tokens).toBe(e.userTokens + gpt.encode(e.assistant).length);
    }
  });

  it('forgets a conversation HISTORY_TTL_MINUTES after its last exchange; the sweep deletes the row', async () => {
    const clock = new FakeClock(new Date());
    const dir = tempDir();
    const app = await start(dir, { HISTORY_TTL_MINUTES: '60' }, clock);
    await ask(app, 'Remember the number 42.');
    clock.advance(59 * MINUTE);
    await ask(app, 'Which number?');
    expect(lastPrompt()).toHaveLength(3);
    // An hour after that last exchange the history is no longer read, and the sweep (every minute, and at start)
    // deletes it.
    clock.advance(61 * MINUTE);
    await ask(app, 'Which number, again?', { conversationId: 'conv-other' });
    expect(rows(app)).toBe(2);
    await app.close();
    apps.length = 0;
    const restarted = await start(dir, { HISTORY_TTL_MINUTES: '60' }, clock);
    expect(rows(restarted)).toBe(1);
    await ask(restarted, 'Which number?');
    expect(lastPrompt()).toEqual(['user: Which number?']);
  });

  it('`new chat` and its French and other forms forget the conversation, unbilled, ungated, in the user’s language', async () => {
    const app = await start(tempDir());
    await ask(app, 'First question');
    await ask(app, 'Second question');
    expect(rows(app)).toBe(1);
    const before = billed(app);
    const reset = await ask(app, 'New chat');
    expect(reset.text).toContain('I have forgotten our conversation so far');
    expect(rows(app)).toBe(0);
    expect(billed(app)).toBe(before);
    await ask(app, 'Third question');
    expect(lastPrompt()).toEqual(['user: Third question']);
    const french = await postActivity(
      app.url,
      { ...messageActivity({ conversationId: 'conv-1', text: 'nouvelle conversation' }), locale: 'fr-FR' },
    );
    expect(french.text).toContain('j’ai oublié notre conversation');
    for (const text of ['reset', '/new chat', 'Recommencer', 'nouveau chat']) {
      expect((await ask(app, text)).text).toContain('nothing to forget');
    }
    // "new" alone, or "new chat about X", is an ordinary question for the AI.
    const requests = model.requests.length;
    await ask(app, 'new');
    await ask(app, 'new chat about budgets');
    expect(model.requests.length).toBe(requests + 2);
    // Never gated: a tenant without a subscription gets the same answer.
    const stranger = await ask(app, 'new chat', { tenantId: 'tenant-without-subscription' });
    expect(stranger.text).toContain('nothing to forget');
    expect(billed(app)).toBe(before + 3);
  });

  it('costs an AI turn one read and one write of the store, and commands and refused turns none', async () => {
    const app = await start(tempDir());
    const load = vi.spyOn(app.store.history, 'load');
    const save = vi.spyOn(app.store.history, 'save');
    await ask(app, 'A question');
    await ask(app, 'Another question');
    expect([load.mock.calls.length, save.mock.calls.length]).toEqual([2, 2]);
    await ask(app, 'usage');
    await ask(app, 'help');
    await ask(app, 'A question', { tenantId: 'tenant-without-subscription' });
    expect([load.mock.calls.length, save.mock.calls.length]).toEqual([2, 2]);
  });

  it('HISTORY=off: each message stands alone, nothing is stored, `new chat` says so', async () => {
    const app = await start(tempDir(), { HISTORY: 'off' });
    const load = vi.spyOn(app.store.history, 'load');
    await ask(app, 'First question');
    await ask(app, 'Second question');
    expect(lastPrompt()).toEqual(['user: Second question']);
    expect(rows(app)).toBe(0);
    expect(load).not.toHaveBeenCalled();
    expect((await ask(app, 'new chat')).text).toContain('I do not keep a conversation history here');
  });
});
