import { PLAYGROUND_TENANT_ID, PLAYGROUND_USER_ID } from '../../config';
import type { Plan } from '../../domain/plans';
import {
  CUSTOMER_ACTIONS,
  type CustomerAction,
  type EmulatorOperation,
  type EmulatorSubscription,
} from './emulator-types';
import type { AcceptedUsageRecord } from './metering-state';

/**
 * The emulator's one page: buy a plan (→ our landing page with a token) and act as the customer on existing
 * subscriptions (→ our webhook). Plain HTML forms, no script, every interpolated value escaped: it runs under a CSP
 * that allows only its inline style.
 */

export interface EmulatorPageModel {
  prefix: string;
  baseUrl: string;
  webhookUrl: string;
  landingPageUrl: string;
  plans: readonly Plan[];
  subscriptions: readonly EmulatorSubscription[];
  pendingOperations: (subscriptionId: string) => readonly EmulatorOperation[];
  /** Most recent first. */
  recentUsage: readonly AcceptedUsageRecord[];
  message?: string;
  error?: string;
}

const ACTION_LABELS: Record<CustomerAction, string> = {
  ChangePlan: 'Change plan',
  ChangeQuantity: 'Change seats',
  Suspend: 'Suspend',
  Reinstate: 'Reinstate',
  Renew: 'Renew',
  Unsubscribe: 'Unsubscribe',
};

