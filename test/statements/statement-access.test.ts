import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import { signStatementGrant, statementLinkKey } from '../../src/statements/statement-links';
import { messageActivity, postActivity, type ReplyActivity } from '../helpers/activities';
import { FakeClock } from '../helpers/fake-clock';
import { pdfText } from '../helpers/pdf-text';
import { seedSubscription } from '../helpers/seed';
import { startTestApp } from '../helpers/test-app';

const OPERATOR = 'operator-1';
const SECRET = 'a-session-secret-of-at-least-32-characters!';

describe('usage statements: who gets a link, and what a link opens', () => {
  let app: RunningApp;
  let clock: FakeClock;
  const say = (text: string, userId: string, tenantId = 'tenant-a', locale = 'en-US') =>
    postActivity(app.url, { ...messageActivity({ text, userId, tenantId }), locale });
  const links = (reply: ReplyActivity | undefined) =>
    (reply?.attachments ?? []).flatMap((a) => (a.content.actions ?? []).map((x) => ({ title: x.title, url: x.url })));
  const statementLink = (reply: ReplyActivity | undefined) => links(reply).find((l) => l.url.includes('/statements'));
  /** The link's path on this test's server (links carry PUBLIC_URL, which an ephemeral port does not know). */
  const get = (url: string, headers: Record<string, string> = {}) => {
    const u = new URL(url);
    return fetch(`${app.url}${u.pathname}${u.search}`, { headers });
  };

  beforeEach(async () => {
    clock = new FakeClock('2026-03-20T12:00:00Z');
    app = await startTestApp(
      { OPERATOR_IDS: OPERATOR, SESSION_SECRET: SECRET, STATEMENT_LINK_MINUTES: '30' },
      { clock },
    );
    await seedSubscription(app.store, { tenantId: 'tenant-a', id: 'sub-a', name: 'Contoso' });
    await seedSubscription(app.store, { tenantId: 'tenant-b', id: 'sub-b', name: 'Fabrikam' });
  });
  afterEach(() => app.close());

  it('gives tenant admins a link on the usage card that opens their statement as HTML, CSV and PDF', async () => {
    const usage = await say('usage', 'tenant-a-purchaser', 'tenant-a', 'fr-FR');
    const link = statementLink(usage.replies[0]);
    expect(link?.title).toBe('Relevé de consommation dans le navigateur');
    const page = await get(link!.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const body = await page.text();
    expect(body).toContain('Relevé de consommation');
    expect(body).toContain('Contoso (sub-a)');
    expect(body).not.toContain('sub-b');
    const csvHref = /href="([^"]*\/statements\/csv[^"]*)"/.exec(body)![1]!.replace(/&amp;/g, '&');
    const pdfHref = /href="([^"]*\/statements\/pdf[^"]*)"/.exec(body)![1]!.replace(/&amp;/g, '&');
    const csv = await get(`${app.url}${csvHref}`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="statement-sub-a-2026-03-01.csv"');
    expect(await csv.text()).toContain('ligne,debut_periode');
    const pdf = await get(`${app.url}${pdfHref}`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(await pdfText(Buffer.from(await pdf.arrayBuffer()))).toContain('Contoso (sub-a)');
  });

  it('never opens another tenant’s statement: altered, foreign, expired or missing links are refused', async () => {
    const link = statementLink((await say('usage', 'tenant-a-purchaser')).replies[0])!;
    const token = new URL(link.url).searchParams.get('t')!;
    const [body, signature] = token.split('.');
    // The same signature on a body naming another subscription.
    const forged = `${Buffer.from(JSON.stringify(['sub-b', Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-20T12:30:00Z')])).toString('base64url')}.${signature}`;
    const refused = await get(`${app.url}/statements?t=${forged}`);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('This statement link is not valid.');
    expect((await get(`${app.url}/statements/csv?t=${body}.AAAA`)).status).toBe(403);
    expect((await get(`${app.url}/statements/pdf`)).status).toBe(403);
    // A link signed with another key (another deployment, a guess) is worth nothing.
    const foreign = signStatementGrant(statementLinkKey('some-other-secret-of-32-characters-xx'), {
      subscriptionId: 'sub-b',
      periodStart: Date.parse('2026-03-01T00:00:00Z'),
      exp: Date.parse('2026-03-21T00:00:00Z'),
    });
    expect((await get(`${app.url}/statements?t=${foreign}`)).status).toBe(403);
    // A period that is not one of the subscription's own.
    const odd = signStatementGrant(statementLinkKey(SECRET), {
      subscriptionId: 'sub-a',
      periodStart: Date.parse('2026-03-02T00:00:00Z'),
      exp: Date.parse('2026-03-21T00:00:00Z'),
    });
    expect((await get(`${app.url}/statements?t=${odd}`)).status).toBe(404);
    // The link lasts STATEMENT_LINK_MINUTES.
    clock.set('2026-03-20T12:29:00Z');
    expect((await get(link.url)).status).toBe(200);
    clock.set('2026-03-20T12:31:00Z');
    // Without the link's `lang`, the page speaks the browser's language.
    const noLang = new URL(link.url);
    noLang.searchParams.delete('lang');
    const expired = await get(noLang.toString(), { 'accept-language': 'fr-FR,fr;q=0.9' });
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('Ce lien vers le relevé a expiré');
  });

  it('gives no link to users who are not admins, and `statement` to operators only, for any subscription', async () => {
    const notAdmin = await say('usage', 'user-1');
    expect(notAdmin.text).toContain('is for your organization');
    expect(statementLink(notAdmin.replies[0])).toBeUndefined();
    expect((await say('statement sub-b', 'tenant-a-purchaser')).text).toContain('for the publisher’s operators only');
    expect((await say('statement sub-zzz', OPERATOR, 'publisher')).text).toContain('There is no subscription “sub-zzz”.');
    const op = await say('statement sub-b 2026-03-05', OPERATOR, 'publisher');
    expect(op.text).toContain('Usage statement: Fabrikam');
    expect(op.text).toContain('The link works for 30 minutes.');
    const link = statementLink(op.replies[0])!;
    expect(link.title).toBe('Open statement in browser');
    const page = await get(link.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Fabrikam (sub-b)');
  });
});
