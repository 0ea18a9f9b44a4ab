import { createHmac } from 'node:crypto';
import type { ConsoleUser } from '../../domain/console-access';
import type { SignInAttempt } from '../entra-sign-in/sign-in-attempt';
import { csrfToken, csrfValid, newSession, openSession, sealSession, type LandingSession } from '../session-cookie';

/**
 * The console's session: the same signed, expiring cookie format as the landing page's (src/web/session-cookie.ts),
 * under its own name and path and with its own key (derived from SESSION_SECRET), so a landing session can never be
 * replayed as a console session.
 */
export interface ConsoleSession {
  sid: string;
  exp: number;
  /** Unused by the console (the landing format's field). */
  subs: string[];
  user?: ConsoleUser;
  /** During an Entra sign-in: the attempt (state, nonce, PKCE verifier), removed when the provider answers. */
  signIn?: SignInAttempt;
}

export const CONSOLE_COOKIE = 'console_session';
const LIFETIME_SECONDS = 2 * 60 * 60;
/** Every console form carries a token bound to the session (the CSRF "subject"). */
const CSRF_SUBJECT = 'console-form';

export function consoleSecret(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('publisher-console-session').digest('base64url');
}

export function newConsoleSession(nowMs: number, user?: ConsoleUser): ConsoleSession {
  return { ...newSession(nowMs), ...(user ? { user } : {}) };
}

export function sealConsoleSession(session: ConsoleSession, secret: string): string {
  return sealSession(session as LandingSession, secret);
}

export function openConsoleSession(cookie: string | undefined, secret: string, nowMs: number): ConsoleSession | undefined {
  const session = openSession(cookie, secret, nowMs) as ConsoleSession | undefined;
  if (session?.user && (typeof session.user.oid !== 'string' || typeof session.user.tid !== 'string')) return undefined;
  return session;
}

export function consoleCsrf(session: ConsoleSession, secret: string): string {
  return csrfToken(session as LandingSession, CSRF_SUBJECT, secret);
}

export function consoleCsrfValid(session: ConsoleSession, given: unknown, secret: string): boolean {
  return csrfValid(session as LandingSession, CSRF_SUBJECT, given, secret);
}

/** `SameSite=Lax`: the identity provider's redirect back to /console/auth is a top-level cross-site navigation. */
export function consoleCookieHeader(value: string | undefined, secure: boolean): string {
  const maxAge = value === undefined ? 0 : LIFETIME_SECONDS;
  return `${CONSOLE_COOKIE}=${value ?? ''}; Path=/console; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}
