import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactSign, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKETPLACE_APP_ID } from '../../src/config';
import { createLogger } from '../../src/logger';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { FULFILLMENT_APP, PUBLISHER_TENANT, startMarketplaceHarness, type MarketplaceHarness } from '../helpers/marketplace-harness';

/** An Entra v1 issuer: it ends with '/', and `iss` is compared exactly. */
const V1_ISSUER = `https://sts.windows.net/${PUBLISHER_TENANT}/`;
const SKEW_SECONDS = 120;

/**
 * Inputs from outside that once ended in a 5xx or in a flooded log, each with a valid token: malformed ids get a
 * 400 and a bounded log line; tokens whose times are not finite or lie in the future get a 401; an issuer that ends
 * with '/' is kept and accepted. The webhook keys are the test's own (an Entra stand-in serving a JWKS on an
 * ephemeral port), so raw token payloads can be signed.
 */
describe('webhook: malformed input with a valid token, token times, v1 issuer', () => {
  let h: MarketplaceHarness;
  let keys: http.Server;
  let privateKey: CryptoKey;
  const lines: string[] = [];
  let subscriptionId: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey as CryptoKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', use: 'sig', alg: 'RS256' };
    keys = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(keys.address() as AddressInfo).port}/keys`;
    h = await startMarketplaceHarness(
      {
        MARKETPLACE_WEBHOOK_ISSUER: V1_ISSUER,
        MARKETPLACE_WEBHOOK_JWKS_URL: jwksUrl,
        MARKETPLACE_WEBHOOK_CLOCK_SKEW_SECONDS: String(SKEW_SECONDS),
      },
      { app: { logger: createLogger('info', { write: (line: string) => void lines.push(line) }) } },
    );
    subscriptionId = h.emulator.buy({ planId: 'business', tenantId: 'fabrikam-tenant', objectId: 'u1' }).subscriptionId;
    await h.app.fulfillment.activate(subscriptionId, { planId: 'business' });
    await h.app.reconcile();
  });
  afterAll(async () => {
    await h.close();
    await new Promise((resolve) => keys.close(resolve));
  });

  const now = () => Math.floor(Date.now() / 1000);
  /** Claims of an Entra v1 app token for the Marketplace app; `overrides` replace them (undefined removes one). */
  const claims = (overrides: Record<string, unknown> = {}) => {
    const all: Record<string, unknown> = {
      iss: V1_ISSUER,
      aud: FULFILLMENT_APP,
      tid: PUBLISHER_TENANT,
      appid: MARKETPLACE_APP_ID,
      ver: '1.0',
      iat: now(),
      nbf: now(),
      exp: now() + 300,
      ...overrides,
    };
    for (const key of Object.keys(all)) if (all[key] === undefined) delete all[key];
    return all;
  };
  const token = (overrides: Record<string, unknown> = {}) =>
    new SignJWT(claims(overrides)).setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' }).sign(privateKey);
  /** Signs the payload text as written: JSON.stringify cannot produce `1e400`. */
  const rawToken = (payloadJson: string) =>
    new CompactSign(new TextEncoder().encode(payloadJson)).setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' }).sign(privateKey);
  const post = async (body: string, jwt: string) => {
    const res = await fetch(`${h.app.url}/api/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
      body,
    });
    return { status: res.status, body: await res.text() };
  };
  const operationsCount = () =>
    ((h.app.store as SqliteStore).db.prepare('SELECT COUNT(*) AS n FROM subscription_operations').get() as { n: number }).n;

  it('accepts a v1 token whose issuer ends with a slash, and applies the operation', async () => {
    const location = await h.app.fulfillment.changePlan(subscriptionId, 'enterprise');
    const operationId = new URL(location!).pathname.split('/').pop()!;
    const res = await post(JSON.stringify({ id: operationId, subscriptionId, action: 'ChangePlan', planId: 'enterprise' }), await token());
    expect(res.status).toBe(200);
    expect((await h.app.store.subscriptions.get(subscriptionId))?.planId).toBe('enterprise');
  });

  it.each([
    ['the issuer without its trailing slash', async () => token({ iss: V1_ISSUER.slice(0, -1) })],
    ['an exp of 1e400 (Infinity once parsed: never expires)', async () => rawToken(JSON.stringify(claims({ exp: 0 })).replace('"exp":0', '"exp":1e400'))],
    ['an exp that is a string', async () => token({ exp: String(now() + 300) })],
    ['an iat of 1e400', async () => rawToken(JSON.stringify(claims({ iat: 0 })).replace('"iat":0', '"iat":1e400'))],
    ['an iat an hour in the future', async () => token({ iat: now() + 3600, nbf: undefined })],
    ['an iat just beyond the clock skew', async () => token({ iat: now() + SKEW_SECONDS + 30, nbf: undefined })],
    ['no iat', async () => token({ iat: undefined })],
  ])('refuses %s with 401 and changes nothing', async (_why, make) => {
    const before = operationsCount();
    const res = await post(JSON.stringify({ id: randomUUID(), subscriptionId, action: 'Suspend' }), await make());
    expect(res.status).toBe(401);
    expect(operationsCount()).toBe(before);
  });

  it('accepts an iat within the clock skew (a caller whose clock runs a little ahead)', async () => {
    // An unknown operation: past the token check, the Marketplace does not know it, hence 400 and not 401.
    const res = await post(JSON.stringify({ id: randomUUID(), subscriptionId, action: 'Suspend' }), await token({ iat: now() + 30, nbf: undefined }));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ message: 'Unknown operation.' });
  });

  const huge = 'x'.repeat(70 * 1024);
  const guid = () => randomUUID();
  it.each([
    ['an invalid \\u escape in the operation id (not JSON)', () => `{"id":"\\uZZZZ","subscriptionId":"${subscriptionId}","action":"Suspend"}`],
    ['an invalid \\u escape in the subscription id (not JSON)', () => `{"id":"${guid()}","subscriptionId":"ab\\uZZ12","action":"Suspend"}`],
    ['a lone surrogate as operation id', () => `{"id":"\\ud800","subscriptionId":"${subscriptionId}","action":"Suspend"}`],
    ['a lone surrogate in the subscription id', () => `{"id":"${guid()}","subscriptionId":"${subscriptionId.slice(0, 35)}\\udc00","action":"Suspend"}`],
    ['a 70 KB operation id', () => JSON.stringify({ id: huge, subscriptionId, action: 'Suspend' })],
    ['a 70 KB subscription id', () => JSON.stringify({ id: guid(), subscriptionId: huge, action: 'Suspend' })],
    ['a 70 KB action', () => JSON.stringify({ id: guid(), subscriptionId, action: huge })],
    ['a 70 KB activity id', () => JSON.stringify({ id: guid(), subscriptionId, action: 'Suspend', activityId: huge })],
    ['a subscription id that is not a GUID', () => JSON.stringify({ id: guid(), subscriptionId: 'not-a-guid', action: 'Suspend' })],
    ['a path in the subscription id', () => JSON.stringify({ id: guid(), subscriptionId: `../${subscriptionId}`, action: 'Suspend' })],
    ['control characters in the operation id', () => JSON.stringify({ id: `${guid()}\n\u0000`, subscriptionId, action: 'Suspend' })],
    ['control characters in the activity id', () => JSON.stringify({ id: guid(), subscriptionId, action: 'Suspend', activityId: 'a\r\nFAKE log line' })],
    ['an operation id that is a number', () => JSON.stringify({ id: 5, subscriptionId, action: 'Suspend' })],
  ])('answers 400 to %s, changes nothing and logs a bounded line', async (_why, body) => {
    const before = operationsCount();
    lines.length = 0;
    const res = await post(body(), await token());
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toHaveProperty('message');
    expect(res.body.length).toBeLessThan(300);
    expect(operationsCount()).toBe(before);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.length).toBeLessThan(1000);
      expect(line).not.toContain('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
      expect(line).not.toContain('FAKE log line\n');
    }
  });

  it('never answers a 5xx to any of them, sent all at once', async () => {
    const jwt = await token();
    const bodies = [
      `{"id":"\\ud800\\ud800","subscriptionId":"\\udfff","action":"Renew"}`,
      JSON.stringify({ id: guid(), subscriptionId: `${subscriptionId}\u2028`, action: 'Suspend' }),
      JSON.stringify({ id: guid(), subscriptionId: guid().toUpperCase().replace(/-/g, ''), action: 'Suspend' }),
      JSON.stringify({ id: [guid()], subscriptionId, action: 'Suspend' }),
      JSON.stringify({ id: guid(), subscriptionId, action: { toString: 'Suspend' } }),
      '{"id":"' + 'é'.repeat(40_000) + '","subscriptionId":"x","action":"Suspend"}',
    ];
    const statuses = await Promise.all(bodies.map(async (b) => (await post(b, jwt)).status));
    expect(statuses).toEqual(bodies.map(() => 400));
  });
});
