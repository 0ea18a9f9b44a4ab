import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import { loadConfig, PLAYGROUND_USER_ID } from '../../src/config';
import type { EntraSignIn, SignInResult } from '../../src/web/entra-sign-in/entra-sign-in';
import { newSignInAttempt } from '../../src/web/entra-sign-in/sign-in-attempt';
import { seedConsoleFleet } from '../helpers/console-seed';
import { ConsoleClient, csrfOf } from '../helpers/console-client';
import { FakeClock } from '../helpers/fake-clock';
import { startTestApp, testEnv } from '../helpers/test-app';
import { consoleCookieHeader } from '../../src/web/console/console-session';

const NOW = '2026-03-15T12:00:00.000Z';

/** An Entra sign-in whose answer each test chooses (the protocol itself is tested with the landing page). */
function fakeEntra(): EntraSignIn & { next: SignInResult } {
  const fake = {
    next: { kind: 'refused', reason: 'no-attempt' } as SignInResult,
    ready: async () => undefined,
    begin: async () => ({ url: 'https://login.example/authorize?x=1', attempt: newSignInAttempt(Date.parse(NOW)) }),
    finish: async () => fake.next,
    adminConsentUrl: () => 'https://login.example/adminconsent',
  };
  return fake;
}

describe('publisher console', () => {
  let app: RunningApp;
  let dataDir: string;
  const clock = new FakeClock(NOW);
  const entra = fakeEntra();
  let failedId = 0;
  let conflictId = 0;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-test-'));
    app = await startTestApp(
      { DATA_DIR: dataDir, CONSOLE_DEV_SIGN_IN: 'true', OPERATOR_IDS: PLAYGROUND_USER_ID, CONSOLE_PAGE_SIZE: '5' },
      { clock, signIn: entra },
    );
    ({ failedId, conflictId } = await seedConsoleFleet(app.store));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const signedIn = async (language?: string) => {
    const client = new ConsoleClient(app.url, language);
    const res = await client.devSignIn();
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console');
    return client;
  };

  describe('sign-in refusals', () => {
    it('sends a browser without a session to the sign-in page, and refuses its forms', async () => {
      const client = new ConsoleClient(app.url);
      const res = await client.get('/console/subscriptions?q=x');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fsubscriptions');
      expect((await client.post(`/console/metering/${failedId}/resend`, { csrf: 'x' })).status).toBe(401);
      const page = await client.get('/console/sign-in');
      const html = await page.text();
      expect(html).toContain('Development only.');
      expect(html).toContain('Sign in with Microsoft');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
      expect(page.headers.get('set-cookie')).toMatch(/console_session=.+; Path=\/console; HttpOnly; SameSite=Lax/);
    });

    it('refuses a forged or tampered cookie like no session at all', async () => {
      const client = await signedIn();
      const [body, signature] = client.cookie.replace('console_session=', '').split('.') as [string, string];
      const session = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { user: { oid: string } };
      session.user.oid = 'someone-else';
      const forged = new ConsoleClient(app.url);
      forged.cookie = `console_session=${Buffer.from(JSON.stringify(session)).toString('base64url')}.${signature}`;
      expect((await forged.get('/console')).status).toBe(303);
      forged.cookie = 'console_session=garbage';
      expect((await forged.get('/console')).status).toBe(303);
      expect((await client.get('/console')).status).toBe(200);
    });

    it('refuses the development sign-in form without its CSRF token', async () => {
      const client = new ConsoleClient(app.url);
      await client.get('/console/sign-in');
      expect((await client.post('/console/dev-sign-in', { csrf: 'wrong' })).status).toBe(403);
      expect((await client.post('/console/dev-sign-in', {})).status).toBe(403);
      expect((await client.get('/console')).status).toBe(303);
    });

    it('refuses an Entra user who is not an operator, and one holding the role in another tenant', async () => {
      for (const user of [
        { oid: 'stranger', tid: 'test-publisher-tenant' },
        { oid: 'customer-admin', tid: 'customer-tenant', roles: ['Console.Operator'] },
      ]) {
        const client = new ConsoleClient(app.url);
        const start = await client.get('/console/sign-in/entra');
        expect(start.status).toBe(303);
        expect(start.headers.get('location')).toBe('https://login.example/authorize?x=1');
        entra.next = { kind: 'signed-in', user };
        const res = await client.get('/console/auth?code=c&state=s');
        expect(res.status).toBe(403);
        expect(await res.text()).toContain('Not an operator');
        expect((await client.get('/console')).status).toBe(303);
      }
    });

    it('lets in an Entra user with the operator role in the publisher tenant', async () => {
      const client = new ConsoleClient(app.url);
      await client.get('/console/sign-in/entra');
      entra.next = { kind: 'signed-in', user: { oid: 'ops-1', tid: 'test-publisher-tenant', name: 'Olga Ops', roles: ['Console.Operator'] } };
      const res = await client.get('/console/auth?code=c&state=s');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/console');
      const page = await (await client.get('/console')).text();
      expect(page).toContain('Olga Ops');
      expect(page).not.toContain('Development sign-in');
    });

    it('refuses a metering action with a missing or wrong CSRF token, and changes nothing', async () => {
      const client = await signedIn();
      expect((await client.post(`/console/metering/${failedId}/resend`, {})).status).toBe(403);
      expect((await client.post(`/console/metering/${failedId}/resend`, { csrf: 'forged' })).status).toBe(403);
      const other = await signedIn();
      const otherCsrf = csrfOf(await (await other.get('/console/metering')).text());
      expect((await client.post(`/console/metering/${failedId}/resend`, { csrf: otherCsrf })).status).toBe(403);
      expect((await app.store.metering.list({ status: 'Failed' })).map((r) => r.id)).toContain(failedId);
    });

    it('signs out: the cookie is cleared', async () => {
      const client = await signedIn();
      const csrf = csrfOf(await (await client.get('/console')).text());
      const res = await client.post('/console/sign-out', { csrf });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toContain('Max-Age=0');
      expect((await client.get('/console')).status).toBe(303);
    });
  });

  describe('pages', () => {
    it('overview: MRR, overage before and after the 3% fee, counts, turns and problems', async () => {
      const client = await signedIn();
      const res = await client.get('/console');
      expect(res.status).toBe(200);
      const page = await res.text();
      // MRR: business 49 + enterprise 199 + team-seat 6 × 10 seats = 308.
      expect(page).toContain('€308.00');
      // This month: 100 × 0.01 + 25 × 0.04 = 2.00, 1.94 after the fee; the 12 months before: 1,000 × 0.03 = 30.00, 29.10.
      expect(page).toMatch(/Overage billed this month<\/div><div class="value">€2.00<\/div><div class="sub">€1.94 after the 3% Marketplace fee/);
      expect(page).toMatch(/Overage, the 12 months before<\/div><div class="value">€30.00<\/div><div class="sub">€29.10 after/);
      expect(page).toMatch(/Active subscriptions<\/div><div class="value">3<\/div><div class="sub">of 6 recorded/);
      // Last 30 days: 5 created since 14 Feb (sub-e is older), 1 suspended, 1 cancelled.
      expect(page).toMatch(/New subscriptions<\/td><td class="num">5</);
      expect(page).toMatch(/Suspended<\/td><td class="num">1</);
      expect(page).toMatch(/Cancelled<\/td><td class="num">1</);
      expect(page).toContain('2 metered hours need attention');
      expect(page).toContain('1 subscription is bought but not activated');
      // The turns chart: an accessible SVG whose description has each day's count.
      expect(page).toMatch(/<svg class="chart" role="img"/);
      expect(page).toContain('Mar 14, 2026: 3');
      expect(page).toContain('Mar 10, 2026: 2');
      expect(page).toMatch(/Team \(per user\)<\/a><\/td><td class="num">1<\/td><td class="num">10<\/td><td class="num">€60.00/);
      expect(page).not.toMatch(/<script|style=/);
    });

    it('subscriptions: search by tenant, email, id and name; filters; pages of 5', async () => {
      const client = await signedIn();
      const list = async (query: string) => {
        const page = await (await client.get(`/console/subscriptions${query}`)).text();
        return { page, ids: [...page.matchAll(/href="\/console\/subscriptions\/([^"]+)"/g)].map((m) => m[1]) };
      };
      const first = await list('');
      expect(first.ids).toEqual(['sub-f', 'sub-d', 'sub-c', 'sub-b', 'sub-a']);
      expect(first.page).toContain('Showing 1–5 of 6');
      expect(first.page).toContain('href="/console/subscriptions?page=2"');
      const second = await list('?page=2');
      expect(second.ids).toEqual(['sub-e']);
      expect(second.page).toContain('Showing 6–6 of 6');
      expect((await list('?q=TENANT-C')).ids).toEqual(['sub-c']);
      expect((await list('?q=buyer%40tenant-b.example')).ids).toEqual(['sub-b']);
      expect((await list('?q=sub-d')).ids).toEqual(['sub-d']);
      expect((await list('?q=northwind')).ids).toEqual(['sub-c']);
      expect((await list('?status=Subscribed&offer=teams-ai-assistant')).ids).toEqual(['sub-b', 'sub-a']);
      const filtered = await list('?plan=business&page=1');
      expect(filtered.ids).toEqual(['sub-a', 'sub-e']);
      expect(filtered.page).toContain('<option value="business" selected>');
      expect((await list('?q=nobody')).page).toContain('No subscription matches.');
    });

    it('escapes every value: a tenant named <script> shows as text', async () => {
      const client = await signedIn();
      for (const path of ['/console/subscriptions', '/console/subscriptions/sub-a', '/console/metering']) {
        const page = await (await client.get(path)).text();
        expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Corp');
        expect(page).not.toContain('<script>');
      }
    });

    it('subscription page: plan, seats, admins, usage against the allowance, daily chart, hours, timeline, reports', async () => {
      await app.store.feedback.record({
        tenantId: 'tenant-a',
        userId: 'user-1',
        key: 'reply-1',
        replyId: 'reply-1',
        subscriptionId: 'sub-a',
        reaction: 'dislike',
        comment: 'Made up a <b>law</b>',
        isReport: true,
        createdAt: clock.now(),
      });
      const client = await signedIn();
      const page = await (await client.get('/console/subscriptions/sub-a')).text();
      expect(page).toContain('Content reports');
      expect(page).toContain('Made up a &lt;b&gt;law&lt;/b&gt;');
      expect(page).toContain('Business (business)');
      expect(page).toContain('€49.00 per month');
      expect(page).toContain('Ada Admin');
      expect(page).toMatch(/Standard messages<\/td><td class="num">5<\/td><td class="num">5,000<\/td>/);
      expect(page).toContain('<progress max="5000" value="5">');
      expect(page).toContain('Standard messages per day');
      expect(page).toContain('Mar 14, 2026: 3');
      expect(page).toMatch(/Accepted<\/span> 2 hours, 125 units/);
      expect(page).toMatch(/Failed<\/span> 1 hour, 7 units/);
      expect(page).toContain('plan starter → business');
      expect(page).toContain('href="/console/metering/ledger/sub-a"');
      expect((await client.get('/console/subscriptions/nope')).status).toBe(404);
    });

    it('metering: hours by status, the attention list, and the ledger of a subscription', async () => {
      const client = await signedIn();
      const page = await (await client.get('/console/metering')).text();
      expect(page).toMatch(/Accepted<\/span><\/td><td class="num">3<\/td><td class="num">1,125</);
      expect(page).toContain(`action="/console/metering/${failedId}/resend"`);
      expect(page).toContain(`action="/console/metering/${conflictId}/resolve"`);
      expect(page).not.toContain(`action="/console/metering/${conflictId}/resend"`);
      expect(page).toContain('InvalidQuantity');
      const ledger = await (await client.get('/console/metering/ledger/sub-a')).text();
      expect([...ledger.matchAll(/<tr><td class="num">(\d+)<\/td>/g)]).toHaveLength(3);
    });

    it('operations: webhook deliveries (refused ones counted), reconciliation runs, recorded operations', async () => {
      expect((await fetch(`${app.url}/api/webhook`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
      await app.store.console.recordActivity('reconcile.run', clock.now());
      for (const action of ['SignIn', 'Activate'])
        await app.store.operations.apply({
          record: { subscriptionId: 'sub-f', action, source: 'landing', status: 'Applied', createdAt: new Date('2026-03-12T00:00:00Z') },
        });
      const client = await signedIn();
      const page = await (await client.get('/console/operations')).text();
      expect(page).toMatch(/Refused \(invalid token\)<\/td><td class="num">1</);
      expect(page).toMatch(/Runs<\/td><td class="num">1</);
      expect(page).toMatch(/Accepted \(token valid, operation recorded\)<\/td><td class="num">3</);
      expect(page).toContain('Unsubscribe');
      expect(page).toMatch(/Activations<\/td><td class="num">1</);
      expect(page).toMatch(/Sign-ins<\/td><td class="num">1</);
      const webhookOnly = await (await client.get('/console/operations?source=reconcile')).text();
      expect(webhookOnly).toContain('No operation recorded.');
    });

    it('billed vs sent: the stored comparisons, filtered, a bad filter named', async () => {
      const now = clock.now();
      const runId = await app.store.billedVsSent.startRun({
        owner: 'test',
        trigger: 'manual',
        now,
        leaseUntil: new Date(now.getTime() + 60_000),
        firstDay: '2026-03-08',
        lastDay: '2026-03-08',
      });
      await app.store.billedVsSent.finishRun({
        runId: runId!,
        owner: 'test',
        now,
        days: ['2026-03-08'],
        comparisons: [
          { day: '2026-03-08', subscriptionId: 'sub-a', dimension: 'messages', planId: 'team', outcome: 'Match', ledgerQuantity: 4, submittedQuantity: 4, processedQuantity: 4 },
          { day: '2026-03-08', subscriptionId: 'sub-<b>', dimension: 'messages', planId: 'team', outcome: 'QuantityMismatch', ledgerQuantity: 7, submittedQuantity: 7, processedQuantity: 5 },
        ],
      });
      const client = await signedIn();
      const page = await (await client.get('/console/billed')).text();
      expect(page).toContain('aria-current="page">Billed vs sent');
      expect(page).toContain('sub-a');
      expect(page).toContain('sub-&lt;b&gt;');
      const problems = await (await client.get('/console/billed?problems=1')).text();
      expect(problems).toContain('sub-&lt;b&gt;');
      expect(problems).not.toContain('>sub-a<');
      const bad = await (await client.get('/console/billed?from=yesterday')).text();
      expect(bad).toContain('The “from” filter is not valid');
    });

    it('speaks French from Accept-Language', async () => {
      const client = await signedIn('fr-FR,fr;q=0.9,en;q=0.5');
      const page = await (await client.get('/console')).text();
      expect(page).toContain('<html lang="fr">');
      expect(page).toContain('Revenu mensuel récurrent');
      expect(page).toMatch(/308,00\s€/);
      expect(page).toMatch(/1,94\s€ après la commission Marketplace de 3\s%/);
      const signIn = await (await new ConsoleClient(app.url, 'fr').get('/console/sign-in')).text();
      expect(signIn).toContain('Développement uniquement.');
    });

    it('home page: what this is, links and health, no customer data', async () => {
      const res = await fetch(`${app.url}/`);
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toContain('href="/console"');
      expect(page).toContain('its SQLite database answers');
      expect(page).not.toContain('href="/emulator"');
      expect(page).not.toContain('Corp');
    });
  });

  describe('actions', () => {
    it('re-sends a failed hour and resolves a conflict with a note, recorded with the operator id', async () => {
      const client = await signedIn();
      const csrf = csrfOf(await (await client.get('/console/metering')).text());
      const resend = await client.post(`/console/metering/${failedId}/resend`, { csrf });
      expect(resend.status).toBe(303);
      expect(resend.headers.get('location')).toBe(`/console/metering?done=resend&id=${failedId}&outcome=done`);
      expect(await (await client.get(resend.headers.get('location')!)).text()).toContain(`Hour #${failedId} will be sent again`);
      const [resent] = (await app.store.metering.list({ subscriptionId: 'sub-a' })).filter((r) => r.id === failedId);
      expect(resent!.status).toBe('Retry');

      const again = await client.post(`/console/metering/${failedId}/resend`, { csrf });
      expect(again.headers.get('location')).toContain('outcome=not-eligible');

      const noNote = await client.post(`/console/metering/${conflictId}/resolve`, { csrf, note: '  ' });
      expect(noNote.headers.get('location')).toContain('outcome=note-missing');
      const resolve = await client.post(`/console/metering/${conflictId}/resolve`, { csrf, note: 'Checked with Microsoft support' });
      expect(resolve.headers.get('location')).toContain('outcome=done');
      const [resolved] = (await app.store.metering.list({ status: 'Resolved' })).filter((r) => r.id === conflictId);
      expect(resolved).toMatchObject({ resolvedBy: PLAYGROUND_USER_ID, resolutionNote: 'Checked with Microsoft support' });
      expect((await client.post('/console/metering/999999/resolve', { csrf, note: 'x' })).headers.get('location')).toContain('outcome=not-found');
    });
  });
});

describe('console settings', () => {
  it('refuses the development sign-in in production, and it is off by default outside development', async () => {
    expect(() => loadConfig({ NODE_ENV: 'production', CONSOLE_DEV_SIGN_IN: 'true' })).toThrow(/CONSOLE_DEV_SIGN_IN must be off in production/);
    expect(loadConfig(testEnv()).console).toEqual({ devSignIn: false, operatorRole: 'Console.Operator', marketplaceFeePercent: 3, pageSize: 25 });
    expect(loadConfig(testEnv({ NODE_ENV: 'development' })).console.devSignIn).toBe(true);
    expect(() => loadConfig(testEnv({ MARKETPLACE_FEE_PERCENT: '120' }))).toThrow(/MARKETPLACE_FEE_PERCENT/);
  });

  it('marks the session cookie Secure over https only', () => {
    expect(consoleCookieHeader('v', true)).toBe('console_session=v; Path=/console; HttpOnly; SameSite=Lax; Max-Age=7200; Secure');
    expect(consoleCookieHeader('v', false)).not.toContain('Secure');
    expect(consoleCookieHeader(undefined, true)).toContain('Max-Age=0');
  });
});
