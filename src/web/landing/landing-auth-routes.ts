import type { Server } from 'restify';
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../logger';
import type { EntraSignIn } from '../entra-sign-in/entra-sign-in';
import { safeRoute } from '../http-server';
import { csrfValid, signedInSession, type LandingSession } from '../session-cookie';
import type { LandingHttp } from './landing-http';
import { SIGN_OUT_FORM } from './landing-http';
import { messagePage, providerWords } from './landing-pages';
import { landingMessage, signInProblemMessage } from './landing-texts';

/**
 * `GET /landing/auth`: where the identity provider sends the buyer back (the app registration's redirect URI), and
 * `POST /landing/sign-out`. The protocol and the checks are src/web/entra-sign-in's; this turns outcomes into pages.
 */
export function addLandingAuthRoutes(
  server: Server,
  deps: { http: LandingHttp; signIn: EntraSignIn; redirectUri: string; clock: Clock; logger: Logger },
): void {
  const { http, signIn, redirectUri, logger } = deps;

  server.get(
    '/landing/auth',
    safeRoute(logger, async (req, res) => {
      const session = http.sessionOf(req);
      const query = new URLSearchParams(req.getQuery() ?? '');
      const attempt = session?.signIn;
      const result = await signIn.finish(query, attempt, redirectUri);
      // One state per attempt, consumed whatever the outcome: the cookie written back no longer holds it.
      let consumed: LandingSession | undefined;
      if (session) {
        const { signIn: _consumed, ...rest } = session;
        consumed = rest;
      }
      const ctx = http.ctxOf(req, consumed);
      switch (result.kind) {
        case 'signed-in': {
          logger.info({ tenantId: result.user.tid, userId: result.user.oid }, 'landing sign-in');
          const next = signedInSession(result.user, deps.clock.now().getTime());
          const token = attempt?.token;
          return http.redirect(res, token ? `/landing?token=${encodeURIComponent(token)}` : '/landing', next);
        }
        case 'provider-error': {
          const { providerError } = result;
          const consent = providerError.problem === 'admin-consent' ? result.adminConsentUrl : undefined;
          return http.send(
            res,
            providerError.problem === 'app-misconfigured' ? 502 : 403,
            messagePage(
              ctx,
              signInProblemMessage(ctx.tr, providerError.problem),
              providerWords(ctx.tr, providerError.description, providerError.error, consent),
            ),
            consumed,
          );
        }
        case 'admin-consent-granted':
          logger.info({ tenant: query.get('tenant') ?? undefined }, 'landing: admin consent granted');
          return http.send(res, 200, messagePage(ctx, landingMessage(ctx.tr, 'consentGranted')), consumed);
        case 'unavailable':
          return http.send(res, 503, messagePage(ctx, landingMessage(ctx.tr, 'signInDown')), consumed);
        case 'refused':
          return http.send(res, 400, messagePage(ctx, landingMessage(ctx.tr, 'signInNotConfirmed')), consumed);
      }
    }, http.failurePage),
  );

  server.post(
    '/landing/sign-out',
    safeRoute(logger, (req, res) => {
      const session = http.sessionOf(req);
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      // A forged sign-out would only be a nuisance, but the same CSRF check as every form keeps it simple.
      if (session?.user && !csrfValid(session, SIGN_OUT_FORM, body.csrf, http.secret)) {
        const ctx = http.ctxOf(req, session);
        return http.send(res, 403, messagePage(ctx, landingMessage(ctx.tr, 'formExpired')));
      }
      if (session?.user) logger.info({ tenantId: session.user.tid, userId: session.user.oid }, 'landing sign-out');
      const ctx = http.ctxOf(req, undefined);
      return http.send(res, 200, messagePage(ctx, landingMessage(ctx.tr, 'signedOut')), null);
    }, http.failurePage),
  );
}
