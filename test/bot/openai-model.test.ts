import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import { MODEL_APOLOGY } from '../../src/bot/turn-middleware';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { messageActivity, postActivity } from '../helpers/activities';
import { startOpenAIStub } from '../helpers/openai-stub';
import { seedSubscription } from '../helpers/seed';
import { startTestApp } from '../helpers/test-app';

describe('the real openai client against a local OpenAI-compatible stub', () => {
  let stub: Awaited<ReturnType<typeof startOpenAIStub>>;
  let app: RunningApp;
  const db = () => (app.store as SqliteStore).db;
  /** The usage events, once the turns answered so far have had their usage written (it follows the reply). */
  const events = async () => {
    await app.settled();
    return db().prepare('SELECT * FROM usage_events ORDER BY rowid').all() as Record<string, unknown>[];
  };

  beforeAll(async () => {
    stub = await startOpenAIStub();
  });
  afterAll(() => stub.close());
  beforeEach(async () => {
    stub.set({});
    stub.requests.length = 0;
    app = await startTestApp({ OPENAI_BASE_URL: stub.baseUrl, OPENAI_MODEL: 'stub-model', MODEL_MAX_RETRIES: '0' });
    await seedSubscription(app.store, { tenantId: 'tenant-a', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
  });
  afterEach(() => app.close());

  it('answers with the model’s reply and records its token usage', async () => {
    stub.set({ content: 'Paris.', promptTokens: 123, completionTokens: 7 });
    const res = await postActivity(app.url, messageActivity({ text: 'Capital of France?' }));
    expect(res.text).toBe('Paris.');
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]!.body.model).toBe('stub-model');
    expect(stub.requests[0]!.body.messages!.at(-1)).toEqual({ role: 'user', content: 'Capital of France?' });
    expect(await events()).toMatchObject([
      { prompt_tokens: 123, completion_tokens: 7, total_tokens: 130, dimension: 'messages', quantity: 1 },
    ]);
  });

  it('bills token-heavy turns by the token rule', async () => {
    stub.set({ promptTokens: 5500, completionTokens: 600 });
    await postActivity(app.url, messageActivity());
    expect(await events()).toMatchObject([{ total_tokens: 6100, dimension: 'premium_messages', quantity: 4 }]);
  });

  it('counts tokens with the tokenizer when the server omits usage', async () => {
    stub.set({ omitUsage: true, content: 'A reasonably short answer.' });
    await postActivity(app.url, messageActivity());
    const [event] = await events();
    expect(event!.completion_tokens).toBeGreaterThan(0);
    expect(event!.prompt_tokens).toBeGreaterThan(0);
  });

  it('apologises on a 500 from the model and bills nothing, releasing the reservation', async () => {
    // A hard-capped plan, so that the turn holds a reservation that must be given back.
    await seedSubscription(app.store, {
      tenantId: 'tenant-capped',
      planId: 'starter',
      term: { startDate: new Date(Date.UTC(2020, 0, 1)) },
    });
    stub.set({ status: 500 });
    const capped = await postActivity(app.url, messageActivity({ tenantId: 'tenant-capped' }));
    expect(capped.text).toBe(MODEL_APOLOGY);
    await app.settled();
    expect(db().prepare('SELECT used, reserved FROM usage_counters').all()).toEqual([{ used: 0, reserved: 0 }]);
    const res = await postActivity(app.url, messageActivity());
    expect(res.status).toBe(200);
    expect(res.text).toBe(MODEL_APOLOGY);
    expect(await events()).toHaveLength(0);
    expect((db().prepare('SELECT COUNT(*) AS n FROM usage_outbox').get() as { n: number }).n).toBe(0);
    expect((db().prepare('SELECT COUNT(*) AS n FROM quota_reservations').get() as { n: number }).n).toBe(0);
    expect(db().prepare('SELECT used, reserved FROM usage_counters').all()).toEqual([{ used: 0, reserved: 0 }]);
    // The next turn works again once the model is back.
    stub.set({ content: 'Back.' });
    expect((await postActivity(app.url, messageActivity())).text).toBe('Back.');
    expect(await events()).toHaveLength(1);
  });

  it('stores message and response text only when the operator opts in', async () => {
    await app.close();
    app = await startTestApp({ OPENAI_BASE_URL: stub.baseUrl, STORE_MESSAGE_TEXT: 'true' });
    await seedSubscription(app.store, { tenantId: 'tenant-a', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
    stub.set({ content: 'Stored answer.' });
    await postActivity(app.url, messageActivity({ text: 'Keep this question' }));
    expect(await events()).toMatchObject([{ message_text: 'Keep this question', response_text: 'Stored answer.' }]);
  });
});
