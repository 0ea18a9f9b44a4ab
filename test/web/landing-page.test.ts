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

  it('serves its stylesheet from its own origin', async () => {
    const css = await fetch(`${h.app.url}/landing/assets/landing.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });
});
