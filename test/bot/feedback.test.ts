import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import type { ContentReport } from '../../src/bot/feedback/feedback-recorder';
import { cardToText } from '../../src/cli/card-text';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { messageActivity, postActivity } from '../helpers/activities';
import { startStubConnector } from '../helpers/bot-framework-stubs';
import { feedbackInvoke, teamsFeedback } from '../helpers/feedback-activities';
import { startOpenAIStub } from '../helpers/openai-stub';
import { seedSubscription } from '../helpers/seed';
import { startTestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

/** What a test reads of a reply: its markers. */
interface SentActivity {
  type: string;
  channelData?: { feedbackLoop?: unknown };
  entities?: unknown[];
}

interface FeedbackRow {
  tenant_id: string;
  user_id: string;
  feedback_key: string;
  reply_id: string | null;
  subscription_id: string | null;
  reaction: string;
  comment: string | null;
  message_text: string | null;
  is_report: number;
}

describe('👍/👎 feedback on AI answers, through the real server', () => {
  let app: RunningApp;
  let reports: ContentReport[];
  const rows = () => (app.store as SqliteStore).db.prepare('SELECT * FROM ai_feedback ORDER BY id').all() as FeedbackRow[];
  const start = async (env: Record<string, string> = {}) => {
    reports = [];
    app = await startTestApp(env, { onContentReport: (r) => void reports.push(r) });
    await seedSubscription(app.store, { tenantId: 'tenant-a', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
  };
  afterEach(() => app.close());

  it('marks every AI answer with the AI label and the feedback buttons', async () => {
    await start();
    const res = await postActivity(app.url, messageActivity({ text: 'What is a haiku?' }));
    expect(res.replies).toHaveLength(1);
    const answer = res.body.activities!.find((a) => a.type === 'message') as SentActivity;
    expect(answer.channelData).toMatchObject({ feedbackLoop: { type: 'default' } });
    expect(answer.entities).toContainEqual(expect.objectContaining({ additionalType: ['AIGeneratedContent'] }));
    // A command's card is not an AI answer: no buttons to rate it.
    const help = await postActivity(app.url, messageActivity({ text: 'help' }));
    const card = help.body.activities!.find((a) => a.type === 'message') as SentActivity;
    expect(card.channelData?.feedbackLoop).toBeUndefined();
  });

  it('stores a 👎 with a comment sent the Teams way (a JSON string) as a content report, and answers 200', async () => {
    await start();
    const res = await postActivity(app.url, feedbackInvoke({ feedback: teamsFeedback('  It made up a law. ') }));
    expect(res.status).toBe(200);
    expect(rows()).toEqual([
      expect.objectContaining({
        tenant_id: 'tenant-a',
        user_id: 'user-1',
        reply_id: 'answer-1',
        subscription_id: expect.stringContaining('sub-tenant-a'),
        reaction: 'dislike',
        comment: 'It made up a law.',
        message_text: null,
        is_report: 1,
      }),
    ]);
    await waitFor(() => reports.length === 1, 2000, 'the content report listener');
    expect(reports[0]).toMatchObject({ tenantId: 'tenant-a', replyId: 'answer-1', comment: 'It made up a law.' });
    expect(reports[0]?.reportId).toMatch(/^[0-9a-f]{24}$/);
  });

  it('takes the Agents Playground way too (plain text), and a 👍 or a bare 👎 is feedback, not a report', async () => {
    await start();
    expect((await postActivity(app.url, feedbackInvoke({ replyToId: 'a-1', feedback: 'Rude tone.' }))).status).toBe(200);
    expect((await postActivity(app.url, feedbackInvoke({ replyToId: 'a-2', reaction: 'like', feedback: teamsFeedback('Great') }))).status).toBe(200);
    expect((await postActivity(app.url, feedbackInvoke({ replyToId: 'a-3', feedback: teamsFeedback('') }))).status).toBe(200);
    expect((await postActivity(app.url, feedbackInvoke({ replyToId: 'a-4' }))).status).toBe(200);
    expect(rows().map((r) => [r.reply_id, r.reaction, r.comment, r.is_report])).toEqual([
      ['a-1', 'dislike', 'Rude tone.', 1],
      ['a-2', 'like', 'Great', 0],
      ['a-3', 'dislike', null, 0],
      ['a-4', 'dislike', null, 0],
    ]);
    await waitFor(() => reports.length === 1, 2000, 'the content report listener');
    expect(reports.map((r) => r.replyId)).toEqual(['a-1']);
  });

  it('keeps the Agents Playground’s feedback, which names no answer (no replyToId), under the invoke’s own id', async () => {
    await start();
    // What the Playground posts: plain text, no replyToId.
    const invoke = feedbackInvoke({ replyToId: null, feedback: 'Not what I asked' });
    expect((await postActivity(app.url, invoke)).status).toBe(200);
    expect((await postActivity(app.url, invoke)).status).toBe(200);
    expect(rows().map((r) => [r.feedback_key, r.reply_id, r.comment, r.is_report])).toEqual([
      [`invoke:${String(invoke.id)}`, null, 'Not what I asked', 1],
    ]);
    await waitFor(() => reports.length === 1, 2000, 'the content report listener');
  });

  it('is idempotent: the same invoke delivered again is answered 200 and stored and reported once', async () => {
    await start();
    const invoke = feedbackInvoke({ feedback: teamsFeedback('Wrong dates.') });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await postActivity(app.url, { ...invoke, id: `redelivery-${i}` })).status);
    expect(statuses).toEqual([200, 200, 200]);
    expect(rows()).toHaveLength(1);
    await waitFor(() => reports.length === 1, 2000, 'the content report listener');
    // Still exactly one once the listeners of the later deliveries (had there been any) would have run.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(reports).toHaveLength(1);
  });

  it('answers 200 to malformed or foreign submit actions and stores nothing', async () => {
    await start();
    const cases: [string, Record<string, unknown>][] = [
      ['no value', feedbackInvoke({ value: undefined })],
      ['value is text', feedbackInvoke({ value: 'feedback' })],
      ['value is null', feedbackInvoke({ value: null })],
      ['another action', feedbackInvoke({ value: { actionName: 'share', actionValue: {} } })],
      ['no actionValue', feedbackInvoke({ value: { actionName: 'feedback' } })],
      ['unknown reaction', feedbackInvoke({ reaction: 'meh', feedback: 'x' })],
      ['feedback is a number', feedbackInvoke({ reaction: 'like', replyToId: 'num', feedback: 42 })],
      ['broken JSON', feedbackInvoke({ replyToId: 'json', feedback: '{"feedbackText": "unterminated' })],
      ['no Entra user', feedbackInvoke({ userId: null, feedback: 'x' })],
    ];
    for (const [what, invoke] of cases) {
      const res = await postActivity(app.url, invoke);
      expect(res.status, what).toBe(200);
      expect(res.raw, what).not.toMatch(/at .*\.js|Error/);
    }
    // A number is no comment, and unparsable JSON is kept as the text the user typed.
    expect(rows().map((r) => [r.reply_id, r.reaction, r.comment])).toEqual([
      ['num', 'like', null],
      ['json', 'dislike', '{"feedbackText": "unterminated'],
    ]);
  });

  it('answers 200 even when the store cannot take the feedback (logged, not a 5xx)', async () => {
    await start();
    app.store.feedback.record = () => Promise.reject(new Error('database is locked'));
    const res = await postActivity(app.url, feedbackInvoke({ feedback: 'x' }));
    expect(res.status).toBe(200);
    expect(reports).toEqual([]);
  });
});

describe('the rated answer’s text is kept only with STORE_MESSAGE_TEXT (normal delivery)', () => {
  let connector: Awaited<ReturnType<typeof startStubConnector>>;
  let model: Awaited<ReturnType<typeof startOpenAIStub>>;
  let app: RunningApp;
  beforeAll(async () => {
    connector = await startStubConnector();
    model = await startOpenAIStub({ content: 'Paris is the capital of France.' });
  });
  afterAll(async () => Promise.all([connector.close(), model.close()]));
  afterEach(() => app.close());

  const rateFirstAnswer = async () => {
    await seedSubscription(app.store, { tenantId: 'tenant-a', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
    const message = { ...messageActivity({ expectReplies: false, text: 'Capital of France?' }), serviceUrl: connector.serviceUrl };
    const before = connector.messages().length;
    expect((await postActivity(app.url, message)).status).toBe(200);
    await waitFor(() => connector.messages().length === before + 1, 5000, 'the answer');
    expect(connector.messages().at(-1)!.activity.text).toBe('Paris is the capital of France.');
    // The stub connector numbers the calls it answers (reply-1, reply-2, … across tests): the answer is the last one.
    const replyId = `reply-${connector.calls.length}`;
    const res = await postActivity(app.url, { ...feedbackInvoke({ replyToId: replyId, feedback: 'Too short' }) });
    expect(res.status).toBe(200);
    await app.settled();
    return (app.store as SqliteStore).db.prepare('SELECT reply_id, comment, message_text FROM ai_feedback').all();
  };

  it('off (the default): the comment is stored, the answer’s text is not', async () => {
    app = await startTestApp({ OPENAI_BASE_URL: model.baseUrl });
    expect(await rateFirstAnswer()).toEqual([{ reply_id: expect.any(String), comment: 'Too short', message_text: null }]);
  });

  it('on: the text of the answer rated is stored with the feedback', async () => {
    app = await startTestApp({ OPENAI_BASE_URL: model.baseUrl, STORE_MESSAGE_TEXT: 'true' });
    expect(await rateFirstAnswer()).toEqual([
      { reply_id: expect.any(String), comment: 'Too short', message_text: 'Paris is the capital of France.' },
    ]);
  });
});

describe('the `reports` operator command', () => {
  let app: RunningApp;
  afterEach(() => app.close());

  it('lists the newest content reports for operators, in their language, and is refused to anyone else', async () => {
    app = await startTestApp({ OPERATOR_IDS: 'operator-1' });
    await seedSubscription(app.store, { tenantId: 'tenant-a', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
    await app.store.admins.add({ tenantId: 'tenant-a', userId: 'admin-1', addedBy: 'test', addedAt: new Date() });
    await postActivity(app.url, feedbackInvoke({ replyToId: 'r-1', feedback: teamsFeedback('Offensive [link](http://evil)') }));
    await postActivity(app.url, feedbackInvoke({ replyToId: 'r-2', reaction: 'like', feedback: 'Nice' }));
    await postActivity(app.url, feedbackInvoke({ replyToId: 'r-3', userId: 'user-2', feedback: 'Wrong figures' }));

    const card = async (userId: string, text: string, locale?: string) => {
      const res = await postActivity(app.url, { ...messageActivity({ userId, text }), ...(locale ? { locale } : {}) });
      const reply = res.body.activities!.find((a) => a.type === 'message')!;
      return reply.attachments?.length ? cardToText(reply.attachments.at(0)?.content) : (reply.text ?? '');
    };
    const en = await card('operator-1', 'reports');
    expect(en).toContain('Content reports');
    expect(en).toContain('The newest 2 reports');
    // Newest first, comments exactly as typed; the 👍 is not a report.
    expect(en.indexOf('Wrong figures')).toBeLessThan(en.indexOf('Offensive [link](http://evil)'));
    expect(en).not.toContain('Nice');
    expect(en).toContain('tenant tenant-a');
    expect(en).toContain('answer id r-3');
    const fr = await card('operator-1', 'Reports', 'fr-FR');
    expect(fr).toContain('Signalements de contenu');
    expect(fr).toContain('Les 2 signalements les plus récents');

    for (const userId of ['admin-1', 'user-1']) {
      const refused = await card(userId, 'reports');
      expect(refused).toContain('operators only');
      expect(refused).not.toContain('Wrong figures');
    }
    // Commands are never counted.
    await app.settled();
    expect(((app.store as SqliteStore).db.prepare('SELECT COUNT(*) AS n FROM usage_events').get() as { n: number }).n).toBe(0);
  });

  it('says so when there is no report yet', async () => {
    app = await startTestApp({ OPERATOR_IDS: 'operator-1' });
    const res = await postActivity(app.url, messageActivity({ userId: 'operator-1', text: 'reports' }));
    expect(cardToText(res.body.activities?.at(0)?.attachments?.at(0)?.content)).toContain('No content report yet.');
  });
});
