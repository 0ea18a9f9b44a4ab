import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger';
import { FulfillmentClient } from '../../src/marketplace/fulfillment-client';
import { backoffDelay, MarketplaceApiError, MarketplaceHttp } from '../../src/marketplace/marketplace-http';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A scripted Marketplace: each call takes the next planned answer. */
describe('Marketplace HTTP client', () => {
  let server: http.Server;
  let base: string;
  let plan: { status: number; body?: unknown; headers?: Record<string, string>; hang?: boolean }[] = [];
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        const next = plan.shift() ?? { status: 200, body: {} };
        if (next.hang) return; // never answers: the client's timeout fires
        res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
        res.end(next.body === undefined ? '' : JSON.stringify(next.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    plan = [];
    seen.length = 0;
  });

  const client = (maxRetries = 3, timeoutMs = 2000) =>
    new FulfillmentClient(
      new MarketplaceHttp({
        baseUrl: base,
        apiVersion: '2018-08-31',
        tokens: { getToken: async () => 'token-123' },
        timeoutMs,
        maxRetries,
        logger: silentLogger,
        sleep: async () => undefined,
      }),
    );

  it('sends api-version, the bearer token and request/correlation ids; a new request id per attempt, one correlation id', async () => {
    plan = [
      { status: 503 },
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 200, body: { id: 'sub-1', saasSubscriptionStatus: 'Subscribed', planId: 'business' } },
    ];
    const sub = await client().getSubscription('sub-1');
    expect(sub).toMatchObject({ id: 'sub-1', status: 'Subscribed', planId: 'business' });
    expect(seen).toHaveLength(3);
    for (const s of seen) {
      expect(s.url).toBe('/api/saas/subscriptions/sub-1?api-version=2018-08-31');
      expect(s.headers.authorization).toBe('Bearer token-123');
      expect(s.headers['x-ms-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(seen.map((s) => s.headers['x-ms-requestid'])).size).toBe(3);
    expect(new Set(seen.map((s) => s.headers['x-ms-correlationid'])).size).toBe(1);
  });

  it.each([400, 403, 404, 409])('does not retry a %i and reports status, code and request id', async (status) => {
    plan = [{ status, body: { code: 'BadArgument', message: 'nope' } }];
    const error = await client()
      .getSubscription('sub-1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarketplaceApiError);
    expect(error).toMatchObject({ status, apiCode: 'BadArgument', retryable: false });
    expect((error as MarketplaceApiError).requestId).toBe(seen[0]!.headers['x-ms-requestid']);
    expect(seen).toHaveLength(1);
  });

  it('gives up after the last retry on persistent 5xx, marked retryable', async () => {
    plan = Array.from({ length: 4 }, () => ({ status: 500 }));
    await expect(client(3).getSubscription('x')).rejects.toMatchObject({ status: 500, retryable: true });
    expect(seen).toHaveLength(4);
  });

  it('retries a timeout', async () => {
    plan = [
      { status: 0, hang: true },
      { status: 200, body: { id: 'x' } },
    ];
    await expect(client(2, 300).getSubscription('x')).resolves.toMatchObject({ id: 'x' });
    expect(seen).toHaveLength(2);
  });

  it('sends the landing token exactly, + and / included', async () => {
    plan = [
      {
        status: 200,
        body: {
          id: 'sub-9',
          subscriptionName: 'S',
          planId: 'starter',
          subscription: { id: 'sub-9', saasSubscriptionStatus: 'PendingFulfillmentStart', extra: { ignored: true } },
        },
      },
    ];
    const resolved = await client().resolve('ab+cd/ef==');
    expect(seen[0]!.headers['x-ms-marketplace-token']).toBe('ab+cd/ef==');
    expect(seen[0]!.method).toBe('POST');
    expect(resolved).toMatchObject({
      subscriptionId: 'sub-9',
      planId: 'starter',
      subscription: { status: 'PendingFulfillmentStart' },
    });
  });

  it('follows @nextLink pages and reads tolerantly', async () => {
    plan = [
      {
        status: 200,
        body: {
          subscriptions: [{ id: 'a' }, { notAnId: true }],
          '@nextLink': `${base}/saas/subscriptions?continuationToken=t2&api-version=2018-08-31`,
        },
      },
      { status: 200, body: { subscriptions: [{ id: 'b', quantity: 'five', term: { startDate: 'not a date' } }] } },
    ];
    const all = await client().listSubscriptions();
    expect(all.map((s) => s.id)).toEqual(['a', 'b']);
    expect(all[1]!.quantity).toBeUndefined();
    expect(all[1]!.term).toBeUndefined();
    expect(seen[1]!.url).toBe('/api/saas/subscriptions?continuationToken=t2&api-version=2018-08-31');
  });

  it('changes plan or quantity in separate PATCHes and settles operations (409 = already settled)', async () => {
    plan = [
      { status: 202, headers: { 'operation-location': 'https://x/op/1' } },
      { status: 202 },
      { status: 200 },
      { status: 409, body: { code: 'Conflict' } },
    ];
    const c = client();
    expect(await c.changePlan('s', 'enterprise')).toBe('https://x/op/1');
    await c.changeQuantity('s', 7);
    expect(await c.updateOperation('s', 'op', 'Success')).toBe('updated');
    expect(await c.updateOperation('s', 'op', 'Success')).toBe('conflict');
    expect(seen.map((s) => JSON.parse(s.body || '{}'))).toEqual([
      { planId: 'enterprise' },
      { quantity: 7 },
      { status: 'Success' },
      { status: 'Success' },
    ]);
  });

  it('spreads retries with capped, jittered backoff and honours Retry-After', () => {
    expect(backoffDelay(0, undefined, () => 0.999)).toBeLessThan(250);
    expect(backoffDelay(10, undefined, () => 0.999)).toBeLessThanOrEqual(8000);
    expect(backoffDelay(3, undefined, () => 0)).toBe(0);
    expect(backoffDelay(0, 2)).toBe(2000);
    expect(backoffDelay(0, 3600)).toBe(8000);
  });
});
