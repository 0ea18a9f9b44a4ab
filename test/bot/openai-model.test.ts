import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import { translator } from '../../src/i18n/translator';
import { GPT3Tokenizer } from '@microsoft/teams-ai';
import { billingPeriodAt } from '../../src/domain/periods';
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
    expect(capped.text).toBe(translator('en').t('turn.modelApology'));
    await app.settled();
    // Its worst case was held on both dimensions, and both holds went back.
    expect(db().prepare('SELECT used, reserved FROM usage_counters').all()).toEqual([
      { used: 0, reserved: 0 },
      { used: 0, reserved: 0 },
    ]);
    const res = await postActivity(app.url, messageActivity());
    expect(res.status).toBe(200);
    expect(res.text).toBe(translator('en').t('turn.modelApology'));
    expect(await events()).toHaveLength(0);
    expect((db().prepare('SELECT COUNT(*) AS n FROM usage_outbox').get() as { n: number }).n).toBe(0);
    expect((db().prepare('SELECT COUNT(*) AS n FROM quota_reservations').get() as { n: number }).n).toBe(0);
    expect((db().prepare('SELECT COUNT(*) AS n FROM turn_claims').get() as { n: number }).n).toBe(0);
    expect(db().prepare('SELECT used, reserved FROM usage_counters').all()).toEqual([
      { used: 0, reserved: 0 },
      { used: 0, reserved: 0 },
    ]);
    // The next turn works again once the model is back.
    stub.set({ content: 'Back.' });
    expect((await postActivity(app.url, messageActivity())).text).toBe('Back.');
    expect(await events()).toHaveLength(1);
  });

  it('never serves a long conversation on a fresh starter tenant past its 50 premium units (the 70-turn case)', async () => {
    const s = await seedSubscription(app.store, {
      tenantId: 'tenant-starter',
      planId: 'starter',
      term: { startDate: new Date(Date.UTC(2020, 0, 1)) },
    });
    // A provider that counts the prompt it receives far more heavily than our tokenizer does (1 token per 1.5
    // characters: dense text) and always writes the longest answer allowed: the history grows the turn's tokens.
    stub.set({
      content: 'A long and careful answer. '.repeat(20),
      usage: (request) => ({
        promptTokens: Math.ceil((request.messages ?? []).reduce((n, m) => n + m.content.length, 0) / 1.5),
        completionTokens: request.max_tokens ?? 0,
      }),
    });
    const question = (i: number) => `Question ${i}: ${'please explain this part of the contract in detail, '.repeat(16)}`;
    for (let i = 0; i < 70; i++) {
      const res = await postActivity(
        app.url,
        messageActivity({ tenantId: 'tenant-starter', conversationId: 'long', text: question(i) }),
      );
      expect(res.text).toContain('A long and careful answer.');
    }
    await app.settled();
    const counters = await app.store.usage.counters(s.id, billingPeriodAt(new Date(), s.term).start);
    const used = Object.fromEntries(counters.map((c) => [c.dimension, c.used]));
    expect(counters.every((c) => c.reserved === 0)).toBe(true);
    expect(used.premium_messages).toBe(50);
    const turns = db()
      .prepare("SELECT dimension, quantity FROM usage_events WHERE tenant_id = 'tenant-starter' ORDER BY rowid")
      .all() as {
      dimension: string;
      quantity: number;
    }[];
    expect(turns).toHaveLength(70);
    expect(used.messages).toBe(turns.filter((t) => t.dimension === 'messages').length);
    // Multi-unit turns happened (the history was long), and once premium was spent the prompt was cut so that the
    // turn could not cross 2,000 tokens by our tokenizer's count: the last requests are short.
    expect(turns.some((t) => t.quantity > 1)).toBe(true);
    expect(turns.slice(-10).every((t) => t.dimension === 'messages')).toBe(true);
    const tokenizer = new GPT3Tokenizer();
    for (const r of stub.requests.slice(-10)) {
      const tokens = r.body.messages!.reduce((n, m) => n + tokenizer.encode(m.content).length, 0);
      expect(tokens + r.body.max_tokens!).toBeLessThanOrEqual(2000);
    }
  }, 60_000);

  it('stores message and response text only when the operator opts in', async () => {
    await app.close();
    app = await startTestApp({ OPENAI_BASE_URL: stub.baseUrl, STORE_MESSAGE_TEXT: 'true' });
    await seedSubscription(app.store, { tenantId: 'tenant-a', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
    stub.set({ content: 'Stored answer.' });
    await postActivity(app.url, messageActivity({ text: 'Keep this question' }));
    expect(await events()).toMatchObject([{ message_text: 'Keep this question', response_text: 'Stored answer.' }]);
  });
});
