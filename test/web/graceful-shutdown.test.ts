import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import { messageActivity, postActivity } from '../helpers/activities';
import { startBot } from '../helpers/bot-process';
import { startOpenAIStub } from '../helpers/openai-stub';
import { seedSubscription } from '../helpers/seed';
import { waitFor } from '../helpers/wait-for';

/** SIGTERM: the bot stops taking turns, lets the one in flight finish (answered and recorded), then exits 0. */
describe('graceful shutdown', () => {
  let stub: Awaited<ReturnType<typeof startOpenAIStub>>;
  let dir: string;
  beforeAll(async () => {
    stub = await startOpenAIStub({ content: 'Slow but sure.', delayMs: 1500 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutdown-'));
    const store = openSqliteStore(path.join(dir, 'bot.sqlite'));
    await seedSubscription(store, { tenantId: 'tenant-a', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
    await store.close();
  });
  afterAll(async () => {
    await stub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the turn in flight, records it, and exits 0', async () => {
    const { url, child } = await startBot({
      NODE_ENV: 'test',
      PORT: '0',
      DATA_DIR: dir,
      DEV_SEED: 'false',
      EMULATOR: 'false',
      MARKETPLACE_API_BASE_URL: 'http://127.0.0.1:9/api',
      MARKETPLACE_AUTH: 'emulator',
      PUBLISHER_TENANT_ID: 'p',
      MARKETPLACE_WEBHOOK_AUDIENCE: 'a',
      OPENAI_BASE_URL: stub.baseUrl,
      RECONCILE_INTERVAL_MINUTES: '0',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const inFlight = postActivity(url, messageActivity({ text: 'take your time' }));
    // In flight: the model has the request (and answers 1.5 s later).
    await waitFor(() => stub.requests.length === 1, 10_000, 'the turn to reach the model');
    child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('Slow but sure.');
    expect(await exited).toBe(0);
    const store = openSqliteStore(path.join(dir, 'bot.sqlite'));
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM usage_events').get() as { n: number }).n).toBe(1);
    await store.close();
  }, 60_000);
});
