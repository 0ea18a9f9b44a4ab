import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertDispatcher, retryDelayMs } from '../../src/alerts/alert-dispatcher';
import { loadAlertSettings, type AlertSettings } from '../../src/alerts/alert-settings';
import { OperatorAlerts } from '../../src/alerts/operator-alerts';
import { verifySignature } from '../../src/alerts/webhook-signature';
import type { ProactiveMessenger } from '../../src/bot/proactive/proactive-messenger';
import { ConfigProblems, reader } from '../../src/config-reader';
import { lifecycleAlert } from '../../src/domain/alert-triggers';
import { createLogger } from '../../src/logger';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { FakeClock } from '../helpers/fake-clock';
import { tempDir } from '../helpers/temp-dir';

/**
 * The signed outgoing webhook against a real HTTP receiver on 127.0.0.1, verified with the README's own sample code
 * (extracted from README.md and run here), with retries, give-up and replay refusal.
 */
type Verify = (secret: string, headers: Record<string, string | undefined>, rawBody: string, now?: number, toleranceSeconds?: number) => boolean;

function readmeVerifier(): Verify {
  const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  const block = /<!-- alert-verifier:start -->\s*```js\n([\s\S]*?)```\s*<!-- alert-verifier:end -->/.exec(readme);
  if (!block) throw new Error('README has no alert verifier sample');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the README's sample is the code under test
  const load = new Function('require', `${block[1]}\nreturn verifyAlert;`) as (require: NodeJS.Require) => Verify;
  return load(createRequire(__filename));
}

interface Received {
  headers: Record<string, string | undefined>;
  body: string;
}

const SECRET = 'a-long-shared-secret-of-more-than-32-characters';
const silent = createLogger('silent');

