import type { Request, Response } from 'restify';
import type { Clock } from '../../domain/clock';
import { isConsoleOperator, type ConsoleAccessRules, type ConsoleUser } from '../../domain/console-access';
import { localeFromAcceptLanguage } from '../../i18n/locale';
import { translator, type Translator } from '../../i18n/translator';
import type { Html } from '../html';
import { readCookie } from '../session-cookie';
import {
  CONSOLE_COOKIE,
  consoleCookieHeader,
  consoleCsrf,
  consoleCsrfValid,
  consoleSecret,
  openConsoleSession,
  sealConsoleSession,
  type ConsoleSession,
} from './console-session';

/** No inline script or style anywhere (charts are SVG styled by class); nothing may frame the console. */
export const CONSOLE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** What every console page is rendered with. */
export interface PageContext {
  t: Translator;
  user: ConsoleUser;
  csrf: string;
  productName: string;
  /** The path of the page (the navigation marks it). */
  path: string;
  now: Date;
}

export type Gate = { ok: true; ctx: PageContext; session: ConsoleSession } | { ok: false };

/** Headers, session cookie and the operator check, shared by the console's route files. */
export function consoleHttp(options: {
  productName: string;
  publicUrl: string;
  sessionSecret: string;
  clock: Clock;
  access: ConsoleAccessRules;
}) {
  const secret = consoleSecret(options.sessionSecret);
  const secure = options.publicUrl.startsWith('https://');
  const cookie = (res: Response, session: ConsoleSession | null | undefined) => {
    if (session === null) res.header('Set-Cookie', consoleCookieHeader(undefined, secure));
    else if (session) res.header('Set-Cookie', consoleCookieHeader(sealConsoleSession(session, secret), secure));
  };
  const http = {
    secret,
    secure,
    translatorOf: (req: Request) => translator(localeFromAcceptLanguage(req.header('accept-language'))),
    /** `session`: written to the cookie; `null`: cleared; `undefined`: left as it is. */
    send(res: Response, status: number, page: Html, session?: ConsoleSession | null) {
      res.header('Content-Security-Policy', CONSOLE_CSP);
      res.header('X-Frame-Options', 'DENY');
      res.header('Cache-Control', 'no-store');
      if (secure) res.header('Strict-Transport-Security', 'max-age=31536000');
      cookie(res, session);
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(page.value);
    },
    redirect(res: Response, location: string, session?: ConsoleSession | null) {
      cookie(res, session);
      res.header('Cache-Control', 'no-store');
      res.redirect(303, location, () => undefined);
    },
    sessionOf(req: Request): ConsoleSession | undefined {
      return openConsoleSession(readCookie(req.header('cookie'), CONSOLE_COOKIE), secret, options.clock.now().getTime());
    },
    isOperator: (user: ConsoleUser) => isConsoleOperator(user, options.access),
    /**
     * The signed-in operator of a request, or `ok: false` once the answer is sent: no (valid) session → the sign-in
     * page (a forged or expired cookie is no session); signed in but not an operator (any more) → 403.
     */
    gate(req: Request, res: Response, forbidden: (t: Translator) => Html): Gate {
      const session = http.sessionOf(req);
      const user = session?.user;
      if (!session || !user) {
        if (req.method === 'GET') http.redirect(res, `/console/sign-in?next=${encodeURIComponent(req.getPath())}`);
        else res.send(401, 'Sign in first.');
        return { ok: false };
      }
      const t = http.translatorOf(req);
      if (!http.isOperator(user)) {
        http.send(res, 403, forbidden(t));
        return { ok: false };
      }
      return {
        ok: true,
        session,
        ctx: { t, user, csrf: consoleCsrf(session, secret), productName: options.productName, path: req.getPath(), now: options.clock.now() },
      };
    },
    csrfValid: (session: ConsoleSession, given: unknown) => consoleCsrfValid(session, given, secret),
  };
  return http;
}

export type ConsoleHttp = ReturnType<typeof consoleHttp>;

/** A form field of a parsed body (urlencoded forms). */
export function formField(req: Request, name: string): string | undefined {
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}

/** A path parameter as a string ('' when absent). */
export function pathParam(req: Request, name: string): string {
  const value = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** A query parameter as one string (restify's parser may give arrays). */
export function queryParam(req: Request, name: string): string | undefined {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const value = query[name];
  const first: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof first === 'string' ? first : undefined;
}
