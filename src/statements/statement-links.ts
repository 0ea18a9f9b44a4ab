import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, short-lived links to one subscription's statement for one period: what Teams hands a tenant admin (the
 * `usage` card's button) or an operator (`statement`). The link is the authorization: it names the subscription and
 * the period, expires, and is signed (HMAC-SHA256) with a key derived from SESSION_SECRET, so it cannot be
 * altered to reach another subscription (another tenant's) or another period. It is only handed out after Teams
 * checked the caller: an admin of the subscription's tenant, or an operator.
 *
 * Why not a sign-in: the admin is already authenticated by Teams when the bot hands out the link, and an Entra
 * sign-in would add a round trip for the same answer. The link is a bearer credential for a short time: pages are
 * `no-store`, the server sends `Referrer-Policy: no-referrer`, and query strings are never logged.
 */
export interface StatementGrant {
  subscriptionId: string;
  /** Start of the period (epoch ms). */
  periodStart: number;
  /** Expiry (epoch ms). */
  exp: number;
}

export type OpenedGrant = { ok: true; grant: StatementGrant } | { ok: false; reason: 'invalid' | 'expired' };

/** The key of statement links, apart from the session cookie's own use of the same secret. */
export function statementLinkKey(sessionSecret: string): Buffer {
  return createHmac('sha256', sessionSecret).update('usage-statement-links/v1').digest();
}

const mac = (key: Buffer, body: string) => createHmac('sha256', key).update(body).digest();

export function signStatementGrant(key: Buffer, grant: StatementGrant): string {
  const body = Buffer.from(JSON.stringify([grant.subscriptionId, grant.periodStart, grant.exp])).toString('base64url');
  return `${body}.${mac(key, body).toString('base64url')}`;
}

export function openStatementGrant(key: Buffer, token: unknown, nowMs: number): OpenedGrant {
  if (typeof token !== 'string' || token.length > 2000) return { ok: false, reason: 'invalid' };
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return { ok: false, reason: 'invalid' };
  const expected = mac(key, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return { ok: false, reason: 'invalid' };
  const [subscriptionId, periodStart, exp] = parsed as unknown[];
  if (typeof subscriptionId !== 'string' || !Number.isSafeInteger(periodStart) || !Number.isSafeInteger(exp))
    return { ok: false, reason: 'invalid' };
  if ((exp as number) <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, grant: { subscriptionId, periodStart: periodStart as number, exp: exp as number } };
}

export type StatementFormat = 'html' | 'csv' | 'pdf';

/** Where a statement is served: `/statements` (HTML), `/statements/csv`, `/statements/pdf`, with the token. */
export const STATEMENT_PATH = '/statements';

/** Builds the links of statements (bot side), from the public URL, the key, the clock and the lifetime. */
export class StatementLinks {
  constructor(
    private readonly deps: { publicUrl: string; key: Buffer; lifetimeMs: number; now: () => Date },
  ) {}

  /** A link to the statement of the period that starts at `periodStart`, optionally in a language (`lang`). */
  url(subscriptionId: string, periodStart: Date, options: { format?: StatementFormat; lang?: string } = {}): string {
    const token = signStatementGrant(this.deps.key, {
      subscriptionId,
      periodStart: periodStart.getTime(),
      exp: this.deps.now().getTime() + this.deps.lifetimeMs,
    });
    return statementUrl(this.deps.publicUrl, token, options);
  }
}

export function statementUrl(base: string, token: string, options: { format?: StatementFormat; lang?: string } = {}): string {
  const format = options.format ?? 'html';
  const path = format === 'html' ? STATEMENT_PATH : `${STATEMENT_PATH}/${format}`;
  const query = new URLSearchParams({ t: token, ...(options.lang ? { lang: options.lang } : {}) });
  return `${base}${path}?${query.toString()}`;
}
