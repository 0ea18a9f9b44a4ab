import type { Translator } from '../../i18n/translator';
import { html, type Html } from '../html';
import { barePage } from './console-layout';

const STORE_NAMES: Record<string, string> = { sqlite: 'SQLite', mssql: 'Azure SQL' };

/** `/`: what this service is, where to go, and whether it is healthy (no data of any customer). */
export function homePage(
  t: Translator,
  input: { productName: string; healthy: boolean; store: string; emulatorUrl?: string; version?: string },
): Html {
  const body = html`<div class="card">
<h1>${input.productName}</h1>
<p>${t.t('consoleHome.what')}</p>
<ul>
<li><a href="/console">${t.t('consoleHome.console')}</a> — ${t.t('consoleHome.consoleHint')}</li>
${input.emulatorUrl ? html`<li><a href="${input.emulatorUrl}">${t.t('consoleHome.emulator')}</a> — ${t.t('consoleHome.emulatorHint')}</li>` : ''}
<li><a href="/healthz">${t.t('consoleHome.healthJson')}</a></li>
</ul>
<p class="health"><span class="dot${input.healthy ? '' : ' down'}"></span>${input.healthy ? t.t('consoleHome.healthy', { store: STORE_NAMES[input.store] ?? input.store }) : t.t('consoleHome.unhealthy', { store: STORE_NAMES[input.store] ?? input.store })}</p>
</div>`;
  return barePage(t, input.productName, body, 'home');
}
