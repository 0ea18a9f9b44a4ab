/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMarketplaceHarness, type MarketplaceHarness } from '../helpers/marketplace-harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = path.resolve(__dirname, '../../test-output');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** CSP violations reported in a page's console: every page of the flow must work under its policy. */
function cspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  return violations;
}

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
    await page.getByRole('heading', { name: 'You’re all set' }).waitFor();
    const open = page.getByRole('link', { name: 'Open in Teams' });
    expect(await open.getAttribute('href')).toBe('https://teams.microsoft.com/l/app/teams-app-0001');
    await page.screenshot({ path: path.join(OUTPUT, 'landing-activated.png'), fullPage: true });

    expect(violations).toEqual([]);
    const subscription = h.emulator.subscriptions().find((s) => s.name === 'Browser test subscription');
    expect(subscription?.saasSubscriptionStatus).toBe('Subscribed');
    expect(await h.app.store.admins.isAdmin('browser-tenant', 'browser-buyer')).toBe(true);
    expect(fs.statSync(path.join(OUTPUT, 'landing-activated.png')).size).toBeGreaterThan(5000);
  }, 60_000);
  it('shows the landing pages in French to a browser set to French', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const violations = cspViolations(page);
    const { landingUrl } = h.emulator.buy({
      planId: 'team-seat',
      tenantId: 'browser-tenant-fr',
      objectId: 'acheteur',
      email: 'acheteur@navigateur.example',
      name: 'Abonnement du navigateur',
      quantity: 12,
    });
    await page.goto(landingUrl);
    await page.getByRole('heading', { name: 'Activez votre abonnement' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    await expect(page.getByText('par mois et par utilisateur').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(OUTPUT, 'landing-purchase-fr.png'), fullPage: true });

    await page.getByRole('button', { name: 'Activer' }).click();
    await page.getByRole('heading', { name: 'Tout est prêt' }).waitFor();
    await expect(page.getByRole('link', { name: 'Ouvrir dans Teams' }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('Tapez aide pour voir les commandes.').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(OUTPUT, 'landing-activated-fr.png'), fullPage: true });
    expect(violations).toEqual([]);
    await context.close();
  }, 60_000);
});

/**
 * The signed-in purchase in a real browser, the emulator playing Entra: buy → pick an account → landing page →
 * Activate; a user of another organization refused; sign-out; a tenant that needs admin consent. Screenshots of
 * every page a buyer sees go to test-output/.
 */
describe.skipIf(!fs.existsSync(CHROMIUM))('landing page sign-in in a real browser', () => {
  let h: MarketplaceHarness;
  let browser: Browser;

  beforeAll(async () => {
    h = await startMarketplaceHarness({}, { activationDelayMs: 300, sso: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    fs.mkdirSync(OUTPUT, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(OUTPUT, name), fullPage: true });

  it('buys on the emulator, signs in as the purchaser, activates, is told they are an admin, signs out', async () => {
    const page = await browser.newPage();
    const violations = cspViolations(page);
    await page.goto(h.emulatorUrl);
    await page.getByLabel('Plan', { exact: true }).selectOption('business');
    await page.getByLabel('Beneficiary tenant id').fill('c0ffee00-0000-4000-8000-000000000001');
    await page.getByLabel('User object id').fill('sso-buyer');
    await page.getByLabel('Email', { exact: true }).fill('ada@northwind.example');
    await page.getByLabel('Subscription name').fill('Northwind assistant');
    await page.getByRole('button', { name: 'Buy' }).click();

    // The buy form's redirect reached the landing page, which sent the browser on to sign in.
    await page.getByRole('heading', { name: 'Pick an account' }).waitFor();
    await shot(page, 'sign-in-pick-account.png');
    await page.getByRole('button', { name: /Purchaser of Northwind assistant/ }).click();

    await page.getByRole('heading', { name: 'Activate your subscription' }).waitFor();
    await expect(page.getByText('Signed in as Purchaser of Northwind assistant (ada@northwind.example)').isVisible()).resolves.toBe(true);
    await shot(page, 'sign-in-purchase.png');
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByRole('heading', { name: 'You’re all set' }).waitFor();
    await expect(page.getByText('You are an admin of the app in your organization').isVisible()).resolves.toBe(true);
    await shot(page, 'sign-in-activated.png');
    expect(await h.app.store.admins.isAdmin('c0ffee00-0000-4000-8000-000000000001', 'sso-buyer')).toBe(true);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    await shot(page, 'sign-in-signed-out.png');
    expect(violations).toEqual([]);
  }, 60_000);

  it('refuses a user of another organization with a page that says who can', async () => {
    const { landingUrl } = h.emulator.buy({
      planId: 'business',
      tenantId: 'c0ffee00-0000-4000-8000-000000000002',
      objectId: 'buyer-2',
      email: 'lin@woodgrove.example',
      name: 'Woodgrove assistant',
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations = cspViolations(page);
    await page.goto(landingUrl);
    await page.getByRole('button', { name: /Mallory Outsider/ }).click();
    await page.getByRole('heading', { name: 'This subscription belongs to another organization' }).waitFor();
    await expect(page.getByText('a work account of woodgrove.example').isVisible()).resolves.toBe(true);
    expect(await page.content()).not.toContain('Woodgrove assistant');
    await shot(page, 'sign-in-refused.png');
    expect(violations).toEqual([]);
    await context.close();
  }, 60_000);

  it('explains that an administrator must approve the app, with the link for them', async () => {
    const tenantId = 'c0ffee00-0000-4000-8000-000000000003';
    h.emulator.identityProvider.requireAdminConsent(tenantId);
    const { landingUrl } = h.emulator.buy({ planId: 'business', tenantId, objectId: 'buyer-3', email: 'kim@tailspin.example', name: 'Tailspin assistant' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(landingUrl);
    await page.getByRole('button', { name: /Colleague at tailspin\.example/ }).click();
    await page.getByRole('heading', { name: 'Your organization needs to approve this app first' }).waitFor();
    await expect(page.getByText(/AADSTS65001/).isVisible()).resolves.toBe(true);
    await shot(page, 'sign-in-admin-consent-needed.png');
    // The administrator follows the link, approves, and is thanked; then the colleague gets in.
    await page.getByRole('link', { name: 'Link for your administrator' }).click();
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByRole('heading', { name: /your organization has approved the app/ }).waitFor();
    await shot(page, 'sign-in-consent-granted.png');
    await page.goto(landingUrl);
    await page.getByRole('button', { name: /Colleague at tailspin\.example/ }).click();
    await page.getByRole('heading', { name: 'Activate your subscription' }).waitFor();
    await context.close();
  }, 60_000);
});
