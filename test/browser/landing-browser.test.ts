/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMarketplaceHarness, type MarketplaceHarness } from '../helpers/marketplace-harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = path.resolve(__dirname, '../../test-output');

/**
 * A real browser (Debian's Chromium driven by playwright-core, never a downloaded one): buy on the emulator's
 * page, land on our landing page, press Activate, see the success page. Screenshots go to test-output/.
 */
describe.skipIf(!fs.existsSync(CHROMIUM))('landing page in a real browser', () => {
  let h: MarketplaceHarness;
  let browser: Browser;

  beforeAll(async () => {
    h = await startMarketplaceHarness({}, { activationDelayMs: 300 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    fs.mkdirSync(OUTPUT, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('buys on the emulator, activates on the landing page and shows the success page', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
    });

    await page.goto(h.emulatorUrl);
    await page.getByLabel('Plan', { exact: true }).selectOption('business');
    await page.getByLabel('Beneficiary tenant id').fill('browser-tenant');
    await page.getByLabel('User object id').fill('browser-buyer');
    await page.getByLabel('Email', { exact: true }).fill('buyer@browser.example');
    await page.getByLabel('Subscription name').fill('Browser test subscription');
    await page.getByRole('button', { name: 'Buy' }).click();

    await page.waitForURL(/\/landing\?token=/);
    await expect(page.getByRole('heading', { name: 'Activate your subscription' }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('Browser test subscription').isVisible()).resolves.toBe(true);
    // The stylesheet loaded (allowed by the CSP): the button is styled.
    const background = await page
      .getByRole('button', { name: 'Activate' })
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(67, 56, 202)');
    await page.screenshot({ path: path.join(OUTPUT, 'landing-purchase.png'), fullPage: true });

    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByRole('heading', { name: "You're all set" }).waitFor();
    const open = page.getByRole('link', { name: 'Open in Teams' });
    expect(await open.getAttribute('href')).toBe('https://teams.microsoft.com/l/app/teams-app-0001');
    await page.screenshot({ path: path.join(OUTPUT, 'landing-activated.png'), fullPage: true });

    expect(violations).toEqual([]);
    const subscription = h.emulator.subscriptions().find((s) => s.name === 'Browser test subscription');
    expect(subscription?.saasSubscriptionStatus).toBe('Subscribed');
    expect(await h.app.store.admins.isAdmin('browser-tenant', 'browser-buyer')).toBe(true);
    expect(fs.statSync(path.join(OUTPUT, 'landing-activated.png')).size).toBeGreaterThan(5000);
  }, 60_000);
});
