import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger';
import { BilledUsageClient } from '../../src/marketplace/billed-usage-client';
import type { Emulator } from '../../src/dev/marketplace-emulator/emulator';
import { MarketplaceApiError, MarketplaceHttp } from '../../src/marketplace/marketplace-http';
import { FakeClock } from '../helpers/fake-clock';
import { startStandaloneEmulator } from '../helpers/standalone-emulator';

/**
 * The emulator's `GET /usageEvents` (metered billing retrieval) over real HTTP: the documented query parameters,
 * the response shape and statuses, paging, errors, and the control that injects differences.
 */
const TOKEN = 'usage-events-token';

describe('emulator GET /usageEvents over HTTP', () => {
  let clock: FakeClock;
  let emulator: Emulator;
  let url: string;
  let close: () => Promise<void>;
  let business: string;
  let enterprise: string;

  const get = async (query: string, bearer: string | null = TOKEN) => {
    const res = await fetch(`${url}/api/usageEvents?api-version=2018-08-31${query ? `&${query}` : ''}`, {
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const send = async (events: Record<string, unknown>[]) => {
    const res = await fetch(`${url}/api/batchUsageEvent?api-version=2018-08-31`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ request: events }),
    });
    const body = (await res.json()) as { result: { status: string }[] };
    expect(body.result.map((r) => r.status)).toEqual(events.map(() => 'Accepted'));
  };
  const event = (resourceId: string, planId: string, dimension: string, hour: string, quantity: number) => ({
    resourceId,
    planId,
    dimension,
    quantity,
    effectiveStartTime: hour,
  });
  const control = (path: string, body: unknown, method = 'POST') =>
    fetch(`${url}/billed-usage/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeEach(async () => {
    clock = new FakeClock('2026-03-09T20:00:00.000Z');
    ({ emulator, url, close } = await startStandaloneEmulator({ clock, offerId: 'teams-ai-assistant', apiToken: TOKEN }));
    const activate = async (planId: string, tenantId: string) => {
      const { subscriptionId } = emulator.buy({ planId, tenantId });
      const res = await fetch(`${url}/api/saas/subscriptions/${subscriptionId}/activate?api-version=2018-08-31`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ planId }),
      });
      expect(res.status).toBe(200);
      return subscriptionId;
    };
    business = await activate('business', 'tenant-b');
    enterprise = await activate('enterprise', 'tenant-e');
    clock.set('2026-03-09T23:30:00.000Z');
    await send([
      event(business, 'business', 'messages', '2026-03-09T21:00:00Z', 2),
      event(business, 'business', 'messages', '2026-03-09T22:00:00Z', 3),
    ]);
    clock.set('2026-03-10T09:30:00.000Z');
    await send([
      event(business, 'business', 'messages', '2026-03-10T08:00:00Z', 4),
      event(business, 'business', 'premium_messages', '2026-03-10T08:00:00Z', 1),
      event(enterprise, 'enterprise', 'premium_messages', '2026-03-10T08:00:00Z', 6),
    ]);
  });
  afterEach(() => close());

  it('answers daily rows per resource, dimension and plan, with the documented fields', async () => {
    const res = await get('usageStartDate=2026-03-09&usageEndDate=2026-03-10');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    const rows = res.body as Record<string, unknown>[];
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.usageResourceId === business && r.usageDate === '2026-03-09T00:00:00.000Z')).toEqual({
      usageDate: '2026-03-09T00:00:00.000Z',
      usageResourceId: business,
      dimension: 'messages',
      planId: 'business',
      offerId: 'teams-ai-assistant',
      submittedQuantity: 5,
      processedQuantity: 5,
      submittedCount: 2,
      reconStatus: 'Accepted',
    });
  });

  it('filters by dates (both included, end defaults to today), plan, dimension, offer and status', async () => {
    const count = async (query: string) => ((await get(query)).body as unknown[]).length;
    expect(await count('usageStartDate=2026-03-10')).toBe(3);
    expect(await count('usageStartDate=2026-03-09&usageEndDate=2026-03-09')).toBe(1);
    expect(await count('usageStartDate=2026-03-09T00:00:00Z&usageEndDate=2026-03-10T00:00:00Z')).toBe(4);
    expect(await count('usageStartDate=2026-03-09&planId=enterprise')).toBe(1);
    expect(await count('usageStartDate=2026-03-09&dimension=premium_messages')).toBe(2);
    expect(await count('usageStartDate=2026-03-09&offerId=another-offer')).toBe(0);
    expect(await count('usageStartDate=2026-03-09&reconStatus=Accepted')).toBe(4);
    expect(await count('usageStartDate=2026-03-09&reconStatus=Rejected')).toBe(0);
    emulator.billedUsage.inject(
      { usageDate: '2026-03-10', resourceId: enterprise, dimension: 'premium_messages' },
      { kind: 'status', reconStatus: 'Rejected' },
    );
    expect((await get('usageStartDate=2026-03-09&reconStatus=Rejected')).body).toEqual([
      expect.objectContaining({
        usageResourceId: enterprise,
        reconStatus: 'Rejected',
        submittedQuantity: 6,
        processedQuantity: 0,
      }),
    ]);
  });

  it('refuses bad arguments with 400 and the Marketplace error body, and calls without a token with 401', async () => {
    const missing = await get('');
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'BadArgument', target: 'usageStartDate' });
    expect((await get('usageStartDate=yesterday')).status).toBe(400);
    expect((await get('usageStartDate=2026-03-10&usageEndDate=2026-03-09')).body).toMatchObject({ target: 'usageEndDate' });
    expect((await get('usageStartDate=2026-03-10&reconStatus=Billed')).body).toMatchObject({ target: 'reconStatus' });
    expect((await get('usageStartDate=2026-03-10&continuationToken=%%%')).status).toBe(400);
    expect((await get('usageStartDate=2026-03-10', null)).status).toBe(401);
  });

  it('pages a long answer with @nextLink, and the client follows it to the end', async () => {
    emulator.billedUsage.pageSize = 3;
    const first = (await get('usageStartDate=2026-03-09&usageEndDate=2026-03-10')).body as {
      value: unknown[];
      '@nextLink': string;
    };
    expect(first.value).toHaveLength(3);
    expect(first['@nextLink']).toMatch(/continuationToken=/);
    const next = await fetch(first['@nextLink'], { headers: { authorization: `Bearer ${TOKEN}` } });
    const second = (await next.json()) as { value: unknown[]; '@nextLink'?: string };
    expect(second.value).toHaveLength(1);
    expect(second['@nextLink']).toBeUndefined();

    emulator.billedUsage.pageSize = 1;
    const http = new MarketplaceHttp({
      baseUrl: `${url}/api`,
      apiVersion: '2018-08-31',
      tokens: { getToken: () => Promise.resolve(TOKEN) },
      timeoutMs: 2000,
      maxRetries: 0,
      logger: silentLogger,
    });
    const answer = await new BilledUsageClient(http).listBilledUsage({
      usageStartDate: '2026-03-09',
      usageEndDate: '2026-03-10',
    });
    expect(answer.pages).toBe(4);
    expect(answer.unreadable).toBe(0);
    expect(answer.rows.map((r) => `${r.day} ${r.planId} ${r.dimension} ${r.submittedQuantity}`).sort()).toEqual([
      '2026-03-09 business messages 5',
      '2026-03-10 business messages 4',
      '2026-03-10 business premium_messages 1',
      '2026-03-10 enterprise premium_messages 6',
    ]);
  });

  it('answers an outage with its error, which the client reports as a retryable Marketplace error', async () => {
    emulator.configure({ outage: { status: 503, code: 'ServiceUnavailable', message: 'down' } });
    const http = new MarketplaceHttp({
      baseUrl: `${url}/api`,
      apiVersion: '2018-08-31',
      tokens: { getToken: () => Promise.resolve(TOKEN) },
      timeoutMs: 2000,
      maxRetries: 1,
      logger: silentLogger,
      sleep: () => Promise.resolve(),
    });
    const failure = await new BilledUsageClient(http).listBilledUsage({ usageStartDate: '2026-03-09' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MarketplaceApiError);
    expect(failure).toMatchObject({ status: 503, retryable: true });
  });

  it('lets a developer inject a changed quantity, a dropped row and an extra row over HTTP, and forget them', async () => {
    const ok = await control('changes', {
      usageDate: '2026-03-10',
      resourceId: business,
      dimension: 'messages',
      change: 'quantity',
      processedQuantity: 1,
    });
    expect(ok.status).toBe(200);
    expect(
      (
        await control('changes', {
          usageDate: '2026-03-10',
          resourceId: enterprise,
          dimension: 'premium_messages',
          change: 'drop',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await control('rows', {
          usageDate: '2026-03-10',
          usageResourceId: 'ghost',
          dimension: 'messages',
          planId: 'business',
          quantity: 9,
        })
      ).status,
    ).toBe(200);
    const rows = (await get('usageStartDate=2026-03-10')).body as Record<string, unknown>[];
    expect(
      rows
        .map(
          (r) =>
            `${String(r.usageResourceId) === business ? 'business' : String(r.usageResourceId)} ${String(r.dimension)} ${String(r.submittedQuantity)}/${String(r.processedQuantity)}`,
        )
        .sort(),
    ).toEqual(['business messages 4/1', 'business premium_messages 1/1', 'ghost messages 9/9']);
    for (const bad of [
      {},
      { usageDate: 'soon', resourceId: business, dimension: 'messages', change: 'drop' },
      { usageDate: '2026-03-10', resourceId: business, dimension: 'messages', change: 'quantity' },
      { usageDate: '2026-03-10', resourceId: business, dimension: 'messages', change: 'status', reconStatus: 'Lost' },
      { usageDate: '2026-03-10', resourceId: business, dimension: 'messages', change: 'explode' },
    ])
      expect((await control('changes', bad)).status).toBe(400);
    expect((await control('rows', { usageDate: '2026-03-10' })).status).toBe(400);
    expect((await control('changes', {}, 'DELETE')).status).toBe(200);
    expect(((await get('usageStartDate=2026-03-10')).body as unknown[]).length).toBe(3);
  });
});
