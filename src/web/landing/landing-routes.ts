import { randomBytes } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { Config } from '../../config';
import type { Clock } from '../../domain/clock';
import { coerceError } from '../../domain/errors';
import { billingPeriodAt } from '../../domain/periods';
import type { PlanCatalog } from '../../domain/plans';
import type { Subscription } from '../../domain/subscription';
import { summarizeUsage } from '../../domain/usage-report';
import type { Logger } from '../../logger';
import type { PurchaseActivation } from '../../marketplace/purchase-activation';
import type { Store } from '../../store/store';
import type { Html } from '../html';
import { safeRoute } from '../http-server';
import {
  csrfToken,
  csrfValid,
  newSession,
  openSession,
  readCookie,
  sealSession,
  SESSION_COOKIE,
  sessionCookieHeader,
  type LandingSession,
} from '../session-cookie';
import {
  activatedPage,
  LANDING_CSS,
  managePage,
  messagePage,
  pendingPage,
  purchasePage,
  statusPage,
  type PageContext,
} from './landing-pages';
import type { LandingSignIn } from './landing-sign-in';

/** No inline script or style anywhere; nothing may frame these pages; forms post only to us. */
const CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Marketplace tokens are about 1–2 KB of base64; a longer one is not a token. */
const MAX_TOKEN_LENGTH = 4096;
/**
 * Printable ASCII without the space: base64 (letters, digits, `+`, `/`, `=`) and then some. A control character, a
 * space (a `+` a careless decoder turned into one) or a non-ASCII character cannot be a token, and would not even fit
 * in the `x-ms-marketplace-token` header (fetch throws, which once ended as a 503).
 */
const TOKEN_CHARACTERS = /^[\x21-\x7e]+$/;

/**
 * The token exactly as the Marketplace sent it: URL-decoded once, so `+` stays `+` (a form-style decoder would
 * turn it into a space and resolve would fail). `null` when the parameter is malformed.
 */
export function landingToken(rawQuery: string): string | null | undefined {
  for (const pair of rawQuery.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (key !== 'token') continue;
    try {
      return decodeURIComponent(pair.slice(eq + 1));
    } catch {
      return null;
    }
  }
  return undefined;
}

export interface LandingDeps {
  config: Pick<Config, 'productName' | 'publicUrl' | 'landing'>;
  activation: PurchaseActivation;
  store: Store;
  catalog: PlanCatalog;
  clock: Clock;
  logger: Logger;
  /** Present when an Entra app is configured for the landing page: buyers sign in first. */
  signIn?: LandingSignIn;
}

/**
 * `GET /landing?token=…` (resolve, show, manage), `POST /landing/activate` (CSRF-checked) and, with sign-in on,
 * `GET /landing/auth` (the OpenID Connect redirect). Every value is escaped; errors are friendly pages.
 */
