import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import { messageActivity, postActivity } from '../helpers/activities';
import { seedSubscription } from '../helpers/seed';
import { startTestApp } from '../helpers/test-app';

/**
 * The real Bot Framework inbound check (CloudAdapter), with keys this test generates and publishes at a local
 * OpenID metadata URL: with a bot app id, only correctly signed tokens for our app and service URL get in.
 */
describe('inbound Bot Framework authentication (bot app id set)', () => {
  const ISSUER = 'https://api.botframework.test';
  const APP_ID = 'bot-app-id';
  let keys: { privateKey: KeyLike; publicKey: KeyLike };
  let rogue: { privateKey: KeyLike };
  let metadata: http.Server;
  let app: RunningApp;

  beforeAll(async () => {
    keys = await generateKeyPair('RS256');
    rogue = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test-key', use: 'sig', alg: 'RS256', endorsements: ['msteams'] };
    metadata = http.createServer((req, res) => {
      const base = `http://127.0.0.1:${(metadata.address() as AddressInfo).port}`;
      res.setHeader('content-type', 'application/json');
      if (req.url === '/keys') res.end(JSON.stringify({ keys: [jwk] }));
      else
        res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    });
    await new Promise<void>((r) => metadata.listen(0, '127.0.0.1', r));
    const port = (metadata.address() as AddressInfo).port;
    app = await startTestApp({
      BOT_ID: APP_ID,
      BOT_PASSWORD: 'not-used-for-inbound',
      BOT_TYPE: 'SingleTenant',
      BOT_TENANT_ID: 'publisher-tenant',
      BOT_OPENID_METADATA_URL: `http://127.0.0.1:${port}/.well-known/openidconfiguration`,
      BOT_TOKEN_ISSUER: ISSUER,
    });
    await seedSubscription(app.store, { tenantId: 'tenant-a', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });
  });
  afterAll(async () => {
    await app.close();
    await new Promise((r) => metadata.close(r));
  });

  const token = (claims: Record<string, unknown>, key: KeyLike = keys.privateKey, kid = 'test-key') =>
    new SignJWT({ serviceurl: 'http://127.0.0.1:9/', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(ISSUER)
      .setAudience(APP_ID)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);

  it('lets a correctly signed channel token in', async () => {
    const res = await postActivity(app.url, messageActivity(), { authorization: `Bearer ${await token({})}` });
    expect(res.status).toBe(200);
    expect(res.text).toContain('[Offline demo model]');
  });

  it.each([
    ['no token', async () => undefined],
    ['a token signed by another key', async () => token({}, rogue.privateKey)],
    [
      'a token for another bot',
      async () =>
        new SignJWT({ serviceurl: 'http://127.0.0.1:9/' })
          .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
          .setIssuer(ISSUER)
          .setAudience('someone-else')
          .setExpirationTime('10m')
          .sign(keys.privateKey),
    ],
    ['a token for another service URL', async () => token({ serviceurl: 'https://evil.example/' })],
    [
      'an expired token',
      async () =>
        new SignJWT({ serviceurl: 'http://127.0.0.1:9/' })
          .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
          .setIssuer(ISSUER)
          .setAudience(APP_ID)
          .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
          .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
          .sign(keys.privateKey),
    ],
  ])('refuses %s with 401 and no turn', async (_why, make) => {
    const jwt = await make();
    const res = await postActivity(app.url, messageActivity({ text: 'sneaky' }), jwt ? { authorization: `Bearer ${jwt}` } : {});
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'Unauthorized', message: 'A valid Bot Framework token is required.' });
  });
});

/**
 * When the Bot Framework's OpenID metadata cannot be fetched, no token can be checked. That is our outage, not the
 * caller's fault: 503 with Retry-After (the channel delivers the activity again), never 500 or 401, and no turn.
 */
describe('inbound Bot Framework authentication when the OpenID metadata is unreachable', () => {
  const ISSUER = 'https://api.botframework.test';
  const APP_ID = 'bot-app-id';
  let keys: { privateKey: KeyLike; publicKey: KeyLike };
  const apps: RunningApp[] = [];
  const servers: http.Server[] = [];

  beforeAll(async () => {
    keys = await generateKeyPair('RS256');
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const server of servers) await new Promise((r) => server.close(r));
  });

  const botEnv = (metadataUrl: string) => ({
    BOT_ID: APP_ID,
    BOT_PASSWORD: 'not-used-for-inbound',
    BOT_TYPE: 'SingleTenant',
    BOT_TENANT_ID: 'publisher-tenant',
    BOT_OPENID_METADATA_URL: metadataUrl,
    BOT_TOKEN_ISSUER: ISSUER,
  });
  const token = () =>
    new SignJWT({ serviceurl: 'http://127.0.0.1:9/' })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(ISSUER)
      .setAudience(APP_ID)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(keys.privateKey);
  /** POST /api/messages with a valid-looking token (status, Retry-After, body). */
  const post = async (url: string) => {
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      body: JSON.stringify(messageActivity()),
    });
    const text = await res.text();
    return { status: res.status, retryAfter: res.headers.get('retry-after'), text };
  };
  const listen = async (handler: http.RequestListener) => {
    const server = http.createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it('answers 503 with Retry-After when nothing listens at the metadata URL', async () => {
    // A port that was just free: nothing listens there.
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const app = await startTestApp(botEnv(`http://127.0.0.1:${port}/.well-known/openidconfiguration`));
    apps.push(app);
    await seedSubscription(app.store, { tenantId: 'tenant-a', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });

    const res = await post(app.url);

    expect(res.status).toBe(503);
    expect(res.retryAfter).toBe('10');
    expect(JSON.parse(res.text)).toEqual({
      error: 'AuthUnavailable',
      message: 'The bot cannot check tokens right now. Please retry.',
    });
  });

  it('answers 503 while the metadata endpoint fails, and serves again once it answers', async () => {
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test-key', use: 'sig', alg: 'RS256', endorsements: ['msteams'] };
    let healthy = false;
    const base = await listen((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (!healthy) {
        res.statusCode = 500;
        return res.end('{"error":"down"}');
      }
      if (req.url === '/keys') return res.end(JSON.stringify({ keys: [jwk] }));
      res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    });
    const app = await startTestApp(botEnv(`${base}/.well-known/openidconfiguration`));
    apps.push(app);
    await seedSubscription(app.store, { tenantId: 'tenant-a', term: { startDate: new Date(Date.UTC(2020, 0, 1)) } });

    const refused = await post(app.url);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('10');

    healthy = true;
    const served = await postActivity(app.url, messageActivity(), { authorization: `Bearer ${await token()}` });
    expect(served.status).toBe(200);
    expect(served.text).toContain('[Offline demo model]');
  });
});
