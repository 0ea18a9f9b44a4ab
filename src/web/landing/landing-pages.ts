import type { Plan } from '../../domain/plans';
import type { Subscription } from '../../domain/subscription';
import type { UsageSummary } from '../../domain/usage-report';
import { html, type Html } from '../html';
import { adminNote, TEXT, type Message } from './landing-texts';

/** Server-rendered pages of the landing flow. No script at all; styles from /landing/assets/landing.css. */

export interface PageContext {
  productName: string;
  user?: { name?: string; upn?: string };
  /** With a signed-in user: the CSRF token of the sign-out form shown in the header. */
  signOutCsrf?: string;
}

const money = (amount: number, currency: string) =>
  `${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
const day = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const count = (n: number) => n.toLocaleString('en-US');

export function layout(ctx: PageContext, title: string, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
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
        <footer class="foot">
          Subscriptions are managed in the Microsoft commercial marketplace and the Microsoft 365 admin center.
        </footer>
      </body>
    </html>`;
}

function signedIn(ctx: PageContext): Html {
  const who = ctx.user?.name && ctx.user.upn ? `${ctx.user.name} (${ctx.user.upn})` : (ctx.user?.name ?? ctx.user?.upn);
  return html`<span class="who"
    >${TEXT.signedInAs} ${who}${
      ctx.signOutCsrf
        ? html`<form method="post" action="/landing/sign-out" class="sign-out">
            <input type="hidden" name="csrf" value="${ctx.signOutCsrf}" /><button type="submit" class="link">
              ${TEXT.signOut}
            </button>
          </form>`
        : ''
    }</span
  >`;
}

function planLine(plan: Plan | undefined, subscription: Subscription): string {
  if (!plan) return subscription.planId;
  const price = `${money(plan.basePrice, plan.currency)} per month${plan.isPricePerSeat ? ' per user' : ''}`;
  return `${plan.displayName} — ${price}`;
}

function details(subscription: Subscription, plan: Plan | undefined): Html {
  return html`<dl class="details">
    <dt>Subscription</dt>
    <dd>${subscription.name || subscription.id}</dd>
    <dt>Offer</dt>
    <dd>${subscription.offerId}</dd>
    <dt>Plan</dt>
    <dd>${planLine(plan, subscription)}</dd>
    ${
      plan?.isPricePerSeat
        ? html`<dt>Users (seats)</dt>
            <dd>${subscription.quantity ?? 0}</dd>`
        : ''
    }
    <dt>Purchased by</dt>
    <dd>${subscription.purchaser.emailId ?? subscription.purchaser.objectId ?? 'unknown'}</dd>
    <dt>For organization</dt>
    <dd>
      ${subscription.beneficiary.emailId ?? ''}${subscription.beneficiary.tenantId ? html` <span class="muted">(tenant ${subscription.beneficiary.tenantId})</span>` : ''}
    </dd>
    <dt>Status</dt>
    <dd>${statusText(subscription.status)}</dd>
  </dl>`;
}

function statusText(status: Subscription['status']): string {
  switch (status) {
    case 'Subscribed':
      return 'Active';
    case 'PendingFulfillmentStart':
    case 'NotStarted':
      return 'Waiting for activation';
    case 'Suspended':
      return 'Suspended (billing problem)';
    case 'Unsubscribed':
      return 'Cancelled';
  }
}

export function purchasePage(ctx: PageContext, subscription: Subscription, plan: Plan | undefined, csrf: string): Html {
  return layout(
    ctx,
    'Activate your subscription',
    html`<h1>Activate your subscription</h1>
      <p class="lead">
        Thank you for choosing ${ctx.productName}. Check the details below, then activate: billing starts at activation.
      </p>
      ${details(subscription, plan)}
      <form method="post" action="/landing/activate" class="actions">
        <input type="hidden" name="subscriptionId" value="${subscription.id}" />
        <input type="hidden" name="csrf" value="${csrf}" />
        <button type="submit" class="primary">Activate</button>
      </form>`,
  );
}

/** Who administers the app, truthfully for this viewer (see src/domain/landing-access.ts). */
export interface AdminFacts {
  viewerIsAdmin: boolean;
  purchaser?: string;
}

