import type { Plan } from '../../domain/plans';
import type { Subscription } from '../../domain/subscription';
import type { UsageSummary } from '../../domain/usage-report';
import type { Locale } from '../../i18n/locale';
import type { TextKey, TextValues, Translator } from '../../i18n/translator';
import { escapeHtml, html, raw, type Html } from '../html';
import type { Message } from './landing-texts';
import { statementSection, type StatementLinkSet } from './landing-statement';

/**
 * Server-rendered pages of the landing flow, in the buyer's language (catalog namespace `landing`; the language
 * comes from the browser's Accept-Language). No script at all; styles from /landing/assets/landing.css.
 */

export interface PageContext {
  /** The buyer's language and its formats. */
  tr: Translator;
  productName: string;
  user?: { name?: string; upn?: string };
  /** With a signed-in user: the CSRF token of the sign-out form shown in the header. */
  signOutCsrf?: string;
}

/** A whole page and the language it is written in (sent as `Content-Language`). */
export interface LandingPage {
  locale: Locale;
  html: Html;
}

/**
 * A message with markup in some of its placeholders (`Type {help} to see the commands`, `{help}` being
 * `<code>help</code>`): the text is escaped, the markup is not. Each placeholder stands in the text as a sentinel
 * that cannot come from a catalog or from escaping.
 */
function rich(tr: Translator, key: TextKey, markup: Record<string, Html>, values: TextValues = {}): Html {
  const sentinels = Object.fromEntries(Object.keys(markup).map((name) => [name, `\u0000${name}\u0000`]));
  const text = escapeHtml(tr.t(key, { ...values, ...sentinels }));
  return raw(text.replace(/\u0000(\w+)\u0000/g, (_, name: string) => markup[name]?.value ?? ''));
}

const code = (text: string) => html`<code>${text}</code>`;

export function layout(ctx: PageContext, title: string, body: Html): LandingPage {
  const { tr } = ctx;
  return {
    locale: tr.locale,
    html: html`<!doctype html>
      <html lang="${tr.locale}">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>${title} · ${ctx.productName}</title>
          <link rel="stylesheet" href="/landing/assets/landing.css" />
        </head>
        <body>
          <header class="top">
            <span class="brand">${ctx.productName}</span
            >${ctx.user ? signedIn(ctx) : ''}
          </header>
          <main id="main">${body}</main>
          <footer class="foot">${tr.t('landing.footer')}</footer>
        </body>
      </html>`,
  };
}

function signedIn(ctx: PageContext): Html {
  const { tr } = ctx;
  const who = ctx.user?.name && ctx.user.upn ? `${ctx.user.name} (${ctx.user.upn})` : (ctx.user?.name ?? ctx.user?.upn);
  return html`<span class="who"
    >${tr.t('landing.signedInAs', { who: who ?? '' })}${
      ctx.signOutCsrf
        ? html`<form method="post" action="/landing/sign-out" class="sign-out">
            <input type="hidden" name="csrf" value="${ctx.signOutCsrf}" /><button type="submit" class="link">
              ${tr.t('landing.signOut')}
            </button>
          </form>`
        : ''
    }</span
  >`;
}

function planLine(tr: Translator, plan: Plan | undefined, subscription: Subscription): string {
  if (!plan) return subscription.planId;
  const values = { plan: plan.displayName, price: tr.currency(plan.basePrice, plan.currency) };
  return tr.t(plan.isPricePerSeat ? 'landing.details.pricePerUser' : 'landing.details.price', values);
}

function details(tr: Translator, subscription: Subscription, plan: Plan | undefined): Html {
  const tenantId = subscription.beneficiary.tenantId;
  return html`<dl class="details">
    <dt>${tr.t('landing.details.subscription')}</dt>
    <dd>${subscription.name || subscription.id}</dd>
    <dt>${tr.t('landing.details.offer')}</dt>
    <dd>${subscription.offerId}</dd>
    <dt>${tr.t('landing.details.plan')}</dt>
    <dd>${planLine(tr, plan, subscription)}</dd>
    ${
      plan?.isPricePerSeat
        ? html`<dt>${tr.t('landing.details.seats')}</dt>
            <dd>${tr.number(subscription.quantity ?? 0)}</dd>`
        : ''
    }
    <dt>${tr.t('landing.details.purchasedBy')}</dt>
    <dd>${subscription.purchaser.emailId ?? subscription.purchaser.objectId ?? tr.t('landing.details.unknown')}</dd>
    <dt>${tr.t('landing.details.organization')}</dt>
    <dd>
      ${subscription.beneficiary.emailId ?? ''}${tenantId ? html` <span class="muted">${tr.t('landing.details.tenant', { tenantId })}</span>` : ''}
    </dd>
    <dt>${tr.t('landing.details.status')}</dt>
    <dd>${tr.t(`common.status.${subscription.status}`)}</dd>
  </dl>`;
}

