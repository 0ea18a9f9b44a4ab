import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/domain/clock';
import { landingToken } from '../../src/web/landing/landing-routes';
import { FakeClock } from '../helpers/fake-clock';
import { Browser, hiddenField, startMarketplaceHarness, type MarketplaceHarness } from '../helpers/marketplace-harness';

describe('the landing token is decoded exactly once', () => {
  it.each([
    ['token=ab%2Bcd%2Fef%3D%3D', 'ab+cd/ef=='],
    ['token=ab+cd/ef==', 'ab+cd/ef=='],
    ['x=1&token=a%2520b', 'a%20b'],
    ['token=', ''],
  ])('%s → %s', (query, token) => {
    expect(landingToken(query)).toBe(token);
  });
  it('reports a missing or malformed parameter', () => {
    expect(landingToken('foo=bar')).toBeUndefined();
    expect(landingToken('token=%E0%A4%A')).toBeNull();
  });
});

describe('landing page', () => {
  let h: MarketplaceHarness;
  let clock: FakeClock;

  beforeAll(async () => {
    clock = new FakeClock(new Date());
    h = await startMarketplaceHarness({}, { clock });
  });
  afterAll(() => h.close());

  const buy = (name = 'Northwind assistant') =>
    h.emulator.buy({
      planId: 'business',
      tenantId: `tenant-${Math.random()}`,
      objectId: 'buyer',
      email: 'buyer@northwind.example',
      name,
    });

  it('resolves tokens with + and / whether or not the Marketplace percent-encoded them', async () => {
    const { token } = buy();
    expect(token).toMatch(/[+/]/);
    const encoded = await new Browser().get(`${h.app.url}/landing?token=${encodeURIComponent(token)}`);
    const rawPlus = await new Browser().get(`${h.app.url}/landing?token=${token.replace(/=/g, '%3D')}`);
    expect(encoded.status).toBe(200);
    expect(rawPlus.status).toBe(200);
    expect(rawPlus.body).toContain('Activate your subscription');
  });

  it('does not resolve a token whose + became a space', async () => {
    const { token } = buy();
    const res = await new Browser().get(`${h.app.url}/landing?token=${encodeURIComponent(token.replace(/\+/g, ' '))}`);
    expect(res.status).toBe(400);
    expect(res.body).toContain('This link has expired');
  });

  it('tells the buyer what to do with a missing, garbage or expired token', async () => {
    const missing = await new Browser().get(`${h.app.url}/landing`);
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('Configure account');
    const garbage = await new Browser().get(`${h.app.url}/landing?token=%ZZ`);
    expect(garbage.status).toBe(400);
    const { landingUrl } = buy();
    clock.advance(25 * HOUR);
    const expired = await new Browser().get(landingUrl);
    expect(expired.status).toBe(400);
    expect(expired.body).toContain('This link has expired');
    expect(expired.body).not.toMatch(/MarketplaceApiError|\bat .*\.(js|ts):\d+/);
  });

  it('answers the friendly page, never a 5xx, to tokens that cannot be tokens (too long, control or non-ASCII characters)', async () => {
    const { token } = buy();
    for (const bad of [
      `${token}\u0000`,
      `${token}\r\nx-injected: 1`,
      `${token}€`,
      `\ud83d\ude00${token}`,
      'A'.repeat(4097),
      'A'.repeat(12 * 1024),
    ]) {
      const res = await new Browser().get(`${h.app.url}/landing?token=${encodeURIComponent(bad)}`);
      expect(res.status, bad.slice(0, 20)).toBe(400);
      expect(res.body).toContain('This link has expired');
    }
    // A lone surrogate cannot even be percent-decoded.
    expect((await new Browser().get(`${h.app.url}/landing?token=%ED%A0%80`)).status).toBe(400);
    // The good token still works.
    expect((await new Browser().get(`${h.app.url}/landing?token=${encodeURIComponent(token)}`)).status).toBe(200);
  });

  it('escapes every value: a subscription named <script> shows as text', async () => {
    const { landingUrl } = buy('<script>alert("pwned")</script> & <b>bold</b>');
    const page = await new Browser().get(landingUrl);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('<script>');
    expect(page.body).not.toContain('<b>bold</b>');
    expect(page.body).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
  });

  it('sends security headers: CSP without inline script, no framing, no sniffing, no caching, no referrer', async () => {
    const page = await new Browser().get(buy().landingUrl);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
  });

  it('refuses Activate without the CSRF token, with a wrong one, or from another browser', async () => {
    const { landingUrl, subscriptionId } = buy();
    const browser = new Browser();
    const page = await browser.get(landingUrl);
    const csrf = hiddenField(page.body, 'csrf')!;
    expect((await browser.postForm(`${h.app.url}/landing/activate`, { subscriptionId })).status).toBe(403);
    expect((await browser.postForm(`${h.app.url}/landing/activate`, { subscriptionId, csrf: `${csrf}x` })).status).toBe(403);
    const stranger = await new Browser().postForm(`${h.app.url}/landing/activate`, { subscriptionId, csrf });
    expect(stranger.status).toBe(403);
    expect(stranger.body).toContain('This form has expired');
    expect(h.emulator.subscription(subscriptionId)?.saasSubscriptionStatus).toBe('PendingFulfillmentStart');
    // The genuine form works.
    const ok = await browser.postForm(`${h.app.url}/landing/activate`, { subscriptionId, csrf });
    expect(ok.status).toBe(200);
    expect(h.emulator.subscription(subscriptionId)?.saasSubscriptionStatus).toBe('Subscribed');
  });

  it('answers a page in the buyer’s language, never JSON, when the Marketplace fails during Activate', async () => {
    const { landingUrl, subscriptionId } = buy();
    const browser = new Browser('fr-FR,fr;q=0.9');
    const csrf = hiddenField((await browser.get(landingUrl)).body, 'csrf')!;
    // As Microsoft answers a publisher whose secret expired: not retried, not the buyer's fault.
    h.emulator.configure({ outage: { status: 403, code: 'Forbidden', message: 'The client is not authorized.' } });
    try {
      const failed = await browser.postForm(`${h.app.url}/landing/activate`, { subscriptionId, csrf });
      expect(failed.status).toBe(503);
      expect(failed.headers.get('content-type')).toContain('text/html');
      expect(failed.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(failed.body).toContain('Nous n’avons pas pu joindre la Marketplace pour le moment.');
      expect(failed.body).not.toMatch(/not authorized|MarketplaceApiError|\bat .*\.(js|ts):\d+/);
    } finally {
      h.emulator.configure({ outage: undefined });
    }
    expect(h.emulator.subscription(subscriptionId)?.saasSubscriptionStatus).toBe('PendingFulfillmentStart');
    expect((await browser.postForm(`${h.app.url}/landing/activate`, { subscriptionId, csrf })).status).toBe(200);
  });

  it('serves its stylesheet from its own origin', async () => {
    const css = await fetch(`${h.app.url}/landing/assets/landing.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });
});

describe('landing pages in the browser’s language', () => {
  let h: MarketplaceHarness;

  beforeAll(async () => {
    h = await startMarketplaceHarness({}, { clock: new FakeClock(new Date()) });
  });
  afterAll(() => h.close());

  const FRENCH = 'fr-FR,fr;q=0.9,en;q=0.5';
  const buy = (planId = 'team-seat') =>
    h.emulator.buy({ planId, tenantId: `tenant-${Math.random()}`, objectId: 'buyer', email: 'acheteur@contoso.example', name: 'Contoso' });
  /** The page is in `locale`: the header, `<html lang>`, and no raw catalog key ("landing.purchase.title"). */
  const expectLanguage = (res: { headers: Headers; body: string }, locale: 'en' | 'fr') => {
    expect(res.headers.get('content-language')).toBe(locale);
    expect(res.headers.get('vary')).toContain('Accept-Language');
    expect(res.body).toContain(`<html lang="${locale}">`);
    expect(res.body).not.toMatch(/(common|landing|landingErrors)\.[a-zA-Z]+\.?[a-zA-Z]*(?=[\s<])/);
  };

  it('shows the purchase, activated and manage pages in French to a French browser', async () => {
    const { landingUrl, subscriptionId } = buy();
    const browser = new Browser(FRENCH);
    const page = await browser.get(landingUrl);
    expect(page.status).toBe(200);
    expectLanguage(page, 'fr');
    expect(page.body).toContain('Activez votre abonnement');
    expect(page.body).toContain('Utilisateurs (sièges)');
    expect(page.body).toMatch(/par mois et par utilisateur/);
    expect(page.body).toMatch(/\d+,\d\d\u00a0€/);
    expect(page.body).toContain('En attente d’activation');
    expect(page.body).toContain('>Activer</button>');
    expect(page.body).toContain('place de marché commerciale de Microsoft');

    const done = await browser.postForm(`${h.app.url}/landing/activate`, { subscriptionId, csrf: hiddenField(page.body, 'csrf')! });
    expect(done.status).toBe(200);
    expectLanguage(done, 'fr');
    expect(done.body).toContain('Tout est prêt');
    expect(done.body).toContain('Ouvrir dans Teams');
    // Commands stay markup inside the translated sentence, which is escaped around them.
    expect(done.body).toContain('Tapez <code>aide</code> pour voir les commandes.');
    expect(done.body).toContain('<code>usage</code> affiche la consommation du mois');
    expect(done.body).toContain('<code>seats</code> gère qui dispose d’un siège');

    const manage = await browser.get(landingUrl);
    expectLanguage(manage, 'fr');
    expect(manage.body).toContain('Votre abonnement');
    expect(manage.body).toContain('Cette période de facturation');
    expect(manage.body).toMatch(/Du \d{1,2} [a-zéû]+ 20\d\d au \d{1,2} [a-zéû]+ 20\d\d, \d+ jours? restants?/);
    expect(manage.body).toContain('Messages standard');
    expect(manage.body).toContain('Actif');
  });

  it('keeps English as the default, and for languages it does not speak', async () => {
    for (const language of [undefined, 'de-DE,de;q=0.9', 'en-GB']) {
      const page = await new Browser(language).get(buy().landingUrl);
      expectLanguage(page, 'en');
      expect(page.body, language).toContain('Activate your subscription');
    }
  });

  it('words the errors in French: missing or expired link, expired form, refused activation, suspended subscription', async () => {
    const browser = () => new Browser(FRENCH);
    const missing = await browser().get(`${h.app.url}/landing`);
    expect(missing.status).toBe(400);
    expectLanguage(missing, 'fr');
    expect(missing.body).toContain('Ouvrez cette page depuis la Marketplace');
    expect(missing.body).toContain('« Configurer le compte »');
    const garbage = await browser().get(`${h.app.url}/landing?token=%ZZ`);
    expect(garbage.body).toContain('Ce lien a expiré');

    const { landingUrl, subscriptionId } = buy('business');
    const buyer = browser();
    const page = await buyer.get(landingUrl);
    const csrf = hiddenField(page.body, 'csrf')!;
    const stranger = await browser().postForm(`${h.app.url}/landing/activate`, { subscriptionId, csrf });
    expect(stranger.status).toBe(403);
    expectLanguage(stranger, 'fr');
    expect(stranger.body).toContain('Ce formulaire a expiré');

    // Activated, then suspended by the Marketplace: Activate again (the old form) is refused, and says why.
    expect((await buyer.postForm(`${h.app.url}/landing/activate`, { subscriptionId, csrf })).status).toBe(200);
    expect((await h.emulator.trigger(subscriptionId, 'Suspend')).webhookStatus).toBe(200);
    const refused = await buyer.postForm(`${h.app.url}/landing/activate`, { subscriptionId, csrf });
    expect(refused.status).toBe(409);
    expectLanguage(refused, 'fr');
    expect(refused.body).toContain('L’activation n’a pas été possible');
    expect(refused.body).toContain('Cet abonnement est suspendu et ne peut pas être activé.');
    const suspended = await browser().get(landingUrl);
    expectLanguage(suspended, 'fr');
    expect(suspended.body).toContain('Cet abonnement est suspendu');
    expect(suspended.body).toContain('Suspendu (problème de facturation)');

    expect((await h.emulator.trigger(subscriptionId, 'Unsubscribe')).webhookStatus).toBe(200);
    const cancelled = await browser().get(landingUrl);
    expectLanguage(cancelled, 'fr');
    expect(cancelled.body).toContain('Cet abonnement a été résilié');
  });
});
