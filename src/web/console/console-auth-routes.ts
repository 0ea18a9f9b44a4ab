import type { Server } from 'restify';
import { PLAYGROUND_TENANT_ID, PLAYGROUND_USER_ID } from '../../config';
import type { Clock } from '../../domain/clock';
import type { ConsoleUser } from '../../domain/console-access';
import { coerceError } from '../../domain/errors';
import type { Logger } from '../../logger';
import type { EntraSignIn } from '../entra-sign-in/entra-sign-in';
import { safeRoute } from '../http-server';
import { formField, queryParam, type ConsoleHttp } from './console-http';
import { consoleCsrf, newConsoleSession } from './console-session';
import { forbiddenPage, messagePage, signInPage } from './sign-in-pages';

/** Where to go after sign-in: a console path only (never another site: `//evil.example` is refused). */
export function safeNext(next: string | undefined): string {
  return next && /^\/console(?:[/?][^\\\s]*)?$/.test(next) && !next.startsWith('//') ? next : '/console';
}

/**
 * Sign-in and sign-out of the console: Entra ID through the shared module (src/web/entra-sign-in), and in
 * development only a local sign-in as the Playground operator. The session id is new at every sign-in.
 */
export function addConsoleAuthRoutes(
  server: Server,
  deps: { http: ConsoleHttp; clock: Clock; logger: Logger; productName: string; devSignIn: boolean; signIn?: EntraSignIn; redirectUri: string },
): void {
  const { http, logger } = deps;
  const now = () => deps.clock.now().getTime();

  server.get(
    '/console/sign-in',
    safeRoute(logger, (req, res) => {
      const t = http.translatorOf(req);
      const existing = http.sessionOf(req);
      if (existing?.user && http.isOperator(existing.user)) return http.redirect(res, '/console');
      // An anonymous session carries the CSRF token of the development sign-in form (no login CSRF).
      const session = existing && !existing.user ? existing : newConsoleSession(now());
      const page = signInPage(t, {
        productName: deps.productName,
        entra: !!deps.signIn,
        ...(deps.devSignIn ? { dev: { csrf: consoleCsrf(session, http.secret), next: safeNext(queryParam(req, 'next')) } } : {}),
      });
      return http.send(res, 200, page, session);
    }),
  );

  server.post(
    '/console/dev-sign-in',
    safeRoute(logger, (req, res) => {
      const t = http.translatorOf(req);
      if (!deps.devSignIn) return http.send(res, 404, messagePage(t, t.t('consoleShell.notFoundTitle'), t.t('consoleShell.notFoundText')));
      const session = http.sessionOf(req);
      if (!session || !http.csrfValid(session, formField(req, 'csrf')))
        return http.send(res, 403, messagePage(t, t.t('consoleShell.formExpiredTitle'), t.t('consoleShell.formExpiredText'), { href: '/console/sign-in', label: t.t('consoleShell.signInAgain') }));
      const user: ConsoleUser = { oid: PLAYGROUND_USER_ID, tid: PLAYGROUND_TENANT_ID, name: t.t('consoleShell.devUserName'), dev: true };
      if (!http.isOperator(user)) return http.send(res, 403, forbiddenPage(t));
      logger.warn({ userId: user.oid }, 'console: development sign-in as the Playground operator');
      return http.redirect(res, safeNext(formField(req, 'next')), newConsoleSession(now(), user));
    }),
  );

  server.get(
    '/console/sign-in/entra',
    safeRoute(logger, async (req, res) => {
      const t = http.translatorOf(req);
      if (!deps.signIn) return http.redirect(res, '/console/sign-in');
      try {
        const { url, attempt } = await deps.signIn.begin(deps.redirectUri);
        return http.redirect(res, url, { ...newConsoleSession(now()), signIn: attempt });
      } catch (thrown) {
        logger.error({ err: coerceError(thrown).message }, 'console sign-in: identity provider unavailable');
        return http.send(res, 503, messagePage(t, t.t('consoleShell.signInDownTitle'), t.t('consoleShell.signInDownText')));
      }
    }),
  );

  server.get(
    '/console/auth',
    safeRoute(logger, async (req, res) => {
      const t = http.translatorOf(req);
      if (!deps.signIn) return http.redirect(res, '/console/sign-in');
      const session = http.sessionOf(req);
      const result = await deps.signIn.finish(new URLSearchParams(req.getQuery() ?? ''), session?.signIn, deps.redirectUri);
      const again = { href: '/console/sign-in', label: t.t('consoleShell.signInAgain') };
      switch (result.kind) {
        case 'signed-in': {
          const user: ConsoleUser = result.user;
          if (!http.isOperator(user)) {
            logger.warn({ tenantId: user.tid, userId: user.oid }, 'console sign-in refused: not an operator');
            return http.send(res, 403, forbiddenPage(t), null);
          }
          logger.info({ tenantId: user.tid, userId: user.oid }, 'console sign-in');
          return http.redirect(res, '/console', newConsoleSession(now(), user));
        }
        case 'unavailable':
          return http.send(res, 503, messagePage(t, t.t('consoleShell.signInDownTitle'), t.t('consoleShell.signInDownText'), again), null);
        case 'provider-error':
          return http.send(
            res,
            403,
            messagePage(t, t.t('consoleShell.signInFailedTitle'), result.providerError.description ?? result.providerError.error, again),
            null,
          );
        default:
          return http.send(res, 400, messagePage(t, t.t('consoleShell.signInFailedTitle'), t.t('consoleShell.signInFailedText'), again), null);
      }
    }),
  );

  server.post(
    '/console/sign-out',
    safeRoute(logger, (req, res) => {
      const t = http.translatorOf(req);
      const session = http.sessionOf(req);
      if (session?.user && !http.csrfValid(session, formField(req, 'csrf')))
        return http.send(res, 403, messagePage(t, t.t('consoleShell.formExpiredTitle'), t.t('consoleShell.formExpiredText')));
      if (session?.user) logger.info({ userId: session.user.oid }, 'console sign-out');
      return http.send(res, 200, messagePage(t, t.t('consoleShell.signedOutTitle'), t.t('consoleShell.signedOutText'), { href: '/console/sign-in', label: t.t('consoleShell.signInAgain') }), null);
    }),
  );
}
