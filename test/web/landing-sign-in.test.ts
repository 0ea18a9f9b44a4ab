import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { OUTSIDER, type IdTokenDefect } from '../../src/dev/marketplace-emulator/identity-provider';
import { SESSION_COOKIE } from '../../src/web/session-cookie';
import { buyAsNewTenant } from '../helpers/idp-purchase';
import { Browser, freePort, LANDING_CLIENT, startMarketplaceHarness, type MarketplaceHarness } from '../helpers/marketplace-harness';
import { testEnv } from '../helpers/test-app';

/** The CSRF token of a page's form posting to `action` (the header's sign-out form comes first). */
const formCsrf = (page: string, action: string) => {
  const token = new RegExp(`<form method="post" action="${action}"[^>]*>\\s*(?:<input type="hidden" name="subscriptionId" value="[^"]*" />\\s*)?<input type="hidden" name="csrf" value="([^"]+)"`).exec(page)?.[1];
  expect(token, `no form to ${action}`).toBeDefined();
  return token!;
};
const activateCsrf = (page: string) => formCsrf(page, '/landing/activate');
const signOutCsrf = (page: string) => formCsrf(page, '/landing/sign-out');

/**
 * The landing page's Entra sign-in on real HTTP: the bot and the Marketplace emulator on ephemeral ports, the
 * emulator playing the identity provider (discovery, keys, authorize, token; PKCE required, single-use codes).
 * Each "Measured" item of issue 16 has a test here that failed before.
 */