export function activatedPage(
  ctx: PageContext,
  subscription: Subscription,
  plan: Plan | undefined,
  teamsAppId: string,
  admins: AdminFacts,
): Html {
  const teamsLink = `https://teams.microsoft.com/l/app/${encodeURIComponent(teamsAppId)}`;
  return layout(
    ctx,
    'Subscription active',
    html`<h1>You're all set</h1>
      <p class="lead" role="status">
        Your subscription is active. Everyone in your organization can now chat with ${ctx.productName} in Microsoft Teams.
      </p>
      ${details(subscription, plan)}
      <p class="actions"><a class="primary" href="${teamsLink}">Open in Teams</a></p>
      <h2>First steps</h2>
      <ol class="steps">
        <li>
          Open the app in Teams (button above) and add it for yourself, or ask your Teams admin to make it available to your
          organization.
        </li>
        <li>Ask it anything in a chat. Type <code>help</code> to see the commands.</li>
        <li>
          ${adminNote(admins)} <code>usage</code> shows this month's usage, <code>admins add</code> names other
          admins${plan?.isPricePerSeat ? html`, <code>seats</code> manages who has a seat` : ''}.
        </li>
      </ol>`,
  );
}

export function pendingPage(ctx: PageContext, subscription: Subscription, plan: Plan | undefined, refreshUrl: string): Html {
  return layout(
    ctx,
    'Activation in progress',
    html`<h1>Activation in progress</h1>
      <p class="lead" role="status">
        The Marketplace accepted the activation and is finishing it. This usually takes less than a minute.
      </p>
      ${details(subscription, plan)}
      <p class="actions"><a class="primary" href="${refreshUrl}">Check again</a></p>`,
  );
}

export function managePage(
  ctx: PageContext,
  subscription: Subscription,
  plan: Plan | undefined,
  usage: UsageSummary | undefined,
  teamsAppId: string,
): Html {
  const teamsLink = `https://teams.microsoft.com/l/app/${encodeURIComponent(teamsAppId)}`;
  return layout(
    ctx,
    'Your subscription',
    html`<h1>Your subscription</h1>
      ${details(subscription, plan)}
      ${
        usage
          ? html`<h2>This billing period</h2>
              <p class="muted">${day(usage.period.start)} to ${day(usage.period.end)}, ${usage.daysLeft} days left</p>
              <table class="usage">
                <thead>
                  <tr>
                    <th scope="col">Messages</th>
                    <th scope="col">Used</th>
                    <th scope="col">Included</th>
                    <th scope="col">Beyond the allowance</th>
                  </tr>
                </thead>
                <tbody>
                  ${usage.dimensions.map(
                    (d) =>
                      html`<tr>
                        <th scope="row">${d.label}</th>
                        <td>${count(d.used)}</td>
                        <td>${d.included === null ? 'Unlimited' : count(d.included)}</td>
                        <td>
                          ${
                            d.mode === 'hard-cap'
                              ? 'Not available (hard cap)'
                              : d.mode === 'unlimited'
                                ? '—'
                                : `${count(d.overageUnits)} (${money(d.overageCost, usage.currency)})`
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
          : ''
      }
      <p class="actions"><a class="primary" href="${teamsLink}">Open in Teams</a></p>
      <p class="muted">
        To change the plan or the number of users, or to cancel, use the Microsoft 365 admin center or the Azure portal, where the
        subscription was bought.
      </p>`,
  );
}

export function statusPage(ctx: PageContext, subscription: Subscription, plan: Plan | undefined): Html {
  const suspended = subscription.status === 'Suspended';
  return layout(
    ctx,
    suspended ? 'Subscription suspended' : 'Subscription cancelled',
    html`<h1>${suspended ? 'This subscription is suspended' : 'This subscription has been cancelled'}</h1>
      <p class="lead">
        ${
          suspended
            ? 'There is a billing problem. Please check the payment method in the Microsoft 365 admin center; everything works again as soon as billing is sorted. Your data is kept.'
            : 'To use the app again, buy a new subscription from the Marketplace. Data of the cancelled subscription is kept for a while.'
        }
      </p>
      ${details(subscription, plan)}`,
  );
}

/**
 * A page for the buyer when something is not right: what happened and what to do, never internals. `extra`: more
 * of the same page (the provider's words, a link for an administrator).
 */
export function messagePage(ctx: PageContext, text: Message, extra?: Html): Html {
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
export function providerWords(description: string | undefined, error: string, consentUrl?: string): Html {
  return html`<p class="muted">${TEXT.providerSaid}</p>
    <blockquote class="provider">${description ?? error}</blockquote>
    ${
      consentUrl
        ? html`<p class="actions"><a class="primary" href="${consentUrl}">${TEXT.adminConsentLinkLabel}</a></p>
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
code { background: #eef0f6; padding: 0.1rem 0.35rem; border-radius: 4px; }
.usage { width: 100%; border-collapse: collapse; margin: 1rem 0; }
.usage th, .usage td { text-align: left; padding: 0.45rem 0.5rem; border-bottom: 1px solid var(--line); }
.foot { max-width: 44rem; margin: 0 auto 2rem; padding: 0 2rem; color: var(--muted); font-size: 0.85rem; }
@media (max-width: 36rem) { main { margin: 0; border-radius: 0; padding: 1.25rem; } .details { grid-template-columns: 1fr; } }
`;