export function escapeHtml(value: string | number | boolean | null | undefined): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * The page's own policy: no script at all, its inline style only, forms posting to itself or to our landing page
 * (the buy form's redirect target, which browsers check against form-action too), and, with sign-in on, to the
 * identity provider the landing page redirects to next (Chromium checks every hop of a form's redirects).
 */
export function emulatorPageCsp(landingPageUrl: string, signInAuthority?: string): string {
  const origins = new Set<string>();
  for (const url of [landingPageUrl, signInAuthority]) {
    try {
      if (url) origins.add(new URL(url).origin);
    } catch {
      // Not a valid URL: forms stay limited to the emulator itself.
    }
  }
  const allowed = [...origins].map((o) => ` ${o}`).join('');
  return `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${allowed}; base-uri 'none'; frame-ancestors 'none'`;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
h1 { margin-top: 0; }
.note { color: #555; }
.flash { padding: .5rem .75rem; border-radius: 4px; }
.flash.ok { background: #e7f6e7; border: 1px solid #8c8; }
.flash.error { background: #fdeaea; border: 1px solid #d88; }
form.buy { display: grid; grid-template-columns: max-content 24rem; gap: .4rem .75rem; align-items: center; }
form.buy button { grid-column: 2; justify-self: start; }
table { border-collapse: collapse; width: 100%; margin-top: .5rem; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; font-size: .9rem; }
td form { display: flex; flex-wrap: wrap; gap: .3rem; align-items: center; }
code { font-size: .85rem; }
`;

export function renderEmulatorPage(m: EmulatorPageModel): string {
  const flash = m.error
    ? `<p class="flash error" role="alert">${escapeHtml(m.error)}</p>`
    : m.message
      ? `<p class="flash ok" role="status">${escapeHtml(m.message)}</p>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Marketplace emulator</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Marketplace emulator</h1>
<p class="note">Stands in for Azure Marketplace on this machine. API: <code>${escapeHtml(m.baseUrl)}/api</code>.
Landing page: <code>${escapeHtml(m.landingPageUrl)}</code>. Webhook: <code>${escapeHtml(m.webhookUrl)}</code>.</p>
${flash}
${renderBuyForm(m)}
${renderSubscriptions(m)}
${renderUsage(m)}
</main>
</body>
</html>`;
}

function planOptions(plans: readonly Plan[], selected?: string): string {
  return plans
    .map((p) => {
      const price = `${p.basePrice} ${p.currency}/month${p.isPricePerSeat ? ' per seat' : ''}`;
      return `<option value="${escapeHtml(p.id)}"${p.id === selected ? ' selected' : ''}>${escapeHtml(p.displayName)} (${escapeHtml(price)})</option>`;
    })
    .join('');
}

function renderBuyForm(m: EmulatorPageModel): string {
  return `<section aria-labelledby="buy-title">
<h2 id="buy-title">Buy a plan</h2>
<form class="buy" method="post" action="${escapeHtml(`${m.prefix}/buy`)}">
<label for="buy-plan">Plan</label>
<select id="buy-plan" name="planId">${planOptions(m.plans)}</select>
<label for="buy-quantity">Seats (per-user plans)</label>
<input id="buy-quantity" name="quantity" type="number" min="1" step="1" value="5">
<label for="buy-tenant">Beneficiary tenant id</label>
<input id="buy-tenant" name="tenantId" required value="${escapeHtml(PLAYGROUND_TENANT_ID)}">
<label for="buy-user">User object id</label>
<input id="buy-user" name="objectId" value="${escapeHtml(PLAYGROUND_USER_ID)}">
<label for="buy-email">Email</label>
<input id="buy-email" name="email" type="email" value="admin@contoso.example">
<label for="buy-name">Subscription name</label>
<input id="buy-name" name="name" placeholder="Contoso AI assistant">
<button type="submit">Buy</button>
</form>
</section>`;
}

function renderSubscriptions(m: EmulatorPageModel): string {
  if (m.subscriptions.length === 0) {
    return `<section aria-labelledby="subs-title"><h2 id="subs-title">Subscriptions</h2><p>None yet: buy a plan above.</p></section>`;
  }
  const rows = m.subscriptions.map((s, index) => {
    const n = index + 1;
    const term = s.term.startDate ? `${s.term.startDate.slice(0, 10)} → ${(s.term.endDate ?? '').slice(0, 10)}` : '—';
    const pending = m
      .pendingOperations(s.id)
      .map((o) => `${o.action} to ${o.planId}${o.quantity === undefined ? '' : ` × ${o.quantity}`}: ${o.status}`)
      .join('; ');
    const buttons = CUSTOMER_ACTIONS.map(
      (action) => `<button type="submit" name="action" value="${action}">${escapeHtml(ACTION_LABELS[action])}</button>`,
    ).join('');
    return `<tr data-subscription-id="${escapeHtml(s.id)}">
<td>${escapeHtml(s.name)}</td>
<td><code>${escapeHtml(s.id)}</code></td>
<td><code>${escapeHtml(s.beneficiary.tenantId)}</code></td>
<td>${escapeHtml(s.planId)}</td>
<td>${escapeHtml(s.quantity ?? '—')}</td>
<td>${escapeHtml(s.saasSubscriptionStatus)}</td>
<td>${escapeHtml(term)}</td>
<td>${escapeHtml(pending || '—')}</td>
<td><form method="post" action="${escapeHtml(`${m.prefix}/subscriptions/${encodeURIComponent(s.id)}/actions`)}">
<label for="plan-${n}">New plan</label>
<select id="plan-${n}" name="planId">${planOptions(m.plans, s.planId)}</select>
<label for="quantity-${n}">New seats</label>
<input id="quantity-${n}" name="quantity" type="number" min="1" step="1" value="${escapeHtml(s.quantity ?? '')}">
${buttons}
</form></td>
</tr>`;
  });
  return `<section aria-labelledby="subs-title">
<h2 id="subs-title">Subscriptions</h2>
<table>
<thead><tr><th scope="col">Name</th><th scope="col">Subscription id</th><th scope="col">Tenant</th><th scope="col">Plan</th><th scope="col">Seats</th><th scope="col">Status</th><th scope="col">Term</th><th scope="col">Pending operations</th><th scope="col">Customer actions</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}

function renderUsage(m: EmulatorPageModel): string {
  if (m.recentUsage.length === 0)
    return `<section aria-labelledby="usage-title"><h2 id="usage-title">Accepted usage</h2><p>No usage events yet.</p></section>`;
  const rows = m.recentUsage
    .map(
      (u) =>
        `<tr><td>${escapeHtml(u.effectiveStartTime)}</td><td><code>${escapeHtml(u.resourceId)}</code></td><td>${escapeHtml(u.planId)}</td><td>${escapeHtml(u.dimension)}</td><td>${escapeHtml(u.quantity)}</td><td>${escapeHtml(u.messageTime)}</td></tr>`,
    )
    .join('\n');
  return `<section aria-labelledby="usage-title">
<h2 id="usage-title">Accepted usage</h2>
<table>
<thead><tr><th scope="col">Hour</th><th scope="col">Subscription</th><th scope="col">Plan</th><th scope="col">Dimension</th><th scope="col">Quantity</th><th scope="col">Received</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}
