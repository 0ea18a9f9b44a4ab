import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MARKETPLACE_APP_ID } from '../../src/config';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import {
  FULFILLMENT_APP,
  PUBLISHER_TENANT,
  startMarketplaceHarness,
  type MarketplaceHarness,
} from '../helpers/marketplace-harness';

const TENANT = 'fabrikam-tenant';

/**
 * Webhook security: only a valid Marketplace token gets in; the payload is checked against GET operation; an
 * operation is applied once however often it is delivered.
 */
describe('webhook security', () => {
  let h: MarketplaceHarness;
  let subscriptionId: string;
  const snapshot = async () => ({
    sub: await h.app.store.subscriptions.get(subscriptionId),
    ops: (h.app.store as SqliteStore).db.prepare('SELECT COUNT(*) AS n FROM subscription_operations').get(),
  });
  const post = async (body: unknown, authorization?: string, path = '/api/webhook') => {
    const res = await fetch(`${h.app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.text() };
  };

  beforeAll(async () => {
    h = await startMarketplaceHarness();
    subscriptionId = h.emulator.buy({ planId: 'business', tenantId: TENANT, objectId: 'u1' }).subscriptionId;
    // Activate directly through the API, as the landing page would.
    await h.app.fulfillment.activate(subscriptionId, { planId: 'business' });
    await h.app.reconcile();
  });
  afterAll(() => h.close());

  let suspendBody: Record<string, unknown>;
  beforeEach(() => {
    suspendBody = {
      id: randomUUID(),
      subscriptionId,
      action: 'Suspend',
      activityId: randomUUID(),
      timeStamp: new Date().toISOString(),
    };
  });

  const forged = async (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    `Bearer ${await h.emulator.signWebhookToken(claims, header)}`;

  it.each([
    ['no token', async () => undefined],
    ['a malformed header', async () => 'Basic dXNlcjpwYXNz'],
    ['garbage', async () => 'Bearer not.a.jwt'],
    ['the wrong audience', async () => forged({ aud: 'someone-elses-app' })],
    ['the wrong tenant', async () => forged({ tid: 'another-tenant' })],
    ['the wrong calling app (azp)', async () => forged({ azp: 'not-the-marketplace' })],
    ['the wrong calling app (v1 appid)', async () => forged({ ver: '1.0', appid: 'not-the-marketplace', azp: undefined })],
    [
      'an expired token',
      async () =>
        forged({
          exp: Math.floor(Date.now() / 1000) - 3600,
          iat: Math.floor(Date.now() / 1000) - 7200,
          nbf: Math.floor(Date.now() / 1000) - 7200,
        }),
    ],
    ['another issuer', async () => forged({ iss: 'https://evil.example/' })],
    [
      'a signature from another key',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        const token = await new SignJWT({ tid: PUBLISHER_TENANT, azp: MARKETPLACE_APP_ID, ver: '2.0' })
          .setProtectedHeader({ alg: 'RS256', kid: 'rogue' })
          .setIssuer(h.emulatorUrl)
          .setAudience(FULFILLMENT_APP)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey);
        return `Bearer ${token}`;
      },
    ],
    [
      'alg: none',
      async () => {
        const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: h.emulatorUrl, aud: FULFILLMENT_APP, tid: PUBLISHER_TENANT, azp: MARKETPLACE_APP_ID, ver: '2.0', iat: now, exp: now + 300 })}.`;
      },
    ],
    [
      'HS256 signed with the public key (key confusion)',
      async () => {
        const jwks = (await (await fetch(`${h.emulatorUrl}/keys`)).json()) as { keys: { n: string }[] };
        const secret = new TextEncoder().encode(jwks.keys[0]!.n);
        const token = await new SignJWT({ tid: PUBLISHER_TENANT, azp: MARKETPLACE_APP_ID, ver: '2.0' })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(h.emulatorUrl)
          .setAudience(FULFILLMENT_APP)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(secret);
        return `Bearer ${token}`;
      },
    ],
  ])('refuses %s with 401 and changes nothing', async (_why, make) => {
    const before = await snapshot();
    const res = await post(suspendBody, await make());
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ error: 'Unauthorized', message: 'A valid Marketplace token is required.' });
    expect(await snapshot()).toEqual(before);
  });

  it('answers a 400 to bodies that are not operations, whatever they are', async () => {
    const auth = await forged({});
    for (const body of ['not json at all', '[]', '{}', JSON.stringify({ id: 5, subscriptionId, action: 'Suspend' })]) {
      const res = await post(body, auth);
      expect(res.status, body).toBe(400);
      expect(res.body).not.toMatch(/\bat .*\.(js|ts):\d+/);
    }
  });

  it('does not apply a payload that disagrees with GET operation', async () => {
    // A publisher-side change creates a real operation (ChangePlan) without calling the webhook.
    const location = await h.app.fulfillment.changePlan(subscriptionId, 'enterprise');
    const operationId = new URL(location!).pathname.split('/').pop()!;
    const before = await snapshot();
    const lie = await h.emulator.sendWebhook({ id: operationId, subscriptionId, action: 'Unsubscribe' });
    expect(lie.status).toBe(400);
    const wrongPlan = await h.emulator.sendWebhook({ id: operationId, subscriptionId, action: 'ChangePlan', planId: 'starter' });
    expect(wrongPlan.status).toBe(400);
    const unknown = await h.emulator.sendWebhook({ ...suspendBody, id: randomUUID() });
    expect(unknown.status).toBe(400);
    expect(await snapshot()).toEqual(before);
    expect(before.sub?.status).toBe('Subscribed');
  });

  it('applies an operation delivered five times once (sequentially and at once)', async () => {
    const op = await h.emulator.trigger(subscriptionId, 'Suspend');
    const body = { id: op.operationId, subscriptionId, action: 'Suspend', planId: 'business' };
    const sequential = [];
    for (let i = 0; i < 5; i++) sequential.push((await h.emulator.sendWebhook(body)).status);
    expect(sequential).toEqual([200, 200, 200, 200, 200]);
    const records = (h.app.store as SqliteStore).db
      .prepare('SELECT COUNT(*) AS n FROM subscription_operations WHERE operation_id = ?')
      .get(op.operationId) as { n: number };
    expect(records.n).toBe(1);

    const reinstate = await h.emulator.trigger(subscriptionId, 'Reinstate');
    // Five concurrent redeliveries of an operation already applied, plus a fresh one delivered five times at once.
    const fresh = await h.emulator.trigger(subscriptionId, 'Suspend');
    const burst = await Promise.all(
      [reinstate, reinstate, fresh, fresh, fresh, fresh, fresh].map((o) =>
        h.emulator.sendWebhook({ id: o.operationId, subscriptionId, action: o.operation.action }),
      ),
    );
    expect(burst.every((r) => r.status === 200)).toBe(true);
    const count = (id: string) =>
      (
        (h.app.store as SqliteStore).db
          .prepare('SELECT COUNT(*) AS n FROM subscription_operations WHERE operation_id = ?')
          .get(id) as { n: number }
      ).n;
    expect(count(reinstate.operationId)).toBe(1);
    expect(count(fresh.operationId)).toBe(1);
    expect((await h.app.store.subscriptions.get(subscriptionId))?.status).toBe('Suspended');
  });

  it('answers on the seed’s paths too', async () => {
    const op = await h.emulator.trigger(subscriptionId, 'Reinstate');
    const auth = await forged({});
    for (const path of ['/webhook', '/webhook/unsubscribe', '/webhook/changeplan', '/webhook/suspend', '/webhook/reinstate']) {
      expect((await post({ id: op.operationId, subscriptionId, action: 'Reinstate' }, auth, path)).status).toBe(200);
    }
    expect((await post(suspendBody, undefined, '/webhook/suspend')).status).toBe(401);
  });

  it('stores a subscription it did not know before applying its operation', async () => {
    const other = h.emulator.buy({ planId: 'starter', tenantId: 'unknown-tenant', objectId: 'x' }).subscriptionId;
    await h.app.fulfillment.activate(other, { planId: 'starter' });
    expect(await h.app.store.subscriptions.get(other)).toBeUndefined();
    const op = await h.emulator.trigger(other, 'Suspend');
    expect(op.webhookStatus).toBe(200);
    expect((await h.app.store.subscriptions.get(other))?.status).toBe('Suspended');
  });

  it('publishes nothing secret in the emulator keys (public JWK only)', async () => {
    const jwks = (await (await fetch(`${h.emulatorUrl}/keys`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const { publicKey } = await generateKeyPair('RS256');
    expect(Object.keys(await exportJWK(publicKey)).sort()).toEqual(expect.arrayContaining(['e', 'kty', 'n']));
  });
});