export function addLandingRoutes(server: Server, deps: LandingDeps): void {
  const { config, logger } = deps;
  const secret = config.landing.sessionSecret;
  const secure = config.publicUrl.startsWith('https://');
  const redirectUri = `${config.publicUrl}/landing/auth`;

  const send = (res: Response, status: number, page: Html, session?: LandingSession) => {
    res.header('Content-Security-Policy', CSP);
    res.header('X-Frame-Options', 'DENY');
    res.header('Cache-Control', 'no-store');
    if (secure) res.header('Strict-Transport-Security', 'max-age=31536000');
    if (session) res.header('Set-Cookie', sessionCookieHeader(sealSession(session, secret), secure));
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page.value);
  };
  const redirect = (res: Response, location: string, session?: LandingSession) => {
    if (session) res.header('Set-Cookie', sessionCookieHeader(sealSession(session, secret), secure));
    res.header('Cache-Control', 'no-store');
    res.redirect(302, location, () => undefined);
  };
  const sessionOf = (req: Request) =>
    openSession(readCookie(req.header('cookie'), SESSION_COOKIE), secret, deps.clock.now().getTime());
  const ctxOf = (session: LandingSession | undefined): PageContext => ({
    productName: config.productName,
    ...(session?.user
      ? {
          user: {
            ...(session.user.name ? { name: session.user.name } : {}),
            ...(session.user.upn ? { upn: session.user.upn } : {}),
          },
        }
      : {}),
  });
  const oops = (res: Response, session: LandingSession | undefined, thrown: unknown) => {
    logger.error({ err: coerceError(thrown).message }, 'landing page failed');
    send(
      res,
      503,
      messagePage(
        ctxOf(session),
        'Something went wrong',
        'We could not reach the Marketplace just now.',
        'Please try again in a minute. If it keeps happening, contact support.',
      ),
    );
  };

  /** The page for a subscription in its current state. */
  const pageFor = async (session: LandingSession, subscription: Subscription) => {
    const plan = deps.catalog.get(subscription.planId);
    const ctx = ctxOf(session);
    switch (subscription.status) {
      case 'Subscribed': {
        const now = deps.clock.now();
        const period = billingPeriodAt(now, subscription.term);
        const counters = await deps.store.usage.counters(subscription.id, period.start);
        const usage = plan
          ? summarizeUsage(plan, subscription, Object.fromEntries(counters.map((c) => [c.dimension, c.used])), period, now)
          : undefined;
        return managePage(ctx, subscription, plan, usage, config.landing.teamsAppId);
      }
      case 'Suspended':
      case 'Unsubscribed':
        return statusPage(ctx, subscription, plan);
      default:
        return purchasePage(ctx, subscription, plan, csrfToken(session, subscription.id, secret));
    }
  };

  server.get('/landing/assets/landing.css', async (_req, res) => {
    res.header('Cache-Control', 'public, max-age=3600');
    res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8' });
    res.end(LANDING_CSS);
  });

  server.get(
    '/landing',
    safeRoute(logger, async (req, res) => {
      const existing = sessionOf(req);
      const token = landingToken(req.getQuery() ?? '');
      const ctx = ctxOf(existing);
      if (token === undefined || token === '') {
        return send(
          res,
          400,
          messagePage(
            ctx,
            'Open this page from the Marketplace',
            'This page needs the link the Marketplace gives you after a purchase.',
            'Go to the Microsoft 365 admin center (or the Azure portal), find your subscription and choose "Configure account" or "Manage account".',
          ),
        );
      }
      if (token === null || token.length > MAX_TOKEN_LENGTH || !TOKEN_CHARACTERS.test(token)) {
        logger.info({ length: token?.length }, 'landing refused: malformed token');
        return send(res, 400, expiredPage(ctx));
      }
      const session = existing ?? newSession(deps.clock.now().getTime());
      if (deps.signIn && !session.user) {
        const state = randomBytes(18).toString('base64url');
        const url = await deps.signIn.authorizationUrl(state, redirectUri);
        return redirect(res, url, { ...session, pendingToken: token, state });
      }
      let resolved;
      try {
        resolved = await deps.activation.resolve(token);
      } catch (thrown) {
        return oops(res, session, thrown);
      }
      if (resolved.outcome === 'invalid-token') return send(res, 400, expiredPage(ctx));
      const { pendingToken: _t, state: _s, ...rest } = session;
      const next: LandingSession = {
        ...rest,
        subs: [resolved.subscription.id, ...session.subs.filter((s) => s !== resolved.subscription.id)].slice(0, 5),
      };
      send(res, 200, await pageFor(next, resolved.subscription), next);
    }),
  );

  server.post(
    '/landing/activate',
    safeRoute(logger, async (req, res) => {
      const session = sessionOf(req);
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      const subscriptionId = typeof body.subscriptionId === 'string' ? body.subscriptionId : '';
      const ctx = ctxOf(session);
      if (
        !session ||
        !subscriptionId ||
        !session.subs.includes(subscriptionId) ||
        !csrfValid(session, subscriptionId, body.csrf, secret) ||
        (deps.signIn && !session.user)
      ) {
        logger.warn(
          { subscriptionId: subscriptionId || undefined, hasSession: !!session, ip: req.socket?.remoteAddress },
          'activation refused: bad or missing CSRF token or session',
        );
        return send(
          res,
          403,
          messagePage(
            ctx,
            'This form has expired',
            'For your security, we could not accept this activation request.',
            'Open the link from the Marketplace again and press Activate.',
          ),
        );
      }
      let result;
      try {
        result = await deps.activation.activate(subscriptionId);
      } catch (thrown) {
        return oops(res, session, thrown);
      }
      switch (result.outcome) {
        case 'activated':
          return send(
            res,
            200,
            activatedPage(ctx, result.subscription, deps.catalog.get(result.subscription.planId), config.landing.teamsAppId),
          );
        case 'pending':
          return send(
            res,
            202,
            pendingPage(
              ctx,
              result.subscription,
              deps.catalog.get(result.subscription.planId),
              `/landing/status?subscription=${encodeURIComponent(subscriptionId)}`,
            ),
          );
        case 'refused':
          return send(
            res,
            409,
            messagePage(
              ctx,
              'Activation was not possible',
              result.message,
              'If you think this is wrong, contact support with the subscription name.',
            ),
          );
      }
    }),
  );

  // After "Activation in progress": the same checks as Activate (this browser resolved that subscription).
  server.get(
    '/landing/status',
    safeRoute(logger, async (req, res) => {
      const session = sessionOf(req);
      const subscriptionId = new URLSearchParams(req.getQuery() ?? '').get('subscription') ?? '';
      if (!session || !session.subs.includes(subscriptionId)) return send(res, 403, expiredPage(ctxOf(session)));
      let result;
      try {
        result = await deps.activation.confirm(subscriptionId);
      } catch (thrown) {
        return oops(res, session, thrown);
      }
      if (result.outcome === 'refused')
        return send(
          res,
          409,
          messagePage(
            ctxOf(session),
            'Activation was not possible',
            result.message,
            'Contact support with the subscription name.',
          ),
        );
      const plan = deps.catalog.get(result.subscription.planId);
      return result.outcome === 'activated'
        ? send(res, 200, activatedPage(ctxOf(session), result.subscription, plan, config.landing.teamsAppId))
        : send(
            res,
            202,
            pendingPage(
              ctxOf(session),
              result.subscription,
              plan,
              `/landing/status?subscription=${encodeURIComponent(subscriptionId)}`,
            ),
          );
    }),
  );

  if (deps.signIn) {
    const signIn = deps.signIn;
    const signInFailed = (res: Response, session: LandingSession | undefined, reason: string) =>
      send(
        res,
        400,
        messagePage(
          ctxOf(session),
          'Sign-in did not complete',
          reason,
          'Open the link from the Marketplace again to start over.',
        ),
      );
    server.get(
      '/landing/auth',
      safeRoute(logger, async (req, res) => {
        const session = sessionOf(req);
        const query = new URLSearchParams(req.getQuery() ?? '');
        const code = query.get('code');
        if (!session?.state || query.get('state') !== session.state || !code) {
          logger.warn(
            { hasSession: !!session, error: query.get('error') ?? undefined },
            'landing sign-in refused: state mismatch or no code',
          );
          return signInFailed(res, session, 'We could not confirm your sign-in.');
        }
        let user;
        try {
          user = await signIn.redeem(code, redirectUri);
        } catch (thrown) {
          logger.warn({ err: coerceError(thrown).message }, 'landing sign-in failed');
          return signInFailed(res, session, 'Microsoft sign-in did not return your account.');
        }
        const { state: _s, pendingToken, ...rest } = session;
        logger.info({ tenantId: user.tid, userId: user.oid }, 'landing sign-in');
        redirect(res, pendingToken ? `/landing?token=${encodeURIComponent(pendingToken)}` : '/landing', { ...rest, user });
      }),
    );
  }

  function expiredPage(ctx: PageContext) {
    return messagePage(
      ctx,
      'This link has expired',
      'The activation link is no longer valid (links from the Marketplace last about a day) or could not be read.',
      'Reopen it: in the Microsoft 365 admin center (or the Azure portal), find your subscription and choose "Configure account" again.',
    );
  }
}