describe('landing page sign-in with the emulator as identity provider', () => {
  let h: MarketplaceHarness;
  let n = 0;
  const idp = () => h.emulator.identityProvider;

  beforeAll(async () => {
    h = await startMarketplaceHarness({}, { sso: true, activationDelayMs: 0 });
  });
  afterAll(() => h?.close());

  /** A purchase of a fresh tenant; the purchaser and a colleague are users of the IdP. */
  const buy = () => buyAsNewTenant(h.emulator, 'b', (n += 1));

  /** Opens the landing link: the redirect to the IdP (the authorize URL our sign-in built). */
  const startSignIn = async (browser: Browser, landingUrl: string) => {
    const first = await browser.get(landingUrl);
    expect(first.status).toBe(302);
    return new URL(first.headers.get('location')!);
  };
  /** The IdP's answer for `upn` (login_hint skips the picker): the callback URL on our side. */
  const authorizeAs = async (authorizeUrl: URL, upn: string) => {
    const url = new URL(authorizeUrl);
    url.searchParams.set('login_hint', upn);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return res.headers.get('location')!;
  };
  /** The whole sign-in: landing link → IdP → callback → back on the landing page, signed in. */
  const signIn = async (browser: Browser, landingUrl: string, upn: string) => {
    const callback = await authorizeAs(await startSignIn(browser, landingUrl), upn);
    const back = await browser.get(callback);
    expect(back.status, back.body).toBe(302);
    return browser.get(new URL(back.headers.get('location')!, h.app.url).toString());
  };
  const operations = async (subscriptionId: string) =>
    (await h.app.store.operations.list(subscriptionId)).map((o) => `${o.action}:${o.status}:${o.detail ?? ''}`);

  it('asks the provider for a code with PKCE (S256), a nonce and a fresh state, and only openid profile', async () => {
    const { landingUrl } = buy();
    const a = await startSignIn(new Browser(), landingUrl);
    const b = await startSignIn(new Browser(), landingUrl);
    expect(a.origin + a.pathname).toBe(`${idp().authority()}/oauth2/v2.0/authorize`);
    const q = a.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('scope')).toBe('openid profile');
    expect(q.get('redirect_uri')).toBe(`${h.app.url}/landing/auth`);
    expect(q.get('client_id')).toBe(LANDING_CLIENT.clientId);
    for (const key of ['state', 'nonce', 'code_challenge']) expect(b.searchParams.get(key)).not.toBe(q.get(key));
  });

  it('a buyer of the purchaser’s tenant (the purchaser) signs in, activates, is told truly they are an admin; all recorded', async () => {
    const keysBefore = idp().counts.keys ?? 0;
    const bought = buy();
    const browser = new Browser();
    const page = await signIn(browser, bought.landingUrl, bought.purchaser.upn);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Activate your subscription');
    expect(page.body).toContain(`Signed in as Ada ${n} (${bought.purchaser.upn})`);
    const done = await browser.postForm(`${h.app.url}/landing/activate`, {
      subscriptionId: bought.subscriptionId,
      csrf: activateCsrf(page.body),
    });
    expect(done.status).toBe(200);
    expect(done.body).toContain('You’re all set');
    expect(done.body).toContain('You are an admin of the app in your organization');
    expect(await h.app.store.admins.isAdmin(bought.tenantId, bought.purchaser.oid)).toBe(true);
    expect(await operations(bought.subscriptionId)).toEqual([
      expect.stringMatching(new RegExp(`^SignIn:Applied:${bought.purchaser.upn} \\(oid purchaser-${n}, tenant ${bought.tenantId}\\) as purchaser$`)),
      expect.stringMatching(new RegExp(`^Activate:Applied:activated by ${bought.purchaser.upn} \\(oid purchaser-${n}`)),
    ]);
    // The id_token's signature was checked against the provider's published keys (fetched once, then cached).
    expect(idp().counts.keys ?? 0).toBeGreaterThan(0);
    expect(keysBefore).toBeLessThanOrEqual(1);
  });

  it('a colleague of the beneficiary’s tenant may activate and becomes an admin with the purchaser; nobody else does', async () => {
    const bought = buy();
    const browser = new Browser();
    const page = await signIn(browser, bought.landingUrl, bought.colleague.upn);
    expect(page.status).toBe(200);
    const done = await browser.postForm(`${h.app.url}/landing/activate`, {
      subscriptionId: bought.subscriptionId,
      csrf: activateCsrf(page.body),
    });
    expect(done.body).toContain('You are an admin of the app in your organization');
    const admins = (await h.app.store.admins.list(bought.tenantId)).map((a) => a.userId).sort();
    expect(admins).toEqual([bought.colleague.oid, bought.purchaser.oid].sort());
    expect((await operations(bought.subscriptionId)).at(-1)).toContain(`activated by ${bought.colleague.upn}`);
  });

  it('a user of another tenant is refused with a page that says who can, sees nothing, activates nothing; recorded', async () => {
    const bought = buy();
    const stranger = new Browser();
    const page = await signIn(stranger, bought.landingUrl, OUTSIDER.upn);
    expect(page.status).toBe(403);
    expect(page.body).toContain('This subscription belongs to another organization');
    expect(page.body).toContain(`a work account of contoso${n}.example`);
    expect(page.body).not.toContain(`Contoso ${n} assistant`);
    expect(page.body).not.toContain(bought.purchaser.upn);
    expect(page.body).not.toContain('/landing/activate');
    // Even with a form from the purchaser's page, nothing happens for this browser.
    const owner = new Browser();
    const ownerPage = await signIn(owner, bought.landingUrl, bought.purchaser.upn);
    const refused = await stranger.postForm(`${h.app.url}/landing/activate`, {
      subscriptionId: bought.subscriptionId,
      csrf: activateCsrf(ownerPage.body),
    });
    expect(refused.status).toBe(403);
    expect(h.emulator.subscription(bought.subscriptionId)?.saasSubscriptionStatus).toBe('PendingFulfillmentStart');
    expect((await operations(bought.subscriptionId))[0]).toMatch(/^SignIn:Rejected:mallory@fabrikam\.example .*not of the purchaser's or beneficiary's tenant$/);

    // After activation the manage view (usage) is refused to them too.
    await owner.postForm(`${h.app.url}/landing/activate`, { subscriptionId: bought.subscriptionId, csrf: activateCsrf(ownerPage.body) });
    const manage = await stranger.get(bought.landingUrl);
    expect(manage.status).toBe(403);
    expect(manage.body).not.toContain('This billing period');
    expect(await h.app.store.admins.isAdmin(OUTSIDER.tid, OUTSIDER.oid)).toBe(false);
  });

  it.each<IdTokenDefect>(['unknown-key', 'alg-none', 'expired', 'not-yet-valid', 'wrong-audience', 'wrong-issuer', 'wrong-nonce'])(
    'refuses an id_token with defect %s, and the browser is not signed in',
    async (defect) => {
      const bought = buy();
      const browser = new Browser();
      const callback = await authorizeAs(await startSignIn(browser, bought.landingUrl), bought.purchaser.upn);
      idp().misbehaveOnce(defect);
      const res = await browser.get(callback);
      expect(res.status).toBe(400);
      expect(res.body).toContain('Sign-in did not complete');
      expect(res.body).not.toContain('Signed in as');
      // Still signed out: the landing link starts a sign-in again.
      expect((await browser.get(bought.landingUrl)).status).toBe(302);
    },
  );

  it('a code captured from a victim’s callback, sent with a state the attacker started, does not sign the attacker in', async () => {
    const bought = buy();
    const victim = new Browser();
    const victimCallback = new URL(await authorizeAs(await startSignIn(victim, bought.landingUrl), bought.purchaser.upn));
    const attacker = new Browser();
    // The attacker starts a sign-in of their own, with any junk token, and keeps its state.
    const attackerAuthorize = await startSignIn(attacker, `${h.app.url}/landing?token=junk`);
    const forged = `${h.app.url}/landing/auth?code=${encodeURIComponent(victimCallback.searchParams.get('code')!)}&state=${encodeURIComponent(attackerAuthorize.searchParams.get('state')!)}`;
    const res = await attacker.get(forged);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain('Signed in as');
    expect((await attacker.get(bought.landingUrl)).status).toBe(302);
  });

  it('a state is consumed on any outcome: after a failed redemption, and after success (state and code replay)', async () => {
    const bought = buy();
    const browser = new Browser();
    const authorize = await startSignIn(browser, bought.landingUrl);
    const state = authorize.searchParams.get('state')!;
    const failed = await browser.get(`${h.app.url}/landing/auth?code=not-a-code&state=${encodeURIComponent(state)}`);
    expect(failed.status).toBe(400);
    // The same state with a real code now fails: the attempt is gone.
    const callback = await authorizeAs(authorize, bought.purchaser.upn);
    expect((await browser.get(callback)).status).toBe(400);

    // Success, then the same callback again (same cookie as then, and as now): refused both ways.
    const second = new Browser();
    const goodCallback = await authorizeAs(await startSignIn(second, bought.landingUrl), bought.purchaser.upn);
    const cookieBefore = second.cookie(SESSION_COOKIE)!;
    expect((await second.get(goodCallback)).status).toBe(302);
    const cookieAfter = second.cookie(SESSION_COOKIE)!;
    expect((await second.get(goodCallback)).status).toBe(400);
    const replayer = new Browser();
    replayer.setCookie(SESSION_COOKIE, cookieBefore);
    const replay = await replayer.get(goodCallback);
    expect(replay.status).toBe(400);
    expect(replay.body).not.toContain('Signed in as');
    // The session was rotated at sign-in: a new id.
    const sid = (cookie: string) => JSON.parse(Buffer.from(cookie.split('.')[0]!, 'base64url').toString()).sid as string;
    expect(sid(cookieAfter)).not.toBe(sid(cookieBefore));
  });

  it('the session id is rotated at sign-in: a CSRF token from before does not work after', async () => {
    const bought = buy();
    const browser = new Browser();
    const page = await signIn(browser, bought.landingUrl, bought.purchaser.upn);
    const csrf = activateCsrf(page.body);
    // Sign in again in the same browser: new session, old form dead.
    await browser.postForm(`${h.app.url}/landing/sign-out`, { csrf: signOutCsrf(page.body) });
    const again = await signIn(browser, bought.landingUrl, bought.purchaser.upn);
    expect(activateCsrf(again.body)).not.toBe(csrf);
    const stale = await browser.postForm(`${h.app.url}/landing/activate`, { subscriptionId: bought.subscriptionId, csrf });
    expect(stale.status).toBe(403);
  });

  it('speaks French to a French browser: signed in as, who may see the subscription, consent needed, signed out', async () => {
    const french = () => new Browser('fr-FR,fr;q=0.9');
    const bought = buy();
    const buyer = french();
    const page = await signIn(buyer, bought.landingUrl, bought.purchaser.upn);
    expect(page.headers.get('content-language')).toBe('fr');
    expect(page.body).toContain('<html lang="fr">');
    expect(page.body).toContain(`Connecté en tant que Ada ${n} (${bought.purchaser.upn})`);
    expect(page.body).toContain('Se déconnecter');
    expect(page.body).toContain('Activez votre abonnement');

    const stranger = await signIn(french(), bought.landingUrl, OUTSIDER.upn);
    expect(stranger.status).toBe(403);
    expect(stranger.body).toContain('Cet abonnement appartient à une autre organisation');
    expect(stranger.body).toContain(`un compte professionnel de contoso${n}.example`);

    const other = buy();
    idp().requireAdminConsent(other.tenantId);
    const consentBrowser = french();
    const callback = await authorizeAs(await startSignIn(consentBrowser, other.landingUrl), other.colleague.upn);
    const consent = await consentBrowser.get(callback);
    expect(consent.status).toBe(403);
    expect(consent.body).toContain('Votre organisation doit d’abord approuver cette application');
    expect(consent.body).toContain('La connexion Microsoft a répondu :');
    expect(consent.body).toContain('>Lien pour votre administrateur</a>');

    const out = await buyer.postForm(`${h.app.url}/landing/sign-out`, { csrf: signOutCsrf(page.body) });
    expect(out.status).toBe(200);
    expect(out.headers.get('content-language')).toBe('fr');
    expect(out.body).toContain('Vous êtes déconnecté');
  });

  it('signs out: the cookie is cleared and the landing link asks to sign in again; a forged sign-out is refused', async () => {
    const bought = buy();
    const browser = new Browser();
    const page = await signIn(browser, bought.landingUrl, bought.purchaser.upn);
    const token = signOutCsrf(page.body);
    expect((await browser.postForm(`${h.app.url}/landing/sign-out`, { csrf: 'forged' })).status).toBe(403);
    const out = await browser.postForm(`${h.app.url}/landing/sign-out`, { csrf: token });
    expect(out.status).toBe(200);
    expect(out.body).toContain('You are signed out');
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect(browser.cookie(SESSION_COOKIE)).toBeUndefined();
    expect((await browser.get(bought.landingUrl)).status).toBe(302);
  });

  it('shows the provider’s consent error in plain words, with the admin consent link; after consent, sign-in works', async () => {
    const bought = buy();
    idp().requireAdminConsent(bought.tenantId);
    const browser = new Browser();
    const callback = await authorizeAs(await startSignIn(browser, bought.landingUrl), bought.colleague.upn);
    expect(new URL(callback).searchParams.get('error')).toBe('consent_required');
    const res = await browser.get(callback);
    expect(res.status).toBe(403);
    expect(res.body).toContain('Your organization needs to approve this app first');
    expect(res.body).toContain('AADSTS65001: The user or administrator has not consented');
    const consentUrl = /<a class="primary" href="([^"]+)">Link for your administrator<\/a>/.exec(res.body)?.[1]?.replace(/&amp;/g, '&');
    expect(consentUrl).toBe(
      `${idp().authority()}/v2.0/adminconsent?client_id=${LANDING_CLIENT.clientId}&scope=openid+profile&redirect_uri=${encodeURIComponent(`${h.app.url}/landing/auth`)}`,
    );
    // The administrator approves (the emulator's consent form), and lands on our thank-you page.
    const consentPage = await fetch(consentUrl!);
    expect(consentPage.status).toBe(200);
    const approve = await fetch(consentUrl!.split('?')[0]!, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: LANDING_CLIENT.clientId, redirect_uri: `${h.app.url}/landing/auth`, tenant: bought.tenantId }).toString(),
    });
    const thanks = await new Browser().get(approve.headers.get('location')!);
    expect(thanks.status).toBe(200);
    expect(thanks.body).toContain('your organization has approved the app');
    expect((await signIn(new Browser(), bought.landingUrl, bought.colleague.upn)).status).toBe(200);
  });

  it('a cancelled sign-in and a sign-in without PKCE are explained, not swallowed', async () => {
    const bought = buy();
    const browser = new Browser();
    const authorize = await startSignIn(browser, bought.landingUrl);
    const cancelled = await fetch(authorize.origin + authorize.pathname, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(authorize.searchParams), cancel: '1' }).toString(),
    });
    const page = await browser.get(cancelled.headers.get('location')!);
    expect(page.status).toBe(403);
    expect(page.body).toContain('Sign-in was cancelled');
    expect(page.body).toContain('AADSTS65004');

    // The provider requires PKCE: an authorization request without it is refused by the provider.
    const second = new Browser();
    const withoutPkce = await startSignIn(second, bought.landingUrl);
    withoutPkce.searchParams.delete('code_challenge');
    withoutPkce.searchParams.delete('code_challenge_method');
    const refused = await authorizeAs(withoutPkce, bought.purchaser.upn);
    expect(new URL(refused).searchParams.get('error_description')).toContain('Proof Key for Code Exchange is required');
  });

  it('the Marketplace emulator’s buy form allows the redirect to the identity provider (CSP form-action)', async () => {
    const res = await fetch(h.emulatorUrl);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain(`form-action 'self' ${h.app.url}`);
    expect(csp).toContain(new URL(idp().authority()).origin);
  });

  it('keeps no token: the redemption asks for no refresh token and the answer holds only the id_token', async () => {
    const bought = buy();
    const authorize = await startSignIn(new Browser(), bought.landingUrl);
    expect(authorize.searchParams.get('scope')).not.toContain('offline_access');
    const callback = new URL(await authorizeAs(authorize, bought.purchaser.upn));
    // What the provider answers our token request: no access or refresh token to keep.
    const answer = await fetch(`${idp().authority()}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: LANDING_CLIENT.clientId,
        client_secret: LANDING_CLIENT.clientSecret,
        code: callback.searchParams.get('code')!,
        redirect_uri: `${h.app.url}/landing/auth`,
        code_verifier: 'wrong-verifier',
      }).toString(),
    });
    // Without this browser's PKCE verifier the code is worth nothing, even to a holder of the client secret.
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toBe('invalid_grant');
  });
});

describe('landing sign-in when the identity provider is down', () => {
  it('shows a friendly page (503) when the provider stops answering during a sign-in', async () => {
    const h = await startMarketplaceHarness({}, { sso: true });
    try {
      const { landingUrl, subscriptionId } = h.emulator.buy({ planId: 'starter', tenantId: 'down-tenant', objectId: 'down-buyer' });
      expect(subscriptionId).toBeTruthy();
      const browser = new Browser();
      const first = await browser.get(landingUrl);
      const state = new URL(first.headers.get('location')!).searchParams.get('state')!;
      await h.stopEmulator();
      const res = await browser.get(`${h.app.url}/landing/auth?code=some-code&state=${encodeURIComponent(state)}`);
      expect(res.status).toBe(503);
      expect(res.body).toContain('Microsoft sign-in is not answering');
      expect(res.headers.get('content-type')).toContain('text/html');
    } finally {
      await h.close();
    }
  });

  it('refuses to start with an unreachable authority, naming LANDING_SSO_AUTHORITY', async () => {
    const port = await freePort();
    const config = loadConfig(
      testEnv({
        LANDING_SSO_CLIENT_ID: 'x',
        LANDING_SSO_CLIENT_SECRET: 'y',
        LANDING_SSO_AUTHORITY: `http://127.0.0.1:${port}/organizations`,
      }),
    );
    await expect(startApp(config, { logger: silentLogger })).rejects.toThrow(/^LANDING_SSO_AUTHORITY must be reachable/);
  });

  it('refuses to start with an authority that is not an OpenID provider', async () => {
    const h = await startMarketplaceHarness();
    try {
      const config = loadConfig(
        testEnv({ LANDING_SSO_CLIENT_ID: 'x', LANDING_SSO_CLIENT_SECRET: 'y', LANDING_SSO_AUTHORITY: `${h.app.url}/nothing-here` }),
      );
      await expect(startApp(config, { logger: silentLogger })).rejects.toThrow(/^LANDING_SSO_AUTHORITY must be a working OpenID provider/);
    } finally {
      await h.close();
    }
  });
});
