import type { Server } from 'restify';
import { coerceError } from '../../domain/errors';
import type { Logger } from '../../logger';
import type { Store } from '../../store/store';
import { localeFromAcceptLanguage } from '../../i18n/locale';
import { translator } from '../../i18n/translator';
import { CONSOLE_CSP } from './console-http';
import { homePage } from './home-page';

/** `GET /`: the home page (what this is, links, health). Public: it shows no customer data. */
export function addHomeRoute(server: Server, deps: { store: Store; logger: Logger; productName: string; emulatorUrl?: string }): void {
  server.get('/', async (req, res) => {
    let healthy = true;
    try {
      await deps.store.ping();
    } catch (thrown) {
      healthy = false;
      deps.logger.error({ err: coerceError(thrown).message }, 'home page: store unreachable');
    }
    const t = translator(localeFromAcceptLanguage(req.header('accept-language')));
    const page = homePage(t, {
      productName: deps.productName,
      healthy,
      store: deps.store.kind,
      ...(deps.emulatorUrl ? { emulatorUrl: deps.emulatorUrl } : {}),
    });
    res.header('Content-Security-Policy', CONSOLE_CSP);
    res.header('X-Frame-Options', 'DENY');
    res.header('Cache-Control', 'no-store');
    res.writeHead(healthy ? 200 : 503, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page.value);
  });
}
