import type { Request, Response } from 'restify';
import type { Clock } from '../../domain/clock';
import type { FailureResponder } from '../http-server';
import { localeFromAcceptLanguage } from '../../i18n/locale';
import { translator } from '../../i18n/translator';
import {
  clearedSessionCookieHeader,
  csrfToken,
  openSession,
  readCookie,
  sealSession,
  SESSION_COOKIE,
  sessionCookieHeader,
  type LandingSession,
} from '../session-cookie';
import { messagePage, type LandingPage, type PageContext } from './landing-pages';
import { landingMessage } from './landing-texts';

/** No inline script or style anywhere; nothing may frame these pages; forms post only to us. */
export const LANDING_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The CSRF "subject" of the sign-out form (subscription forms use the subscription id). */
export const SIGN_OUT_FORM = 'sign-out';

/** Sending pages and redirects with the landing page's headers and session cookie; shared by its route files. */
export function landingHttp(options: { productName: string; publicUrl: string; sessionSecret: string; clock: Clock }) {
  const secret = options.sessionSecret;
  const secure = options.publicUrl.startsWith('https://');
  const cookie = (res: Response, session: LandingSession | null | undefined) => {
    if (session === null) res.header('Set-Cookie', clearedSessionCookieHeader(secure));
    else if (session) res.header('Set-Cookie', sessionCookieHeader(sealSession(session, secret), secure));
  };
  const http = {
    secret,
    /** `session`: written to the cookie; `null`: the cookie is cleared; `undefined`: left as it is. */
    send: (res: Response, status: number, page: LandingPage, session?: LandingSession | null) => {
      res.header('Content-Security-Policy', LANDING_CSP);
      res.header('Content-Language', page.locale);
      // The language follows Accept-Language: a cache (there should be none: no-store) must key on it.
      res.header('Vary', 'Accept-Language');
      res.header('X-Frame-Options', 'DENY');
      res.header('Cache-Control', 'no-store');
      if (secure) res.header('Strict-Transport-Security', 'max-age=31536000');
      cookie(res, session);
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(page.html.value);
    },
    redirect: (res: Response, location: string, session?: LandingSession | null) => {
      cookie(res, session);
      res.header('Cache-Control', 'no-store');
      res.redirect(302, location, () => undefined);
    },
    sessionOf: (req: Request): LandingSession | undefined => {
      return openSession(readCookie(req.header('cookie'), SESSION_COOKIE), secret, options.clock.now().getTime());
    },
    /** What a page needs to know of this request: the browser's language (Accept-Language) and who is signed in. */
    ctxOf: (req: Request, session: LandingSession | undefined): PageContext => {
      const user = session?.user;
      return {
        tr: translator(localeFromAcceptLanguage(req.header('accept-language'))),
        productName: options.productName,
        ...(user
          ? {
              user: { ...(user.name ? { name: user.name } : {}), ...(user.upn ? { upn: user.upn } : {}) },
              signOutCsrf: csrfToken(session, SIGN_OUT_FORM, secret),
            }
          : {}),
      };
    },
    /**
     * The landing routes' answer to what they threw (the Marketplace or the store failing; `safeRoute` logs the
     * unexpected once): a page in the buyer's language saying to try again, never JSON nor a stack trace.
     */
    failurePage: ((res, _failure, req) => {
      const ctx = http.ctxOf(req, http.sessionOf(req));
      http.send(res, 503, messagePage(ctx, landingMessage(ctx.tr, 'marketplaceDown')));
    }) satisfies FailureResponder,
  };
  return http;
}

export type LandingHttp = ReturnType<typeof landingHttp>;
