import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyKeyOf } from '../../src/domain/conversation-history';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { messageActivity, postActivity } from '../helpers/activities';
import { botProcessEnv, startBot } from '../helpers/bot-process';
import { startOpenAIStub } from '../helpers/openai-stub';
import { seedSubscription } from '../helpers/seed';
import { waitFor } from '../helpers/wait-for';

/**
 * Two bot processes on one store file: a conversation's history is the store's, so whichever instance takes the
 * next message knows what was said to the other; two messages of one conversation answered at the same moment by
 * the two instances both end up in its history (the second write merges).
 */
describe('conversation history across two bot processes', () => {
  let stub: Awaited<ReturnType<typeof startOpenAIStub>>;
  let store: SqliteStore;
  let dir: string;
  const bots: { url: string; child: ChildProcess }[] = [];

  beforeAll(async () => {
    stub = await startOpenAIStub({ content: 'Noted.' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'history-scale-out-'));
    store = openSqliteStore(path.join(dir, 'bot.sqlite'));
    await seedSubscription(store, { tenantId: 'tenant-a', planId: 'business', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
    const env = botProcessEnv(dir, { ENTITLEMENT_CACHE_SECONDS: '0', OPENAI_BASE_URL: stub.baseUrl, MODEL_MAX_RETRIES: '0' });
    bots.push(...(await Promise.all([startBot(env), startBot(env)])));
  }, 60_000);

  afterAll(async () => {
    for (const b of bots) b.child.kill('SIGTERM');
    await store?.close();
    await stub?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const version = async (conversationId: string) =>
    (await store.history.load(historyKeyOf({ tenantId: 'tenant-a', conversationId }), new Date())).version;
  /** Posts to one instance and waits until its history write is committed (it follows the reply by a few ms). */
  const ask = async (bot: number, text: string, conversationId = 'conv-shared') => {
    const before = await version(conversationId);
    const reply = await postActivity(bots[bot]!.url, messageActivity({ conversationId, text }));
    expect(reply.text).toBe('Noted.');
    await waitFor(async () => (await version(conversationId)) > before, 5000, 'the history write');
  };
  const lastPrompt = () =>
    (stub.requests.at(-1)!.body.messages ?? []).filter((m) => m.role !== 'system').map((m) => `${m.role}: ${m.content}`);

  it('whichever instance answers, the model gets the whole conversation', async () => {
    await ask(0, 'My name is Ada.');
    await ask(1, 'I live in Lyon.');
    expect(lastPrompt()).toEqual(['user: My name is Ada.', 'assistant: Noted.', 'user: I live in Lyon.']);
    await ask(0, 'Where do I live?');
    expect(lastPrompt()).toEqual([
      'user: My name is Ada.',
      'assistant: Noted.',
      'user: I live in Lyon.',
      'assistant: Noted.',
      'user: Where do I live?',
    ]);
  }, 60_000);

  it('two messages of one conversation answered at once by the two instances are both remembered', async () => {
    stub.set({ content: 'Noted.', delayMs: 200 });
    const replies = await Promise.all([
      postActivity(bots[0]!.url, messageActivity({ conversationId: 'conv-race', text: 'First, from A' })),
      postActivity(bots[1]!.url, messageActivity({ conversationId: 'conv-race', text: 'Second, from B' })),
    ]);
    expect(replies.map((r) => r.text)).toEqual(['Noted.', 'Noted.']);
    const key = historyKeyOf({ tenantId: 'tenant-a', conversationId: 'conv-race' });
    await waitFor(async () => (await store.history.load(key, new Date())).exchanges.length === 2, 5000, 'both exchanges');
    const stored = await store.history.load(key, new Date());
    expect(stored.exchanges.map((e) => e.user).sort()).toEqual(['First, from A', 'Second, from B']);
    // Both read an empty history; the second write found the first and added to it.
    expect(stored.version).toBe(2);
  }, 60_000);
});
