import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/domain/catalog-parser';
import { silentLogger } from '../../src/logger';
import { GraphUsageRights } from '../../src/marketplace/graph-usage-rights';
import { messageActivity, postActivity } from '../helpers/activities';
import { FakeClock } from '../helpers/fake-clock';
import { activateOnLanding, startMarketplaceHarness, type MarketplaceHarness } from '../helpers/marketplace-harness';
import { tempDir } from '../helpers/temp-dir';

const TENANT = 'tenant-m365';
const SERVICE = 'contoso.assistant.m365seat';
const CATALOG = {
  offers: [
    {
      id: 'assistant-m365',
      publisherId: 'contoso',
      pricingModel: 'perUser',
      licenseManagement: 'microsoft',
      plans: [
        {
          id: 'm365-seat',
          displayName: 'Assistant (Microsoft 365 licences)',
          prices: { P1M: 4 },
          minUsers: 1,
          maxUsers: 500,
          licenseServiceId: SERVICE,
        },
      ],
    },
  ],
};

/**
 * A per-user offer whose licences Microsoft manages: every user's licence is checked with Graph usageRights (served
 * by the emulator, with its token endpoint) before any AI call: active → answered; warning → answered with a notice;
 * inactive, suspended, none → refused with the admin-center card; Graph unreachable → refused, nothing billed.
 */
describe('Microsoft-managed licences', () => {
  let h: MarketplaceHarness;
  let subscriptionId: string;
  const chat = (userId: string, text = 'Please draft a short note') => postActivity(h.app.url, messageActivity({ tenantId: TENANT, userId, text }));
  const answered = (text: string) => text.includes('[Offline demo model]');
  const usageEvents = async () => {
    await h.app.settled();
    const db = (h.app.store as unknown as { db: import('better-sqlite3').Database }).db;
    return db
      .prepare('SELECT user_id AS u FROM usage_events ORDER BY u')
      .all()
      .map((r) => (r as { u: string }).u);
  };

  beforeAll(async () => {
    const file = path.join(tempDir('m365-'), 'catalog.json');
    fs.writeFileSync(file, JSON.stringify(CATALOG));
    h = await startMarketplaceHarness(
      { PLAN_CATALOG_FILE: file, LICENCE_CACHE_SECONDS: '0' },
      { emulatorPlans: parseCatalog(CATALOG, 'm365').plans },
    );
    const bought = h.emulator.buy({ planId: 'm365-seat', quantity: 10, tenantId: TENANT, objectId: 'admin' });
    await activateOnLanding(h, bought.landingUrl);
    subscriptionId = bought.subscriptionId;
    h.emulator.setLicence(TENANT, 'u-active', SERVICE, 'active');
    h.emulator.setLicence(TENANT, 'u-warning', SERVICE, 'warning');
    h.emulator.setLicence(TENANT, 'u-inactive', SERVICE, 'inactive');
    h.emulator.setLicence(TENANT, 'u-suspended', SERVICE, 'suspended');
    h.emulator.setLicence(TENANT, 'admin', SERVICE, 'active');
  });
  afterAll(() => h?.close());

  it('answers a user with an active licence', async () => {
    expect(answered((await chat('u-active')).text)).toBe(true);
  });

  it('answers a user whose licence is in its grace state, with a notice', async () => {
    const res = await chat('u-warning');
    expect(answered(res.text)).toBe(true);
    expect(res.text).toContain('licence needs attention');
  });

  it.each([
    ['u-inactive', 'licence is inactive'],
    ['u-suspended', 'licence is suspended'],
    ['u-nobody', 'You have no'],
  ])('refuses %s with the card that sends an admin to the Microsoft 365 admin center', async (userId, title) => {
    const res = await chat(userId);
    expect(answered(res.text)).toBe(false);
    expect(res.text).toContain(title);
    expect(res.text).toContain('Microsoft 365 admin center');
  });

  it('refuses clearly when Graph is unreachable, and bills nothing', async () => {
    h.emulator.setGraphOutage(true);
    try {
      const res = await chat('u-active', 'is Graph there?');
      expect(answered(res.text)).toBe(false);
      expect(res.text).toContain('could not check your licence');
      expect(res.text).toContain('nothing was counted');
    } finally {
      h.emulator.setGraphOutage(false);
    }
    expect(await usageEvents()).toEqual(['u-active', 'u-warning']);
  });

  it('follows a licence assigned later (no seat of ours involved)', async () => {
    h.emulator.setLicence(TENANT, 'u-nobody', SERVICE, 'active');
    expect(answered((await chat('u-nobody')).text)).toBe(true);
    expect(await h.app.store.seats.list(subscriptionId)).toEqual([]);
  });

  it('caches an answer briefly, never an unreachable Graph', async () => {
    const clock = new FakeClock(new Date('2026-06-01T00:00:00.000Z'));
    const checker = new GraphUsageRights({
      config: {
        graphBaseUrl: `${h.emulatorUrl}/graph`,
        authorityUrl: `${h.emulatorUrl}/graph-login`,
        clientId: 'bot-app',
        cacheMs: 60_000,
        timeoutMs: 2000,
      },
      clock,
      logger: silentLogger,
    });
    h.emulator.setLicence(TENANT, 'u-cached', SERVICE, 'active');
    expect(await checker.check(TENANT, 'u-cached', SERVICE)).toBe('active');
    h.emulator.setLicence(TENANT, 'u-cached', SERVICE, 'suspended');
    expect(await checker.check(TENANT, 'u-cached', SERVICE)).toBe('active');
    clock.advance(60_001);
    expect(await checker.check(TENANT, 'u-cached', SERVICE)).toBe('suspended');
    h.emulator.setGraphOutage(true);
    expect(await checker.check(TENANT, 'u-other', SERVICE)).toBe('unreachable');
    h.emulator.setGraphOutage(false);
    expect(await checker.check(TENANT, 'u-other', SERVICE)).toBe('none');
  });

  it('points /seats to the Microsoft 365 admin center instead of assigning seats', async () => {
    const res = await chat('admin', '/seats assign u-nobody');
    expect(res.text).toContain('managed by Microsoft');
    expect(res.text).toContain('Microsoft 365 admin center');
  });
});