describe('signed alert webhook', () => {
  const verify = readmeVerifier();
  let server: http.Server;
  let url = '';
  const received: Received[] = [];
  /** How the receiver answers the next requests (a status, or 'silent' to never answer); then 200. */
  let script: (number | 'silent')[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
        received.push({ headers, body });
        const next = script.shift() ?? 200;
        if (next === 'silent') return;
        res.writeHead(next).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alerts`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  let store: SqliteStore;
  let clock: FakeClock;
  let dispatcher: AlertDispatcher;
  let alerts: OperatorAlerts;
  const noChat: ProactiveMessenger = {
    toUser: () => Promise.resolve('no-conversation'),
    toConversation: () => Promise.resolve('no-conversation'),
  };
  const settings = (maxAttempts = 8, timeoutMs = 2000): AlertSettings => ({
    webhook: { url, secret: SECRET, timeoutMs, maxAttempts },
    pollMs: 60_000,
    teamsMaxAttempts: 8,
    refusalBurst: 10,
    refusalWindowMs: 300_000,
  });
  const setUp = (s: AlertSettings) => {
    dispatcher = new AlertDispatcher({ store, messenger: noChat, settings: s, clock, logger: silent, random: () => 0.5 });
    alerts = new OperatorAlerts({ store, clock, logger: silent, webhook: true });
  };

  beforeEach(() => {
    received.length = 0;
    script = [];
    store = openSqliteStore(path.join(tempDir(), 'webhook.sqlite'));
    // Close to real time: the README's verifier defaults to Date.now().
    clock = new FakeClock(new Date());
    setUp(settings());
  });
  afterEach(() => store.close());

  const raise = () => alerts.raise(lifecycleAlert('subscription.suspended', { subscriptionId: 'sub-1', tenantId: 'tenant-a', operationId: 'op-1' }));
  const at = (r: Received) => Number(r.headers['x-alert-timestamp']) * 1000;

  it('POSTs the event signed over timestamp.body; the README verifier accepts it; Teams without a chat is skipped', async () => {
    await raise();
    expect(await dispatcher.runOnce()).toBe(2);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(verify(SECRET, request!.headers, request!.body)).toBe(true);
    expect(verifySignature({ secret: SECRET, body: request!.body, timestamp: request!.headers['x-alert-timestamp'], signature: request!.headers['x-alert-signature'], nowSeconds: Date.now() / 1000 })).toEqual({ ok: true });
    const payload = JSON.parse(request!.body) as { id: string };
    expect(payload).toMatchObject({ specVersion: '1', type: 'subscription.suspended', subscriptionId: 'sub-1', tenantId: 'tenant-a', data: { operationId: 'op-1' } });
    expect(request!.headers['x-alert-id']).toBe(payload.id);
    expect(request!.headers['x-alert-type']).toBe('subscription.suspended');
    expect(request!.headers['content-type']).toBe('application/json');
    const [stored] = await store.alertEvents.recent(1);
    expect(stored!.deliveries.map((d) => [d.channel, d.status, d.attempts])).toEqual([
      ['teams', 'skipped', 0],
      ['webhook', 'delivered', 1],
    ]);
    // Nothing is due any more.
    expect(await dispatcher.runOnce()).toBe(0);
  });

  it('retries a failing receiver with backoff, signing each attempt afresh, until it answers 2xx', async () => {
    script = [503, 500];
    await raise();
    await dispatcher.runOnce();
    expect(received).toHaveLength(1);
    // Not before its backoff (30 s at the middle of the jitter).
    clock.advance(retryDelayMs(1, () => 0.5) - 1000);
    await dispatcher.runOnce();
    expect(received).toHaveLength(1);
    clock.advance(1000);
    await dispatcher.runOnce();
    expect(received).toHaveLength(2);
    clock.advance(retryDelayMs(2, () => 0.5));
    await dispatcher.runOnce();
    expect(received).toHaveLength(3);
    // Every attempt verifies at its own time, and the timestamps moved on with the retries.
    for (const r of received) expect(verify(SECRET, r.headers, r.body, at(r))).toBe(true);
    expect(new Set(received.map((r) => r.headers['x-alert-timestamp'])).size).toBe(3);
    expect(new Set(received.map((r) => r.headers['x-alert-id'])).size).toBe(1);
    const [stored] = await store.alertEvents.recent(1);
    const log = await store.alertEvents.log(stored!.event.id);
    expect(log.filter((l) => l.channel === 'webhook').map((l) => [l.attempt, l.outcome, l.httpStatus])).toEqual([
      [1, 'retry', 503],
      [2, 'retry', 500],
      [3, 'delivered', 200],
    ]);
    expect(stored!.deliveries.find((d) => d.channel === 'webhook')).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(retryDelayMs(1, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(2, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(20, () => 0.5)).toBe(30 * 60_000);
  });

  it('gives up after the last attempt (a receiver that never answers times out), and keeps the log', async () => {
    setUp(settings(2, 200));
    script = ['silent', 502];
    await raise();
    await dispatcher.runOnce();
    clock.advance(31_000);
    await dispatcher.runOnce();
    clock.advance(3_600_000);
    expect(await dispatcher.runOnce()).toBe(0);
    const [stored] = await store.alertEvents.recent(1);
    expect(stored!.deliveries.find((d) => d.channel === 'webhook')).toMatchObject({ status: 'failed', attempts: 2, lastError: 'HTTP 502' });
    expect((await store.alertEvents.log(stored!.event.id)).filter((l) => l.channel === 'webhook').map((l) => [l.outcome, l.detail])).toEqual([
      ['retry', 'timeout'],
      ['failed', 'HTTP 502'],
    ]);
  });

  it('a replayed, altered or wrongly keyed request is refused by the verifier', async () => {
    await raise();
    await dispatcher.runOnce();
    const [r] = received;
    const sent = at(r!);
    expect(verify(SECRET, r!.headers, r!.body, sent + 4 * 60_000)).toBe(true);
    // The same request captured and replayed ten minutes later: stale.
    expect(verify(SECRET, r!.headers, r!.body, sent + 10 * 60_000)).toBe(false);
    expect(verifySignature({ secret: SECRET, body: r!.body, timestamp: r!.headers['x-alert-timestamp'], signature: r!.headers['x-alert-signature'], nowSeconds: sent / 1000 + 600 })).toEqual({ ok: false, reason: 'stale' });
    // A fresh timestamp on the old signature, an altered body, another key, no signature.
    expect(verify(SECRET, { ...r!.headers, 'x-alert-timestamp': String(Math.floor(sent / 1000) + 60) }, r!.body, sent + 60_000)).toBe(false);
    expect(verify(SECRET, r!.headers, r!.body.replace('sub-1', 'sub-2'), sent)).toBe(false);
    expect(verify('another-secret-of-the-same-kind-and-length!!!!', r!.headers, r!.body, sent)).toBe(false);
    expect(verify(SECRET, { ...r!.headers, 'x-alert-signature': undefined }, r!.body, sent)).toBe(false);
    expect(verifySignature({ secret: SECRET, body: r!.body, timestamp: 'soon', signature: 'v1=00', nowSeconds: sent / 1000 })).toEqual({ ok: false, reason: 'missing' });
  });

  it('settings: a URL needs a secret; production wants https and a long secret', () => {
    const load = (env: Record<string, string>) => {
      const problems = new ConfigProblems();
      const s = loadAlertSettings(reader(env, problems, { keyVaultReference: 'resolved' }), problems);
      return { s, problems: problems.list };
    };
    expect(load({}).s.webhook).toBeUndefined();
    expect(load({ ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/x', ALERT_WEBHOOK_SECRET: 'short' }).s.webhook).toMatchObject({ maxAttempts: 8, timeoutMs: 5000 });
    expect(load({ ALERT_WEBHOOK_URL: 'https://hooks.example/x' }).problems).toEqual([
      'ALERT_WEBHOOK_SECRET must be set with ALERT_WEBHOOK_URL (events are signed with it)',
    ]);
    const prod = load({ NODE_ENV: 'production', ALERT_WEBHOOK_URL: 'http://hooks.example/x', ALERT_WEBHOOK_SECRET: 'short' }).problems;
    expect(prod).toContain('ALERT_WEBHOOK_URL must be an https URL in production (got "http://hooks.example/x")');
    expect(prod).toContain('ALERT_WEBHOOK_SECRET must be at least 32 characters in production');
    expect(prod.join()).not.toContain('short');
  });
});