export function purchasePage(ctx: PageContext, subscription: Subscription, plan: Plan | undefined, csrf: string): LandingPage {
  const { tr } = ctx;
  return layout(
    ctx,
    tr.t('landing.purchase.title'),
    html`<h1>${tr.t('landing.purchase.title')}</h1>
      <p class="lead">${tr.t('landing.purchase.lead', { product: ctx.productName })}</p>
      ${details(tr, subscription, plan)}
      <form method="post" action="/landing/activate" class="actions">
        <input type="hidden" name="subscriptionId" value="${subscription.id}" />
        <input type="hidden" name="csrf" value="${csrf}" />
        <button type="submit" class="primary">${tr.t('landing.purchase.activate')}</button>
      </form>`,
  );
}

/** Who administers the app, truthfully for this viewer (see src/domain/landing-access.ts). */
export interface AdminFacts {
  viewerIsAdmin: boolean;
  purchaser?: string;
}

/** Who administers the app after activation, as it really is (the viewer is told whether they are one). */
function adminNote(tr: Translator, admins: AdminFacts): string {
  if (admins.viewerIsAdmin) return tr.t('landing.activated.youAreAdmin');
  return admins.purchaser
    ? tr.t('landing.activated.purchaserIsAdmin', { purchaser: admins.purchaser })
    : tr.t('landing.activated.askPurchaser');
}

export function activatedPage(
  ctx: PageContext,
  subscription: Subscription,
  plan: Plan | undefined,
  teamsAppId: string,
  admins: AdminFacts,
): LandingPage {
  const { tr } = ctx;
  const teamsLink = `https://teams.microsoft.com/l/app/${encodeURIComponent(teamsAppId)}`;
  const commands = { usage: code('usage'), adminsAdd: code('admins add'), seats: code('seats') };
  return layout(
    ctx,
    tr.t('landing.activated.title'),
    html`<h1>${tr.t('landing.activated.heading')}</h1>
      <p class="lead" role="status">${tr.t('landing.activated.lead', { product: ctx.productName })}</p>
      ${details(tr, subscription, plan)}
      <p class="actions"><a class="primary" href="${teamsLink}">${tr.t('landing.activated.openInTeams')}</a></p>
      <h2>${tr.t('landing.activated.firstSteps')}</h2>
      <ol class="steps">
        <li>${tr.t('landing.activated.step1')}</li>
        <li>${rich(tr, 'landing.activated.step2', { help: code(tr.t('landing.activated.helpCommand')) })}</li>
        <li>
          ${rich(
            tr,
            plan?.isPricePerSeat ? 'landing.activated.step3Seats' : 'landing.activated.step3',
            { ...commands, note: html`${adminNote(tr, admins)}` },
          )}
        </li>
      </ol>`,
  );
}

export function pendingPage(
  ctx: PageContext,
  subscription: Subscription,
  plan: Plan | undefined,
  refreshUrl: string,
): LandingPage {
  const { tr } = ctx;
  return layout(
    ctx,
    tr.t('landing.pending.title'),
    html`<h1>${tr.t('landing.pending.title')}</h1>
      <p class="lead" role="status">${tr.t('landing.pending.lead')}</p>
      ${details(tr, subscription, plan)}
      <p class="actions"><a class="primary" href="${refreshUrl}">${tr.t('landing.pending.checkAgain')}</a></p>`,
  );
}

