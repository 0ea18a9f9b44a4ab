import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import { PLAYGROUND_TENANT_ID } from '../../src/config';
import { DEV_SUBSCRIPTION_ID } from '../../src/dev-seed';
import { startTestApp } from '../helpers/test-app';

/** A port free right now: the app's URLs (emulator API, webhook) are derived from PORT, so port 0 will not do. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * `npm start` in development: the Agents Playground's seeded subscription is on the mounted emulator's page too,
 * so it can be suspended there, and that goes through the real webhook path into the bot's store.
 */
describe('the development subscription on the emulator page', () => {
  let app: RunningApp;
  let dataDir: string;
  const start = async () => {
    const port = await freePort();
    return startTestApp({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: dataDir,
      DEV_SEED: 'true',
      EMULATOR: 'true',
      EMULATOR_ACTIVATION_DELAY_MS: '0',
      // As in development: the emulator keeps its state in the data folder.
      EMULATOR_STATE_FILE: path.join(dataDir, 'emulator.json'),
      MARKETPLACE_API_BASE_URL: undefined,
      MARKETPLACE_AUTH: undefined,
      PUBLISHER_TENANT_ID: undefined,
      MARKETPLACE_WEBHOOK_AUDIENCE: undefined,
    });
  };
  beforeAll(async () => {
    // Lives for the whole suite (the helper's temp dirs are removed after each test).
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-seed-emulator-'));
    app = await start();
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is listed with its tenant, plan and status', async () => {
    const html = await (await fetch(`${app.url}/emulator/`)).text();
    expect(html).toContain(`<tr data-subscription-id="${DEV_SUBSCRIPTION_ID}">`);
    expect(app.emulator!.subscription(DEV_SUBSCRIPTION_ID)).toMatchObject({
      saasSubscriptionStatus: 'Subscribed',
      planId: 'business',
      beneficiary: { tenantId: PLAYGROUND_TENANT_ID },
    });
  });

  it('suspending it on the page suspends it in the bot, and a restart keeps both as they are', async () => {
    const form = new URLSearchParams({ action: 'Suspend', planId: 'business', quantity: '' });
    const res = await fetch(`${app.url}/emulator/subscriptions/${DEV_SUBSCRIPTION_ID}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(decodeURIComponent(res.headers.get('location')!)).toMatch(/Suspend: .* the webhook answered 200\./);
    expect((await app.store.subscriptions.get(DEV_SUBSCRIPTION_ID))?.status, 'in the bot').toBe('Suspended');

    await app.close();
    app = await start();
    expect((await app.store.subscriptions.get(DEV_SUBSCRIPTION_ID))?.status, 'in the bot, restarted').toBe('Suspended');
    expect(app.emulator!.subscription(DEV_SUBSCRIPTION_ID)?.saasSubscriptionStatus).toBe('Suspended');
  });

  it('an emulator that lost its state file takes the subscription as the bot has it', async () => {
    await app.close();
    fs.rmSync(path.join(dataDir, 'emulator.json'));
    app = await start();
    expect(app.emulator!.subscription(DEV_SUBSCRIPTION_ID)).toMatchObject({
      saasSubscriptionStatus: 'Suspended',
      planId: 'business',
    });
  });
});
