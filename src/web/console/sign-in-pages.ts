import type { Translator } from '../../i18n/translator';
import { html, type Html } from '../html';
import { barePage } from './console-layout';

export function signInPage(
  t: Translator,
  input: { productName: string; entra: boolean; dev?: { csrf: string; next: string }; notice?: string },
): Html {
  const body = html`<div class="card">
<h1>${t.t('consoleShell.signInTitle', { product: input.productName })}</h1>
<p class="muted">${t.t('consoleShell.signInLede')}</p>
${input.notice ? html`<div class="notice info" role="status">${input.notice}</div>` : ''}
${input.entra ? html`<p><a class="button" href="/console/sign-in/entra">${t.t('consoleShell.signInEntra')}</a></p>` : ''}
${input.dev
  ? html`<div class="notice bad" role="note"><strong>${t.t('consoleShell.devOnlyTitle')}</strong> ${t.t('consoleShell.devOnlyText')}
<form method="post" action="/console/dev-sign-in"><input type="hidden" name="csrf" value="${input.dev.csrf}"><input type="hidden" name="next" value="${input.dev.next}">
<button type="submit">${t.t('consoleShell.devSignIn')}</button></form></div>`
  : ''}
${!input.entra && !input.dev ? html`<p class="notice bad">${t.t('consoleShell.noSignIn')}</p>` : ''}
</div>`;
  return barePage(t, t.t('consoleShell.signInTitle', { product: input.productName }), body);
}

/** A short page with a title, a sentence and a way on. */
export function messagePage(t: Translator, title: string, text: string, link?: { href: string; label: string }): Html {
  return barePage(
    t,
    title,
    html`<div class="card"><h1>${title}</h1><p>${text}</p>${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}</div>`,
  );
}

export const forbiddenPage = (t: Translator) =>
  messagePage(t, t.t('consoleShell.forbiddenTitle'), t.t('consoleShell.forbiddenText'), {
    href: '/console/sign-in',
    label: t.t('consoleShell.signInOther'),
  });
