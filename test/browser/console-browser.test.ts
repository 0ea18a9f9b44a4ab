/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import { PLAYGROUND_USER_ID } from '../../src/config';
import { seedConsoleFleet } from '../helpers/console-seed';
import { FakeClock } from '../helpers/fake-clock';
import { startTestApp } from '../helpers/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = path.resolve(__dirname, '../../test-output');

/**
 * The console in Debian's Chromium (playwright-core, never a downloaded browser): development sign-in, overview →
 * a subscription → metering → re-send, with screenshots in test-output/ and no CSP violation on the way.
 */
describe.skipIf(!fs.existsSync(CHROMIUM))('publisher console in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let dataDir: string;
  let failedId = 0;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-browser-'));
    app = await startTestApp(
      { DATA_DIR: dataDir, CONSOLE_DEV_SIGN_IN: 'true', OPERATOR_IDS: PLAYGROUND_USER_ID },
      { clock: new FakeClock('2026-03-15T12:00:00.000Z') },
    );
    ({ failedId } = await seedConsoleFleet(app.store));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    fs.mkdirSync(OUTPUT, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in (development), walks overview → subscription → metering and re-sends a failed hour', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
    });
    const shot = (name: string) => page.screenshot({ path: path.join(OUTPUT, `console-${name}.png`), fullPage: true });

    await page.goto(`${app.url}/console`);
    await page.waitForURL(/\/console\/sign-in/);
    await shot('1-sign-in');
    await page.getByRole('button', { name: 'Sign in as the Playground operator' }).click();

    await page.waitForURL(`${app.url}/console`);
    await expect(page.getByRole('heading', { name: 'Overview' }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('Development sign-in').isVisible()).resolves.toBe(true);
    // The stylesheet loaded under the CSP: the header is styled.
    const header = await page.locator('header.top').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(header).toBe('rgb(30, 27, 75)');
    await shot('2-overview');

    await page.getByRole('link', { name: 'Subscriptions', exact: true }).click();
    await page.getByRole('searchbox').fill('tenant-a');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=tenant-a/);
    await shot('3-subscriptions');
    await page.getByRole('link', { name: '<script>alert("x")</script> Corp' }).click();
    await page.waitForURL(/\/console\/subscriptions\/sub-a/);
    await expect(page.getByRole('heading', { name: 'Status timeline' }).isVisible()).resolves.toBe(true);
    await shot('4-subscription');

    await page.getByRole('link', { name: 'Metering', exact: true }).click();
    await page.waitForURL(`${app.url}/console/metering`);
    await shot('5-metering');
    await page.getByRole('button', { name: 'Re-send now' }).click();
    await page.waitForURL(/done=resend/);
    await expect(page.getByText(`Hour #${failedId} will be sent again`).isVisible()).resolves.toBe(true);
    await shot('6-resent');
    const [report] = (await app.store.metering.list({ subscriptionId: 'sub-a' })).filter((r) => r.id === failedId);
    expect(report!.status).toBe('Retry');

    await page.getByRole('link', { name: 'Operations' }).click();
    await shot('7-operations');
    await page.getByRole('link', { name: 'Billed vs sent' }).click();
    await shot('8-billed');
    await page.goto(`${app.url}/`);
    await shot('9-home');
    expect(violations).toEqual([]);

    // The same console in French (the browser's language).
    const french = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const fr = await french.newPage();
    await fr.context().addCookies(await page.context().cookies());
    await fr.goto(`${app.url}/console/subscriptions/sub-a`);
    await expect(fr.getByRole('heading', { name: 'Historique des statuts' }).isVisible()).resolves.toBe(true);
    await fr.screenshot({ path: path.join(OUTPUT, 'console-10-subscription-fr.png'), fullPage: true });
    await french.close();
  }, 60_000);
});
