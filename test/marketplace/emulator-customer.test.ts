import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MARKETPLACE_APP_ID } from '../../src/config';
import { FakeClock } from '../helpers/fake-clock';
import { EMULATOR_API_TOKEN, startStandaloneEmulator, type StandaloneEmulator } from '../helpers/standalone-emulator';
import { tempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait-for';

/**
 * The customer's side of the emulator: lifecycle actions that call our webhook with tokens signed by the emulator's
 * key (checked here with jose against the JWKS it serves), the buy/manage page, and the state file.
 */
const AUDIENCE = 'fulfillment-app';
const PUBLISHER_TENANT = 'publisher-tenant';

/** Stands in for our webhook: records what it receives, answers with the status the test sets. */
async function startWebhookStub() {
  const received: { headers: http.IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  let status = 200;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: raw ? JSON.parse(raw) : {} });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ received: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhook`,
    received,
    answer(next: number) {
      status = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function bearerOf(headers: http.IncomingHttpHeaders): string {
  const match = /^Bearer (.+)$/.exec(headers.authorization ?? '');
  if (!match) throw new Error('no bearer token');
  return match[1]!;
}

async function postJson(url: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function postForm(url: string, fields: Record<string, string>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location') ?? '' };
}

/** A PendingFulfillmentStart subscription of tenant-a. */
function purchase(r: StandaloneEmulator, planId: string, quantity?: number, name?: string): string {
  return r.emulator.buy({ planId, tenantId: 'tenant-a', ...(quantity ? { quantity } : {}), ...(name ? { name } : {}) })
    .subscriptionId;
}

async function activateViaApi(r: StandaloneEmulator, subscriptionId: string, planId: string) {
  const res = await fetch(`${r.url}/api/saas/subscriptions/${subscriptionId}/activate?api-version=2018-08-31`, {
    method: 'POST',
    headers: { authorization: `Bearer ${EMULATOR_API_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ planId }),
  });
  expect(res.status).toBe(200);
}

