import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SignedInUser } from '../domain/landing-access';
import type { SignInAttempt } from './entra-sign-in/sign-in-attempt';

/**
 * A small stateless session in a signed cookie (HMAC-SHA256), so any instance behind the load balancer can read it.
 * It holds ids only, never the Marketplace token once resolved, and expires.
 */
export interface LandingSession {
  sid: string;
  /** Expiry, epoch seconds. */
  exp: number;
  /** Subscriptions this browser resolved (Activate is accepted only for these). */
  subs: string[];
  user?: SignedInUser;
  /**
   * During sign-in: the attempt (state, nonce, PKCE verifier) and the landing token to resume with. Removed when
   * the provider answers, whatever it answered.
   */
  signIn?: SignInAttempt & { token?: string };
}

export const SESSION_COOKIE = 'landing_session';
const LIFETIME_SECONDS = 2 * 60 * 60;

const b64 = (buf: Buffer) => buf.toString('base64url');

export function newSession(nowMs: number): LandingSession {
  return { sid: b64(randomBytes(18)), exp: Math.floor(nowMs / 1000) + LIFETIME_SECONDS, subs: [] };
}

/**
 * The session of a user who just signed in: a new id (so CSRF tokens and any session id seen before sign-in are
 * worth nothing after it: no fixation), nothing carried over from before, the full lifetime from now.
 */
export function signedInSession(user: SignedInUser, nowMs: number): LandingSession {
  return { ...newSession(nowMs), user };
}

function mac(secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

export function sealSession(session: LandingSession, secret: string): string {
  const body = b64(Buffer.from(JSON.stringify(session)));
  return `${body}.${b64(mac(secret, body))}`;
}

export function openSession(cookie: string | undefined, secret: string, nowMs: number): LandingSession | undefined {
  if (!cookie) return undefined;
  const [body, signature] = cookie.split('.');
  if (!body || !signature) return undefined;
  const expected = mac(secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const session = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LandingSession;
    if (typeof session.sid !== 'string' || typeof session.exp !== 'number' || !Array.isArray(session.subs)) return undefined;
    return session.exp * 1000 > nowMs ? session : undefined;
  } catch {
    return undefined;
  }
}

/** CSRF token of a form: bound to the session and to the subscription the form acts on. */
export function csrfToken(session: LandingSession, subscriptionId: string, secret: string): string {
  return b64(mac(secret, `csrf:${session.sid}:${subscriptionId}`));
}

export function csrfValid(session: LandingSession, subscriptionId: string, given: unknown, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(csrfToken(session, subscriptionId, secret));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

export function sessionCookieHeader(value: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/landing; HttpOnly; SameSite=Lax; Max-Age=${LIFETIME_SECONDS}${secure ? '; Secure' : ''}`;
}

/** Sign-out: the browser forgets the session at once. */
export function clearedSessionCookieHeader(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/landing; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}
