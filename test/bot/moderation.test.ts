import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { messageActivity, postActivity } from '../helpers/activities';
import { startModerationStub } from '../helpers/moderation-stub';
import { startOpenAIStub } from '../helpers/openai-stub';
import { seedSubscription } from '../helpers/seed';
import { startTestApp, testEnv } from '../helpers/test-app';

const SAFE_ANSWER = 'Here is a calm and helpful answer.';

describe('moderation of input and output, against a local moderation service', () => {
  let moderation: Awaited<ReturnType<typeof startModerationStub>>;
  let model: Awaited<ReturnType<typeof startOpenAIStub>>;
  let app: RunningApp;

  beforeAll(async () => {
    moderation = await startModerationStub();
    model = await startOpenAIStub({ content: SAFE_ANSWER });
  });
  afterAll(async () => Promise.all([moderation.close(), model.close()]));
  afterEach(async () => {
    await app.close();
    moderation.requests.length = 0;
    model.requests.length = 0;
    moderation.set({});
    model.set({ content: SAFE_ANSWER });
  });

  /** A starter plan (hard caps): every admitted turn holds units, so "nothing counted" also means "nothing held". */
  const start = async (env: Record<string, string>) => {
    app = await startTestApp({ OPENAI_BASE_URL: model.baseUrl, MODEL_MAX_RETRIES: '0', ...env });
    await seedSubscription(app.store, { tenantId: 'tenant-a', planId: 'starter', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
  };
  const openai = (env: Record<string, string> = {}) =>
    start({ MODERATION: 'openai', MODERATION_BASE_URL: moderation.openAIBaseUrl, MODERATION_API_KEY: 'mod-key', ...env });
  const azure = (env: Record<string, string> = {}) =>
    start({
      MODERATION: 'azure-content-safety',
      MODERATION_BASE_URL: moderation.contentSafetyEndpoint,
      MODERATION_API_KEY: 'cs-key',
      ...env,
    });
  /** Usage once the turns so far are settled: events billed, units used and still held, claims open. */
  const usage = async () => {
    await app.settled();
    const db = (app.store as SqliteStore).db;
    const n = (sql: string) => (db.prepare(sql).get() as { n: number | null }).n ?? 0;
    return {
      billed: n('SELECT COUNT(*) AS n FROM usage_events'),
      used: n('SELECT SUM(used) AS n FROM usage_counters'),
      held: n('SELECT SUM(reserved) AS n FROM usage_counters') + n('SELECT COUNT(*) AS n FROM turn_claims'),
    };
  };
  const say = (text: string, locale?: string) =>
    postActivity(app.url, { ...messageActivity({ text }), ...(locale ? { locale } : {}) });

  it('lets a clean message through to the model, checks the answer, and bills it as usual', async () => {
    await openai();
    const res = await say('How do I bake bread?');
    expect(res.text).toContain(SAFE_ANSWER);
    expect(model.requests).toHaveLength(1);
    // Input, then output, each to /v1/moderations with the key and model.
    expect(moderation.requests.map((r) => [r.url, r.body.input])).toEqual([
      ['/v1/moderations', 'How do I bake bread?'],
      ['/v1/moderations', SAFE_ANSWER],
    ]);
    expect(moderation.requests.at(0)?.headers.authorization).toBe('Bearer mod-key');
    expect(moderation.requests.at(0)?.body.model).toBe('omni-moderation-latest');
    expect(await usage()).toEqual({ billed: 1, used: 1, held: 0 });
  });

  it('refuses flagged input politely, in the user’s language, without calling the model or counting anything', async () => {
    await openai();
    const en = await say('FLAG-ME please');
    expect(en.text).toContain('the content safety check flagged it');
    expect(en.text).toContain('It was not counted.');
    const fr = await say('FLAG-ME s’il vous plaît', 'fr-FR');
    expect(fr.text).toContain('le contrôle de sécurité du contenu l’a signalé');
    expect(model.requests).toHaveLength(0);
    // No AI label or feedback buttons on a refusal: it is not an AI answer.
    const refusal = en.body.activities!.find((a) => a.type === 'message') as { entities?: unknown[] };
    expect(refusal.entities ?? []).not.toContainEqual(expect.objectContaining({ additionalType: ['AIGeneratedContent'] }));
    expect(await usage()).toEqual({ billed: 0, used: 0, held: 0 });
    // The quota is intact: the next clean message is answered and billed once.
    expect((await say('And now a clean question')).text).toContain(SAFE_ANSWER);
    expect(await usage()).toEqual({ billed: 1, used: 1, held: 0 });
  });

  it('replaces a flagged answer with a safe message and does not bill the turn (the user got no answer)', async () => {
    await openai();
    model.set({ content: 'FLAG-ME: something awful' });
    const res = await say('Tell me a story');
    expect(model.requests).toHaveLength(1);
    expect(res.text).not.toContain('something awful');
    expect(res.text).toContain('the content safety check withheld it');
    expect(await usage()).toEqual({ billed: 0, used: 0, held: 0 });
  });

  it('keeps a withheld answer out of the conversation history: the next prompt does not carry it', async () => {
    await openai();
    const conversationId = 'conv-history';
    model.set({ content: 'FLAG-ME: something awful' });
    await postActivity(app.url, messageActivity({ conversationId, text: 'First question' }));
    model.set({ content: SAFE_ANSWER });
    const next = await postActivity(app.url, messageActivity({ conversationId, text: 'Second question' }));
    expect(next.text).toContain(SAFE_ANSWER);
    const prompt = JSON.stringify(model.requests.at(1)?.body.messages);
    expect(prompt).toContain('Second question');
    expect(prompt).not.toContain('something awful');
    expect(prompt).not.toContain('First question');
    // A third turn still has the clean exchange before it.
    await postActivity(app.url, messageActivity({ conversationId, text: 'Third question' }));
    expect(JSON.stringify(model.requests.at(2)?.body.messages)).toContain(SAFE_ANSWER);
  });

  it('checks only the side it is told to (MODERATION_SCOPE=input)', async () => {
    await openai({ MODERATION_SCOPE: 'input' });
    model.set({ content: 'FLAG-ME but unchecked' });
    const res = await say('Hello there, a question');
    expect(res.text).toContain('FLAG-ME but unchecked');
    expect(moderation.requests).toHaveLength(1);
  });

  it('speaks Azure AI Content Safety: a category at or above the severity threshold flags the text', async () => {
    await azure();
    const flagged = await say('FLAG-ME now');
    expect(flagged.text).toContain('the content safety check flagged it');
    expect(moderation.requests[0]).toMatchObject({
      url: '/contentsafety/text:analyze?api-version=2024-09-01',
      headers: { 'ocp-apim-subscription-key': 'cs-key' },
      body: { text: 'FLAG-ME now' },
    });
    expect(model.requests).toHaveLength(0);
    // Below the threshold (default 4): allowed.
    moderation.set({ severity: 2 });
    expect((await say('FLAG-ME mildly')).text).toContain(SAFE_ANSWER);
    expect(await usage()).toEqual({ billed: 1, used: 1, held: 0 });
  });

  it('fails closed by default when the moderator is down: refused politely, model not called, nothing counted', async () => {
    await openai();
    moderation.set({ status: 503 });
    const res = await say('Is anyone there?');
    expect(res.status).toBe(200);
    expect(res.text).toContain('couldn’t run the content safety check on your message');
    expect(model.requests).toHaveLength(0);
    expect(await usage()).toEqual({ billed: 0, used: 0, held: 0 });
  });

  it('fails closed on a timeout too, and withholds an answer it could not check', async () => {
    await openai({ MODERATION_TIMEOUT_MS: '200', MODERATION_SCOPE: 'output' });
    moderation.set({ delayMs: 2000 });
    const res = await say('Quick question');
    expect(model.requests).toHaveLength(1);
    expect(res.text).not.toContain(SAFE_ANSWER);
    expect(res.text).toContain('couldn’t run the content safety check on my answer');
    expect(await usage()).toEqual({ billed: 0, used: 0, held: 0 });
  });

  it('fails open with MODERATION_ON_ERROR=allow: the turn goes on unchecked and is billed', async () => {
    await azure({ MODERATION_ON_ERROR: 'allow' });
    moderation.set({ status: 500 });
    const res = await say('FLAG-ME but nobody can check');
    expect(res.text).toContain(SAFE_ANSWER);
    expect(await usage()).toEqual({ billed: 1, used: 1, held: 0 });
  });

  it('is off unless configured: no moderation call at all', async () => {
    await start({});
    expect((await say('FLAG-ME unmoderated')).text).toContain(SAFE_ANSWER);
    expect(moderation.requests).toHaveLength(0);
  });
});

describe('moderation settings', () => {
  it('defaults the OpenAI moderator to the model’s base URL and key, fail closed, both sides', () => {
    const config = loadConfig(testEnv({ MODERATION: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1', OPENAI_API_KEY: 'k' }));
    expect(config.moderation).toEqual({
      kind: 'openai',
      baseUrl: 'http://127.0.0.1:1234/v1',
      apiKey: 'k',
      model: 'omni-moderation-latest',
      scope: 'both',
      onError: 'refuse',
      timeoutMs: 5000,
    });
    expect(loadConfig(testEnv({})).moderation).toEqual({ kind: 'off' });
  });

  it('names what is missing or unsafe', () => {
    expect(() => loadConfig(testEnv({ MODERATION: 'azure-content-safety' }))).toThrow(
      /MODERATION_BASE_URL must be set[\s\S]*MODERATION_API_KEY must be set/,
    );
    expect(() => loadConfig(testEnv({ MODERATION: 'openai' }))).toThrow(/MODERATION_API_KEY must be set \(or OPENAI_API_KEY\)/);
    expect(() => loadConfig(testEnv({ MODERATION: 'sometimes' }))).toThrow(/MODERATION must be one of off, openai, azure-content-safety/);
    expect(() => loadConfig(testEnv({ MODERATION: 'openai', MODERATION_ON_ERROR: 'maybe' }))).toThrow(
      /MODERATION_ON_ERROR must be one of refuse, allow/,
    );
    expect(() =>
      loadConfig({
        ...testEnv({ MODERATION: 'openai', MODERATION_BASE_URL: 'http://moderation.example.com/v1', MODERATION_API_KEY: 'k' }),
        NODE_ENV: 'production',
      }),
    ).toThrow(/MODERATION_BASE_URL must be an https URL in production/);
    expect(() => loadConfig(testEnv({ FEEDBACK_RETENTION_DAYS: '10', FEEDBACK_TEXT_RETENTION_DAYS: '30' }))).toThrow(
      /FEEDBACK_TEXT_RETENTION_DAYS must be at most FEEDBACK_RETENTION_DAYS \(10\)/,
    );
  });
});
