import type { Translator, TextKey } from '../../i18n/translator';
import { html, type Html } from '../html';
import type { PageContext } from './console-http';

/** The console's navigation: path prefix → label. */
const NAV: readonly { href: string; key: TextKey }[] = [
  { href: '/console', key: 'consoleShell.nav.overview' },
  { href: '/console/subscriptions', key: 'consoleShell.nav.subscriptions' },
  { href: '/console/metering', key: 'consoleShell.nav.metering' },
  { href: '/console/billed', key: 'consoleShell.nav.billed' },
  { href: '/console/operations', key: 'consoleShell.nav.operations' },
];

function current(path: string, href: string): boolean {
  return href === '/console' ? path === '/console' || path === '/console/' : path === href || path.startsWith(`${href}/`);
}

/** A bare page (sign-in, refusals, home): no navigation. */
export function barePage(t: Translator, title: string, body: Html, bodyClass = 'signin'): Html {
  return html`<!doctype html>
<html lang="${t.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="stylesheet" href="/console/assets/console.css"></head>
<body><main class="${bodyClass}">${body}</main></body></html>`;
}

/** A console page: header with the navigation and the operator, a development banner when signed in locally. */
export function consolePage(ctx: PageContext, title: string, body: Html): Html {
  const { t, user } = ctx;
  const nav = NAV.map(
    (n) => html`<a href="${n.href}"${current(ctx.path, n.href) ? html` aria-current="page"` : ''}>${t.t(n.key)}</a>`,
  );
  return html`<!doctype html>
<html lang="${t.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t.t('consoleShell.title')}</title><link rel="stylesheet" href="/console/assets/console.css"></head>
<body>
<header class="top"><div class="brand">${ctx.productName}<small>${t.t('consoleShell.title')}</small></div>
<nav aria-label="${t.t('consoleShell.nav.label')}">${nav}</nav>
<div class="who"><span>${user.dev ? t.t('consoleShell.devUserName') : (user.name ?? user.upn ?? user.oid)}</span>
<form method="post" action="/console/sign-out"><input type="hidden" name="csrf" value="${ctx.csrf}"><button type="submit">${t.t('consoleShell.signOut')}</button></form></div>
</header>
${user.dev ? html`<div class="dev-banner" role="note">${t.t('consoleShell.devBanner')}</div>` : ''}
<main><h1>${title}</h1>${body}</main>
</body></html>`;
}

export function statusBadge(t: Translator, status: string): Html {
  return html`<span class="badge ${status.replace(/[^A-Za-z]/g, '')}">${statusLabel(t, status)}</span>`;
}

const STATUS_KEYS: Record<string, TextKey> = {
  NotStarted: 'consoleShell.status.NotStarted',
  PendingFulfillmentStart: 'consoleShell.status.PendingFulfillmentStart',
  Subscribed: 'consoleShell.status.Subscribed',
  Suspended: 'consoleShell.status.Suspended',
  Unsubscribed: 'consoleShell.status.Unsubscribed',
  Open: 'consoleShell.status.Open',
  InFlight: 'consoleShell.status.InFlight',
  Retry: 'consoleShell.status.Retry',
  Held: 'consoleShell.status.Held',
  Accepted: 'consoleShell.status.Accepted',
  Expired: 'consoleShell.status.Expired',
  Conflict: 'consoleShell.status.Conflict',
  Failed: 'consoleShell.status.Failed',
  Resolved: 'consoleShell.status.Resolved',
  Applied: 'consoleShell.status.Applied',
  Rejected: 'consoleShell.status.Rejected',
  Ignored: 'consoleShell.status.Ignored',
};

export function statusLabel(t: Translator, status: string): string {
  const key = STATUS_KEYS[status];
  return key ? t.t(key) : status;
}

/** "Showing 26–50 of 10,000" with previous / next links keeping the other query parameters. */
export function pager(t: Translator, input: { total: number; offset: number; limit: number; href: (page: number) => string }): Html {
  const page = Math.floor(input.offset / input.limit) + 1;
  const pages = Math.max(1, Math.ceil(input.total / input.limit));
  const from = input.total === 0 ? 0 : input.offset + 1;
  const to = Math.min(input.total, input.offset + input.limit);
  return html`<nav class="pager" aria-label="${t.t('consoleShell.pager.label')}">
${page > 1 ? html`<a href="${input.href(page - 1)}" rel="prev">${t.t('consoleShell.pager.previous')}</a>` : ''}
<span>${t.t('consoleShell.pager.showing', { from: t.number(from), to: t.number(to), total: t.number(input.total) })}</span>
${page < pages ? html`<a href="${input.href(page + 1)}" rel="next">${t.t('consoleShell.pager.next')}</a>` : ''}
</nav>`;
}

/** Date and time in UTC, e.g. "Dec 2, 2026, 14:00 UTC". */
export function dateTime(t: Translator, at: Date): string {
  return `${t.date(at, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' })} UTC`;
}