describe('webhook calls and their tokens', () => {
  let r: StandaloneEmulator;
  let hook: Awaited<ReturnType<typeof startWebhookStub>>;
  beforeAll(async () => {
    hook = await startWebhookStub();
    r = await startStandaloneEmulator();
    r.emulator.configure({ webhookUrl: hook.url });
  });
  afterAll(async () => {
    await r.close();
    await hook.close();
  });
  afterEach(() => {
    hook.received.length = 0;
    hook.answer(200);
  });

  const verify = (token: string) =>
    jwtVerify(token, createRemoteJWKSet(new URL(`${r.url}/keys`)), {
      issuer: r.url,
      audience: AUDIENCE,
      currentDate: r.clock.now(),
      algorithms: ['RS256'],
    });

  it('publishes OpenID metadata and the signing key', async () => {
    const metadata = await (await fetch(`${r.url}/.well-known/openid-configuration`)).json();
    expect(metadata).toMatchObject({
      issuer: r.url,
      jwks_uri: `${r.url}/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const jwks = (await (await fetch(`${r.url}/keys`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({
      kty: 'RSA',
      use: 'sig',
      alg: 'RS256',
      kid: expect.any(String),
      n: expect.any(String),
      e: 'AQAB',
    });
    expect(jwks.keys[0]?.d).toBeUndefined();
  });

  it('Suspend: applies, then POSTs the operation to our webhook with a token our checks accept', async () => {
    const id = purchase(r, 'business');
    await activateViaApi(r, id, 'business');
    const result = await r.emulator.trigger(id, 'Suspend');
    expect(result.webhookStatus).toBe(200);
    expect(result.operation).toMatchObject({
      id: result.operationId,
      action: 'Suspend',
      status: 'Succeeded',
      operationRequestSource: 'Azure',
    });

    expect(hook.received).toHaveLength(1);
    const { headers, body } = hook.received[0]!;
    expect(headers['content-type']).toBe('application/json');
    expect(body).toEqual({
      id: result.operationId,
      activityId: result.operation.activityId,
      publisherId: 'contoso',
      offerId: 'teams-ai-assistant',
      planId: 'business',
      subscriptionId: id,
      timeStamp: '2026-03-10T10:20:00.000Z',
      action: 'Suspend',
      status: 'Succeeded',
      operationRequestSource: 'Azure',
      subscription: expect.objectContaining({ id, saasSubscriptionStatus: 'Suspended' }),
      purchaseToken: null,
    });

    const token = bearerOf(headers);
    const { payload, protectedHeader } = await verify(token);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    expect(payload).toMatchObject({
      iss: r.url,
      aud: AUDIENCE,
      tid: PUBLISHER_TENANT,
      azp: MARKETPLACE_APP_ID,
      ver: '2.0',
      sub: expect.any(String),
      oid: expect.any(String),
    });
    // Times come from the emulator's clock, so they match the fake "now" of the test.
    const now = Math.floor(r.clock.now().getTime() / 1000);
    expect(payload).toMatchObject({ iat: now, nbf: now, exp: now + 300 });
    expect(r.emulator.subscription(id)?.saasSubscriptionStatus).toBe('Suspended');
  });

  it('ChangePlan: nothing changes until the publisher settles the operation', async () => {
    const id = purchase(r, 'business');
    await activateViaApi(r, id, 'business');
    const result = await r.emulator.trigger(id, 'ChangePlan', { planId: 'enterprise' });
    expect(hook.received[0]!.body).toMatchObject({
      action: 'ChangePlan',
      planId: 'enterprise',
      status: 'InProgress',
      subscription: { planId: 'business' },
    });
    expect(result.operation.status).toBe('InProgress');
    expect(r.emulator.subscription(id)?.planId).toBe('business');
  });

  it('ChangeQuantity refused by our webhook with a 4xx: the operation fails at once', async () => {
    const id = purchase(r, 'team-seat', 3);
    await activateViaApi(r, id, 'team-seat');
    hook.answer(400);
    const result = await r.emulator.trigger(id, 'ChangeQuantity', { quantity: 10 });
    expect(result.webhookStatus).toBe(400);
    expect(result.operation).toMatchObject({ status: 'Failed', errorStatusCode: '400', quantity: 10 });
    expect(r.emulator.subscription(id)?.quantity).toBe(3);
  });

  it('refuses actions that make no sense for the status, without calling the webhook', async () => {
    const id = purchase(r, 'business');
    await expect(r.emulator.trigger(id, 'Reinstate')).rejects.toThrow(
      /Reinstate is not possible on a PendingFulfillmentStart subscription/,
    );
    await activateViaApi(r, id, 'business');
    await expect(r.emulator.trigger(id, 'Reinstate')).rejects.toThrow(/Subscribed/);
    await expect(r.emulator.trigger(id, 'ChangeQuantity', { quantity: 4 })).rejects.toThrow(/not priced per seat/);
    await expect(r.emulator.trigger('nope', 'Suspend')).rejects.toThrow(/not found/);
    expect(hook.received).toEqual([]);
  });

  it('signs forged tokens on request: overridden claims, removed claims, another kid', async () => {
    await expect(verify(await r.emulator.signWebhookToken({ aud: 'someone-else' }))).rejects.toThrow(/aud/);
    const noExpiry = await r.emulator.signWebhookToken({ exp: undefined });
    expect((await verify(noExpiry)).payload.exp).toBeUndefined();
    const otherKid = await r.emulator.signWebhookToken({}, { kid: 'unknown-key' });
    expect(decodeProtectedHeader(otherKid).kid).toBe('unknown-key');
    await expect(verify(otherKid)).rejects.toThrow();
  });

  it('sends any body with a valid token, a given token, or none', async () => {
    expect(await r.emulator.sendWebhook({ action: 'Whatever' })).toEqual({ status: 200, body: { received: true } });
    await r.emulator.sendWebhook({ action: 'Forged' }, 'not-a-jwt');
    await r.emulator.sendWebhook({ action: 'Anonymous' }, '');
    await verify(bearerOf(hook.received[0]!.headers));
    expect(hook.received[1]!.headers.authorization).toBe('Bearer not-a-jwt');
    expect(hook.received[2]!.headers.authorization).toBeUndefined();
    expect(hook.received.map((h) => h.body.action)).toEqual(['Whatever', 'Forged', 'Anonymous']);
  });
});

describe('the buy and manage page', () => {
  let r: StandaloneEmulator;
  let hook: Awaited<ReturnType<typeof startWebhookStub>>;
  beforeAll(async () => {
    hook = await startWebhookStub();
    r = await startStandaloneEmulator({ landingPageUrl: 'http://127.0.0.1:3978/landing' });
    r.emulator.configure({ webhookUrl: hook.url });
  });
  afterAll(async () => {
    await r.close();
    await hook.close();
  });

  it('renders with labels, a Buy button, a CSP without script, and every value escaped', async () => {
    const id = purchase(r, 'business', undefined, '<script>alert("x")</script>');
    for (const page of [r.url, `${r.url}/`]) {
      const res = await fetch(`${page}?error=${encodeURIComponent('<b>bad</b>')}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("style-src 'unsafe-inline'");
      expect(csp).toContain("form-action 'self' http://127.0.0.1:3978");
      expect(csp).not.toContain('script-src');
      const html = await res.text();
      expect(html).toContain('<title>Marketplace emulator</title>');
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(html).toContain('&lt;b&gt;bad&lt;/b&gt;');
      expect(html).toMatch(/<button type="submit">Buy<\/button>/);
      for (const field of ['buy-plan', 'buy-quantity', 'buy-tenant', 'buy-user', 'buy-email', 'buy-name']) {
        expect(html).toContain(`<label for="${field}">`);
        expect(html).toContain(`id="${field}"`);
      }
      expect(html).toContain('value="00000000-0000-0000-0000-0000000000001"');
      expect(html).toContain('value="00000000-0000-0000-0000-0000000000020"');
      expect(html).toContain(`<tr data-subscription-id="${id}">`);
      expect(html).toContain(`action="/emulator/subscriptions/${id}/actions"`);
    }
  });

  it('buy redirects to our landing page with the token URL-encoded, and that token resolves', async () => {
    const res = await postForm(`${r.url}/buy`, {
      planId: 'team-seat',
      quantity: '4',
      tenantId: 'tenant-z',
      objectId: 'user-z',
      email: 'z@contoso.example',
      name: 'Zed',
    });
    expect(res.status).toBe(302);
    expect(res.location.startsWith('http://127.0.0.1:3978/landing?token=')).toBe(true);
    const raw = res.location.slice('http://127.0.0.1:3978/landing?token='.length);
    expect(raw).toContain('%2B');
    expect(raw).toContain('%2F');
    const token = new URL(res.location).searchParams.get('token')!;
    const resolved = await fetch(`${r.url}/api/saas/subscriptions/resolve?api-version=2018-08-31`, {
      method: 'POST',
      headers: { authorization: `Bearer ${EMULATOR_API_TOKEN}`, 'x-ms-marketplace-token': token },
    });
    expect(resolved.status).toBe(200);
    expect(await resolved.json()).toMatchObject({
      subscriptionName: 'Zed',
      planId: 'team-seat',
      quantity: 4,
      subscription: { beneficiary: { tenantId: 'tenant-z', objectId: 'user-z', emailId: 'z@contoso.example' } },
    });
  });

  it('buy answers JSON to JSON, and sends form errors back to the page', async () => {
    const json = await postJson(`${r.url}/buy`, { planId: 'starter', tenantId: 'tenant-j' });
    expect(json.status).toBe(201);
    expect(json.body).toMatchObject({
      subscriptionId: expect.any(String),
      token: expect.stringMatching(/\+/),
      landingUrl: expect.stringContaining('token='),
    });
    expect((await postJson(`${r.url}/buy`, { planId: 'gold', tenantId: 'tenant-j' })).status).toBe(400);
    const bad = await postForm(`${r.url}/buy`, { planId: 'gold', tenantId: 'tenant-j' });
    expect(bad.status).toBe(303);
    expect(bad.location).toMatch(/^\/emulator\/\?error=/);
  });

  it('customer actions from the form come back to the page with a message; JSON gets the result', async () => {
    const id = purchase(r, 'business');
    await activateViaApi(r, id, 'business');
    const suspended = await postForm(`${r.url}/subscriptions/${id}/actions`, {
      action: 'Suspend',
      planId: 'business',
      quantity: '',
    });
    expect(suspended.status).toBe(303);
    const message = new URLSearchParams(suspended.location.split('?')[1]).get('message');
    expect(message).toMatch(/^Suspend: operation .+ is Succeeded; the webhook answered 200\.$/);
    expect(r.emulator.subscription(id)?.saasSubscriptionStatus).toBe('Suspended');

    const refused = await postForm(`${r.url}/subscriptions/${id}/actions`, { action: 'Suspend' });
    const error = new URLSearchParams(refused.location.split('?')[1]).get('error');
    expect(error).toMatch(/Suspend is not possible on a Suspended subscription/);
    const page = await (await fetch(`http://127.0.0.1:${new URL(r.url).port}${refused.location}`)).text();
    expect(page).toContain('Suspend is not possible on a Suspended subscription');

    const reinstated = await postJson(`${r.url}/subscriptions/${id}/actions`, { action: 'Reinstate' });
    expect(reinstated.status).toBe(200);
    expect(reinstated.body).toMatchObject({
      operationId: expect.any(String),
      webhookStatus: 200,
      operation: { action: 'Reinstate', status: 'Succeeded' },
    });
    const invalid = await postJson(`${r.url}/subscriptions/${id}/actions`, { action: 'Explode' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: 'BadRequest', message: expect.stringContaining('Unknown action') });
    expect(hook.received.map((h) => h.body.action)).toEqual(['Suspend', 'Reinstate']);
  });

  it('Change plan takes the seats typed in the same form; left empty, the current seats carry over', async () => {
    const typed = purchase(r, 'team-seat', 8);
    await activateViaApi(r, typed, 'team-seat');
    const changed = await postForm(`${r.url}/subscriptions/${typed}/actions`, {
      action: 'ChangePlan',
      planId: 'team-plus',
      quantity: '12',
    });
    expect(changed.location).toMatch(/\?message=ChangePlan/);
    const call = hook.received.find((h) => h.body.subscriptionId === typed)!;
    expect(call.body).toMatchObject({ action: 'ChangePlan', planId: 'team-plus', quantity: 12 });
    expect(r.emulator.subscription(typed)).toMatchObject({ planId: 'team-seat', quantity: 8 });
    expect(await (await fetch(r.url)).text()).toContain('ChangePlan to team-plus × 12: InProgress');

    // team-plus starts at 5 seats: 3 carried over become 5, 3 typed are refused.
    const carried = purchase(r, 'team-seat', 3);
    await activateViaApi(r, carried, 'team-seat');
    await postForm(`${r.url}/subscriptions/${carried}/actions`, { action: 'ChangePlan', planId: 'team-plus', quantity: '' });
    expect(hook.received.find((h) => h.body.subscriptionId === carried)!.body).toMatchObject({ quantity: 5 });
    const tooFew = purchase(r, 'team-seat', 3);
    await activateViaApi(r, tooFew, 'team-seat');
    const refused = await postForm(`${r.url}/subscriptions/${tooFew}/actions`, {
      action: 'ChangePlan',
      planId: 'team-plus',
      quantity: '3',
    });
    expect(new URLSearchParams(refused.location.split('?')[1]).get('error')).toBe(
      'The quantity of plan team-plus must be an integer from 5 to 5000.',
    );
  });

  it('says "1 seat", not "1 seats"', async () => {
    const id = purchase(r, 'team-seat', 1);
    await activateViaApi(r, id, 'team-seat');
    const same = await postForm(`${r.url}/subscriptions/${id}/actions`, { action: 'ChangeQuantity', quantity: '1' });
    expect(new URLSearchParams(same.location.split('?')[1]).get('error')).toBe('The subscription already has 1 seat.');
  });
});

describe('the state file', () => {
  it('survives a restart: subscriptions, tokens, operations and usage', async () => {
    const stateFile = path.join(tempDir('emulator-state-'), 'nested', 'emulator.json');
    const clock = new FakeClock('2026-03-10T10:20:00.000Z');
    const first = await startStandaloneEmulator({ clock, stateFile });
    const { subscriptionId, token } = first.emulator.buy({ planId: 'business', tenantId: 'tenant-s', name: 'Kept' });
    await activateViaApi(first, subscriptionId, 'business');
    const accepted = await fetch(`${first.url}/api/usageEvent?api-version=2018-08-31`, {
      method: 'POST',
      headers: { authorization: `Bearer ${EMULATOR_API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceId: subscriptionId,
        dimension: 'messages',
        quantity: 3,
        planId: 'business',
        effectiveStartTime: '2026-03-10T10:00:00Z',
      }),
    });
    expect(accepted.status).toBe(200);
    const renewal = await first.emulator.trigger(subscriptionId, 'Renew');
    // Saved shortly after the change, before any close.
    const saved = () => {
      try {
        return fs.readFileSync(stateFile, 'utf8');
      } catch {
        return '';
      }
    };
    await waitFor(() => saved().includes(renewal.operationId), 5000, 'the state file to hold the renewal');
    expect(JSON.parse(saved()).subscriptions).toHaveLength(1);
    await first.close();

    const second = await startStandaloneEmulator({ clock, stateFile });
    try {
      expect(second.emulator.subscription(subscriptionId)).toMatchObject({ name: 'Kept', saasSubscriptionStatus: 'Subscribed' });
      expect(second.emulator.acceptedUsage().map((u) => u.quantity)).toEqual([3]);
      expect(second.emulator.operation(subscriptionId, renewal.operationId)).toMatchObject({
        action: 'Renew',
        status: 'Succeeded',
      });
      const resolved = await fetch(`${second.url}/api/saas/subscriptions/resolve?api-version=2018-08-31`, {
        method: 'POST',
        headers: { authorization: `Bearer ${EMULATOR_API_TOKEN}`, 'x-ms-marketplace-token': token },
      });
      expect(resolved.status).toBe(200);
      expect(fs.readdirSync(path.dirname(stateFile))).toEqual(['emulator.json']);
    } finally {
      await second.close();
    }
  });

  it('starts empty on a corrupt file and replaces it at the next save', async () => {
    const stateFile = path.join(tempDir('emulator-state-'), 'emulator.json');
    fs.writeFileSync(stateFile, '{ not json');
    const r = await startStandaloneEmulator({ stateFile });
    expect(r.emulator.subscriptions()).toEqual([]);
    r.emulator.buy({ planId: 'starter', tenantId: 'tenant-c' });
    await r.close();
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8')).subscriptions).toHaveLength(1);
  });
});
