import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingPeriodAt } from '../../src/domain/periods';
import { buyAsNewTenant } from '../helpers/idp-purchase';
import { Browser, startMarketplaceHarness, type MarketplaceHarness } from '../helpers/marketplace-harness';
import { pdfText } from '../helpers/pdf-text';
import { usageEvent } from '../helpers/usage-events';

/** The hrefs of the manage view's statement section, `&amp;` decoded (none when the section is absent). */
/** The CSRF token of the Activate form (the header's sign-out form, when signed in, has its own and comes first). */
const activateCsrf = (page: string) => {
  const token = /<input type="hidden" name="subscriptionId" value="[^"]*" \/>\s*<input type="hidden" name="csrf" value="([^"]+)"/.exec(page)?.[1];
  expect(token, 'no Activate form').toBeDefined();
  return token!;
};

const statementHrefs = (page: string) =>
  [...page.matchAll(/href="([^"]*\/statements(?:\/csv|\/pdf)?\?[^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

/**
 * Issue 13, part 4: the landing page's manage view (after Entra sign-in) links the admins of the subscription's
 * tenant to the period's usage statement. Real HTTP: the bot and the Marketplace emulator on ephemeral ports, the
 * emulator playing the identity provider.
 */
describe('landing manage view: the usage statement link, for admins of the tenant only', () => {
  let h: MarketplaceHarness;
  let n = 0;

  beforeAll(async () => {
    h = await startMarketplaceHarness({ STATEMENT_LINK_MINUTES: '45' }, { sso: true, activationDelayMs: 0 });
  });
  afterAll(() => h?.close());

  /** The whole sign-in: landing link → IdP (login_hint skips the picker) → callback → the landing page, signed in. */
  const signIn = async (browser: Browser, landingUrl: string, upn: string) => {
    const first = await browser.get(landingUrl);
    expect(first.status).toBe(302);
    const authorize = new URL(first.headers.get('location')!);
    authorize.searchParams.set('login_hint', upn);
    const answer = await fetch(authorize, { redirect: 'manual' });
    const back = await browser.get(answer.headers.get('location')!);
    expect(back.status, back.body).toBe(302);
    return browser.get(new URL(back.headers.get('location')!, h.app.url).toString());
  };

  /**
   * A purchase of a fresh tenant, activated by its purchaser (who becomes an admin), with usage recorded in the
   * current period: 1,234 standard and 7 premium messages. The colleague is a user of the same tenant, not an admin.
   */
  const activeSubscription = async () => {
    const bought = buyAsNewTenant(h.emulator, 'c', (n += 1));
    const { tenantId, purchaser } = bought;
    const admin = new Browser();
    const page = await signIn(admin, bought.landingUrl, purchaser.upn);
    const done = await admin.postForm(`${h.app.url}/landing/activate`, {
      subscriptionId: bought.subscriptionId,
      csrf: activateCsrf(page.body),
    });
    expect(done.status).toBe(200);
    const stored = (await h.app.store.subscriptions.get(bought.subscriptionId))!;
    expect(stored.status).toBe('Subscribed');
    const period = billingPeriodAt(new Date(), stored.term);
    for (const [dimension, quantity, included] of [['messages', 1234, 5000], ['premium_messages', 7, 500]] as const)
      await h.app.store.usage.record({
        event: usageEvent(stored.id, { tenantId, planId: 'business', dimension, quantity, occurredAt: new Date(), periodStart: period.start }),
        included,
        overage: true,
      });
    return { ...bought, admin, period };
  };

  it('shows an admin the links (page, CSV, PDF) of this period’s statement, and they open the subscription’s figures', async () => {
    const s = await activeSubscription();
    const manage = await s.admin.get(s.landingUrl);
    expect(manage.status).toBe(200);
    expect(manage.body).toContain('This billing period');
    expect(manage.body).toContain('<h2 id="statement-heading">Usage statement</h2>');
    expect(manage.body).toContain('>Open the usage statement</a>');
    expect(manage.body).toContain('These links work for 45 minutes; reload this page for new ones.');
    const [page, csv, pdf] = statementHrefs(manage.body);
    expect(new URL(page!).pathname).toBe('/statements');
    expect(new URL(csv!).pathname).toBe('/statements/csv');
    expect(new URL(pdf!).pathname).toBe('/statements/pdf');
    expect(new URL(page!).searchParams.get('lang')).toBe('en');

    // Followed from another browser (the link is the credential, as in Teams): this subscription, this period.
    const statement = await new Browser().get(page!);
    expect(statement.status).toBe(200);
    expect(statement.headers.get('cache-control')).toBe('no-store');
    expect(statement.body).toContain('<h1>Usage statement</h1>');
    expect(statement.body).toContain(`Contoso ${n} assistant (${s.subscriptionId})`);
    expect(statement.body).toContain(s.tenantId);
    expect(statement.body).toContain('1,234');
    expect(statement.body).toContain('5,000');
    const file = `statement-${s.subscriptionId}-${s.period.start.toISOString().slice(0, 10)}`;
    const csvFile = await fetch(csv!);
    expect(csvFile.status).toBe(200);
    expect(csvFile.headers.get('content-disposition')).toBe(`attachment; filename="${file}.csv"`);
    const rows = (await csvFile.text()).split(/\r?\n/);
    expect(rows.find((r) => r.startsWith('summary,') && r.includes(',messages,'))).toContain(',1234,');
    const pdfFile = await fetch(pdf!);
    expect(pdfFile.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(Buffer.from(await pdfFile.arrayBuffer()));
    expect(text).toContain(`Contoso ${n} assistant`);
    expect(text).toContain('1,234');
  });

  it('shows a signed-in user of the tenant who is not an admin no statement link; made an admin, they get it', async () => {
    const s = await activeSubscription();
    const colleague = new Browser();
    const manage = await signIn(colleague, s.landingUrl, s.colleague.upn);
    expect(manage.status).toBe(200);
    // The manage view itself (usage) is theirs to see; the statement is not.
    expect(manage.body).toContain('This billing period');
    expect(manage.body).not.toContain('Usage statement');
    expect(manage.body).not.toContain('/statements');
    expect(statementHrefs(manage.body)).toEqual([]);

    // An admin added in Teams (`admins add`) is an admin here too: the same rule.
    await h.app.store.admins.add({ tenantId: s.tenantId, userId: s.colleague.oid, addedBy: s.purchaser.oid, addedAt: new Date() });
    const again = await colleague.get(s.landingUrl);
    expect(statementHrefs(again.body)).toHaveLength(3);
    expect(again.body).toContain('>Open the usage statement</a>');
  });

  it('speaks French to a French admin: the section, and the statement it opens', async () => {
    const s = await activeSubscription();
    const french = new Browser('fr-FR,fr;q=0.9');
    const manage = await signIn(french, s.landingUrl, s.purchaser.upn);
    expect(manage.status).toBe(200);
    expect(manage.headers.get('content-language')).toBe('fr');
    expect(manage.body).toContain('<h2 id="statement-heading">Relevé de consommation</h2>');
    expect(manage.body).toContain('>Ouvrir le relevé de consommation</a>');
    expect(manage.body).toContain('>Télécharger le CSV</a>');
    expect(manage.body).toContain('>Télécharger le PDF</a>');
    expect(manage.body).toContain('Ces liens sont valables 45 minutes ; rechargez cette page pour en obtenir de nouveaux.');
    const [page] = statementHrefs(manage.body);
    expect(new URL(page!).searchParams.get('lang')).toBe('fr');
    // The link carries the language: the statement is in French whatever the browser that opens it.
    const statement = await new Browser().get(page!);
    expect(statement.status).toBe(200);
    expect(statement.body).toContain('<html lang="fr">');
    expect(statement.body).toContain('<h1>Relevé de consommation</h1>');
    expect(statement.body).toMatch(/1[\u202f\u00a0 ]234/);
  });
});

describe('landing manage view with sign-in off (development)', () => {
  let h: MarketplaceHarness;
  beforeAll(async () => {
    h = await startMarketplaceHarness({}, { activationDelayMs: 0 });
  });
  afterAll(() => h?.close());

  it('shows no statement link: nobody is proven an admin (admins use the usage card in Teams)', async () => {
    const bought = h.emulator.buy({ planId: 'business', tenantId: 'dev-tenant', objectId: 'dev-buyer', name: 'Dev assistant' });
    const browser = new Browser();
    const page = await browser.get(bought.landingUrl);
    expect(page.status).toBe(200);
    const done = await browser.postForm(`${h.app.url}/landing/activate`, {
      subscriptionId: bought.subscriptionId,
      csrf: activateCsrf(page.body),
    });
    expect(done.status).toBe(200);
    const manage = await browser.get(bought.landingUrl);
    expect(manage.status).toBe(200);
    expect(manage.body).toContain('This billing period');
    expect(manage.body).not.toContain('/statements');
  });
});