export function managePage(
  ctx: PageContext,
  subscription: Subscription,
  plan: Plan | undefined,
  usage: UsageSummary | undefined,
  teamsAppId: string,
  /** Links to this period's usage statement: only for a viewer who administers the tenant. */
  statement?: StatementLinkSet,
): LandingPage {
  const { tr } = ctx;
  const teamsLink = `https://teams.microsoft.com/l/app/${encodeURIComponent(teamsAppId)}`;
  const beyond = (d: UsageSummary['dimensions'][number], currency: string) =>
    d.mode === 'hard-cap'
      ? tr.t('landing.manage.hardCap')
      : d.mode === 'unlimited'
        ? '—'
        : tr.t('landing.manage.overage', { units: d.overageUnits, amount: tr.currency(d.overageCost, currency) });
  return layout(
    ctx,
    tr.t('landing.manage.title'),
    html`<h1>${tr.t('landing.manage.title')}</h1>
      ${details(tr, subscription, plan)}
      ${
        usage
          ? html`<h2>${tr.t('landing.manage.period')}</h2>
              <p class="muted">
                ${tr.t('landing.manage.periodDates', {
                  start: tr.date(usage.period.start, { dateStyle: 'long' }),
                  end: tr.date(usage.period.end, { dateStyle: 'long' }),
                  days: usage.daysLeft,
                })}
              </p>
              <table class="usage">
                <thead>
                  <tr>
                    <th scope="col">${tr.t('landing.manage.messages')}</th>
                    <th scope="col">${tr.t('landing.manage.used')}</th>
                    <th scope="col">${tr.t('landing.manage.included')}</th>
                    <th scope="col">${tr.t('landing.manage.beyond')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${usage.dimensions.map(
                    (d) =>
                      html`<tr>
                        <th scope="row">${tr.t(`common.dimension.${d.dimension}`)}</th>
                        <td>${tr.number(d.used)}</td>
                        <td>${d.included === null ? tr.t('landing.manage.unlimited') : tr.number(d.included)}</td>
                        <td>${beyond(d, usage.currency)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
          : ''
      }
      ${statement ? statementSection(tr, statement) : ''}
      <p class="actions"><a class="primary" href="${teamsLink}">${tr.t('landing.activated.openInTeams')}</a></p>
      <p class="muted">${tr.t('landing.manage.changes')}</p>`,
  );
}

export function statusPage(ctx: PageContext, subscription: Subscription, plan: Plan | undefined): LandingPage {
  const { tr } = ctx;
  const suspended = subscription.status === 'Suspended';
  return layout(
    ctx,
    tr.t(suspended ? 'landing.status.suspendedTitle' : 'landing.status.cancelledTitle'),
    html`<h1>${tr.t(suspended ? 'landing.status.suspendedHeading' : 'landing.status.cancelledHeading')}</h1>
      <p class="lead">${tr.t(suspended ? 'landing.status.suspended' : 'landing.status.cancelled')}</p>
      ${details(tr, subscription, plan)}`,
  );
}

/**
 * A page for the buyer when something is not right: what happened and what to do, never internals. `extra`: more
 * of the same page (the provider's words, a link for an administrator).
 */
export function messagePage(ctx: PageContext, text: Message, extra?: Html): LandingPage {
  return layout(
    ctx,
    text.title,
    html`<h1>${text.title}</h1>
      <p class="lead" role="alert">${text.message}</p>
      <p>${text.advice}</p>
      ${extra ?? ''}`,
  );
}

/** What the identity provider said, as it said it (escaped), and the admin consent link where it helps. */
export function providerWords(tr: Translator, description: string | undefined, error: string, consentUrl?: string): Html {
  return html`<p class="muted">${tr.t('landing.providerSaid')}</p>
    <blockquote class="provider">${description ?? error}</blockquote>
    ${
      consentUrl
        ? html`<p class="actions"><a class="primary" href="${consentUrl}">${tr.t('landing.adminConsentLink')}</a></p>
            <p class="muted consent-url">${consentUrl}</p>`
        : ''
    }`;
}

export const LANDING_CSS = `
:root { color-scheme: light; --ink: #1f2330; --muted: #5b6170; --line: #d9dce3; --brand: #4338ca; --brand-ink: #ffffff; --bg: #f6f7fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 "Segoe UI", system-ui, -apple-system, Roboto, sans-serif; color: var(--ink); background: var(--bg); }
.top { display: flex; justify-content: space-between; align-items: center; padding: 0.75rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
.brand { font-weight: 600; color: var(--brand); }
.who { color: var(--muted); font-size: 0.9rem; display: flex; gap: 0.75rem; align-items: center; }
.sign-out { display: inline; margin: 0; }
.link { border: 0; background: none; padding: 0; color: var(--brand); font: inherit; text-decoration: underline; cursor: pointer; }
.provider { margin: 0.5rem 0 1rem; padding: 0.75rem 1rem; border-left: 4px solid var(--line); background: var(--bg); overflow-wrap: anywhere; }
.consent-url { font-size: 0.8rem; overflow-wrap: anywhere; }
main { max-width: 44rem; margin: 2rem auto; padding: 2rem; background: #fff; border: 1px solid var(--line); border-radius: 12px; }
h1 { margin-top: 0; font-size: 1.6rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
.lead { font-size: 1.05rem; }
.muted { color: var(--muted); }
.details { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1.5rem; margin: 1.5rem 0; }
.details dt { color: var(--muted); }
.details dd { margin: 0; overflow-wrap: anywhere; }
.actions { margin: 1.5rem 0; }
.primary { display: inline-block; padding: 0.65rem 1.4rem; border: 0; border-radius: 8px; background: var(--brand); color: var(--brand-ink); font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; }
.primary:hover { filter: brightness(1.1); }
.primary:focus-visible, a:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.steps li { margin: 0.4rem 0; }
.download { margin-left: 1rem; white-space: nowrap; }
code { background: #eef0f6; padding: 0.1rem 0.35rem; border-radius: 4px; }
.usage { width: 100%; border-collapse: collapse; margin: 1rem 0; }
.usage th, .usage td { text-align: left; padding: 0.45rem 0.5rem; border-bottom: 1px solid var(--line); }
.foot { max-width: 44rem; margin: 0 auto 2rem; padding: 0 2rem; color: var(--muted); font-size: 0.85rem; }
@media (max-width: 36rem) { main { margin: 0; border-radius: 0; padding: 1.25rem; } .details { grid-template-columns: 1fr; } }
`;
