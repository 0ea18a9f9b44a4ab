import type { Request, Response, Server } from 'restify';
import type { Config } from '../../config';
import type { Clock } from '../../domain/clock';
import { landingAccess, type SignedInUser } from '../../domain/landing-access';
import { billingPeriodAt } from '../../domain/periods';
import type { PlanCatalog } from '../../domain/plans';
import type { Subscription } from '../../domain/subscription';
import { summarizeUsage } from '../../domain/usage-report';
import type { Logger } from '../../logger';
import type { ActivationOutcome, PurchaseActivation } from '../../marketplace/purchase-activation';
import type { Store } from '../../store/store';
import type { EntraSignIn } from '../entra-sign-in/entra-sign-in';
import { safeRoute, type Handler } from '../http-server';
import { csrfToken, csrfValid, newSession, type LandingSession } from '../session-cookie';
import { addLandingAuthRoutes } from './landing-auth-routes';
import { landingHttp } from './landing-http';
import { statementLinkSet, type LandingStatements } from './landing-statement';
import {
  activatedPage,
  LANDING_CSS,
  managePage,
  messagePage,
  pendingPage,
  purchasePage,
  statusPage,
  type AdminFacts,
  type PageContext,
} from './landing-pages';
import { activationRefusedMessage, landingMessage, notYourSubscription } from './landing-texts';

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
  /**
   * Present when an Entra app is configured for the landing page: buyers sign in first, and only the purchaser and
   * users of the purchaser's or beneficiary's tenant see and activate (src/domain/landing-access.ts).
   */
  signIn?: EntraSignIn;
  /**
   * Whether a user administers a tenant, by the rule Teams applies (src/wiring/bot-commands.ts passes
   * TenantCommands.isAdmin: the purchaser and beneficiary of the tenant's subscriptions, and the admins added).
   * Default: the admins stored.
   */
  isTenantAdmin?: (tenantId: string, userId: string) => Promise<boolean>;
  /** Present: the manage view links admins of the tenant to the period's usage statement (issue 13, part 4). */
  statements?: LandingStatements;
}

/**
 * `GET /landing?token=…` (resolve, show, manage), `POST /landing/activate` (CSRF-checked) and, with sign-in on,
 * `GET /landing/auth` (the OpenID Connect redirect). Every value is escaped; errors are friendly pages.
 */
export function addLandingRoutes(server: Server, deps: LandingDeps): void {
  const { config, logger } = deps;
  const http = landingHttp({
    productName: config.productName,
    publicUrl: config.publicUrl,
    sessionSecret: config.landing.sessionSecret,
    clock: deps.clock,
  });
  const { send, redirect, sessionOf, ctxOf, secret } = http;
  const redirectUri = `${config.publicUrl}/landing/auth`;

  const landingRoute = (handler: Handler) => safeRoute(logger, handler, http.failurePage);
  /** With sign-in on, a page says nothing of a subscription to a user who may not see it; it says who can. */
  const refusal = (ctx: PageContext, user: SignedInUser, subscription: Subscription) =>
    messagePage(
      ctx,
      notYourSubscription(ctx.tr, {
        user: user.upn ?? user.name ?? user.oid,
        organizations: [
          ...new Set(
            [subscription.beneficiary.emailId, subscription.purchaser.emailId]
              .map((email) => email?.split('@')[1]?.toLowerCase())
              .filter((domain): domain is string => !!domain),
          ),
        ],
      }),
    );
  /** The signed-in user's right to this subscription, or `true` when sign-in is off (development only). */
  const mayUse = (session: LandingSession, subscription: Subscription) =>
    !deps.signIn || (!!session.user && landingAccess(session.user, subscription).allowed);
  const isTenantAdmin = deps.isTenantAdmin ?? ((tenantId: string, userId: string) => deps.store.admins.isAdmin(tenantId, userId));
  /**
   * Whether the signed-in viewer administers the subscription's tenant: a user of that tenant (Entra proved it) who
   * is an admin there. With sign-in off (development only) nobody is proven, so nobody is: the manage view then
   * shows no statement links (admins get theirs from the `usage` card in Teams).
   */
  const viewerAdministers = async (session: LandingSession, subscription: Subscription) => {
    const tenantId = subscription.beneficiary.tenantId;
    const user = session.user;
    if (!user || !tenantId || user.tid.trim().toLowerCase() !== tenantId.trim().toLowerCase()) return false;
    return isTenantAdmin(tenantId, user.oid);
  };
  const adminFacts = async (session: LandingSession, subscription: Subscription): Promise<AdminFacts> => ({
    viewerIsAdmin: await viewerAdministers(session, subscription),
    ...(subscription.purchaser.emailId ? { purchaser: subscription.purchaser.emailId } : {}),
  });
  const statusUrl = (subscriptionId: string) => `/landing/status?subscription=${encodeURIComponent(subscriptionId)}`;

  /** Activate's answer, and its status page's after "Activation in progress": activated, still pending, or refused. */
  const sendActivation = async (res: Response, ctx: PageContext, session: LandingSession, result: ActivationOutcome) => {
    if (result.outcome === 'refused') return send(res, 409, messagePage(ctx, activationRefusedMessage(ctx.tr, result.reason)));
    const s = result.subscription;
    const plan = deps.catalog.get(s.planId);
    return result.outcome === 'activated'
      ? send(res, 200, activatedPage(ctx, s, plan, config.landing.teamsAppId, await adminFacts(session, s)))
      : send(res, 202, pendingPage(ctx, s, plan, statusUrl(s.id)));
  };

  /** The page for a subscription in its current state. */
  const pageFor = async (ctx: PageContext, session: LandingSession, subscription: Subscription) => {
    const plan = deps.catalog.get(subscription.planId);
    switch (subscription.status) {
      case 'Subscribed': {
        const now = deps.clock.now();
        const period = billingPeriodAt(now, subscription.term);
        const counters = await deps.store.usage.counters(subscription.id, period.start);
        const usage = plan
          ? summarizeUsage(plan, subscription, Object.fromEntries(counters.map((c) => [c.dimension, c.used])), period, now)
          : undefined;
        const statement =
          deps.statements && (await viewerAdministers(session, subscription))
            ? statementLinkSet(deps.statements, subscription.id, period.start, ctx.tr.locale)
            : undefined;
        return managePage(ctx, subscription, plan, usage, config.landing.teamsAppId, statement);
      }
      case 'Suspended':
      case 'Unsubscribed':
        return statusPage(ctx, subscription, plan);
      default:
        return purchasePage(ctx, subscription, plan, csrfToken(session, subscription.id, secret));
    }
  };

  // eslint-disable-next-line @typescript-eslint/require-await -- restify ends the chain when an async handler settles
  server.get('/landing/assets/landing.css', async (_req, res) => {
    res.header('Cache-Control', 'public, max-age=3600');
    res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8' });
    res.end(LANDING_CSS);
  });

  server.get(
    '/landing',
    landingRoute(async (req, res) => {
      const existing = sessionOf(req);
      const token = landingToken(req.getQuery() ?? '');
      const ctx = ctxOf(req, existing);
      if (token === undefined || token === '')
        return send(res, 400, messagePage(ctx, landingMessage(ctx.tr, 'needsMarketplaceLink')));
      if (token === null || token.length > MAX_TOKEN_LENGTH || !TOKEN_CHARACTERS.test(token)) {
        logger.info({ length: token?.length }, 'landing refused: malformed token');
        return send(res, 400, messagePage(ctx, landingMessage(ctx.tr, 'expiredLink')));
      }
      const session = existing ?? newSession(deps.clock.now().getTime());
      if (deps.signIn && !session.user) {
        // A new attempt each time (a previous one of this browser is replaced, never reused).
        let begun;
        try {
          begun = await deps.signIn.begin(redirectUri);
        } catch (thrown) {
          logger.error({ err: thrown }, 'landing: identity provider unavailable');
          return send(res, 503, messagePage(ctx, landingMessage(ctx.tr, 'signInDown')));
        }
        return redirect(res, begun.url, { ...session, signIn: { ...begun.attempt, token } });
      }
      const resolved = await deps.activation.resolve(token);
      if (resolved.outcome === 'invalid-token') return send(res, 400, messagePage(ctx, landingMessage(ctx.tr, 'expiredLink')));
      const subscription = resolved.subscription;
      const firstVisit = !session.subs.includes(subscription.id);
      if (deps.signIn && session.user) {
        const access = landingAccess(session.user, subscription);
        if (firstVisit) await deps.activation.recordSignIn(subscription.id, session.user, access);
        if (!access.allowed) {
          logger.warn(
            { subscriptionId: subscription.id, tenantId: session.user.tid, userId: session.user.oid },
            'landing refused: user not of the purchaser or beneficiary tenant',
          );
          return send(res, 403, refusal(ctxOf(req, session), session.user, subscription));
        }
      }
      const next: LandingSession = {
        ...session,
        subs: [subscription.id, ...session.subs.filter((s) => s !== subscription.id)].slice(0, 5),
      };
      send(res, 200, await pageFor(ctxOf(req, next), next, subscription), next);
    }),
  );

  /**
   * The checks of every request acting on a subscription: this browser resolved it (and so was allowed to see it),
   * and with sign-in on, the signed-in user may still use it (checked again against the stored subscription).
   */
  const subscriptionFor = async (req: Request, session: LandingSession | undefined, subscriptionId: string) => {
    if (!session || !subscriptionId || !session.subs.includes(subscriptionId)) return undefined;
    if (deps.signIn && !session.user) return undefined;
    const stored = await deps.store.subscriptions.get(subscriptionId);
    if (!stored) return undefined;
    if (!mayUse(session, stored)) {
      logger.warn({ subscriptionId, ip: req.socket?.remoteAddress }, 'landing refused: user may not use this subscription');
      return undefined;
    }
    return stored;
  };

  server.post(
    '/landing/activate',
    landingRoute(async (req, res) => {
      const session = sessionOf(req);
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      const subscriptionId = typeof body.subscriptionId === 'string' ? body.subscriptionId : '';
      const ctx = ctxOf(req, session);
      const stored = await subscriptionFor(req, session, subscriptionId);
      if (!session || !stored || !csrfValid(session, subscriptionId, body.csrf, secret)) {
        logger.warn(
          { subscriptionId: subscriptionId || undefined, hasSession: !!session, ip: req.socket?.remoteAddress },
          'activation refused: bad or missing CSRF token, session or right',
        );
        return send(res, 403, messagePage(ctx, landingMessage(ctx.tr, 'formExpired')));
      }
      return sendActivation(res, ctx, session, await deps.activation.activate(subscriptionId, session.user));
    }),
  );

  // After "Activation in progress": the same checks as Activate (this browser resolved that subscription).
  server.get(
    '/landing/status',
    landingRoute(async (req, res) => {
      const session = sessionOf(req);
      const subscriptionId = new URLSearchParams(req.getQuery() ?? '').get('subscription') ?? '';
      const ctx = ctxOf(req, session);
      if (!session || !(await subscriptionFor(req, session, subscriptionId)))
        return send(res, 403, messagePage(ctx, landingMessage(ctx.tr, 'expiredLink')));
      return sendActivation(res, ctx, session, await deps.activation.confirm(subscriptionId, session.user));
    }),
  );

  if (deps.signIn) addLandingAuthRoutes(server, { http, signIn: deps.signIn, redirectUri, clock: deps.clock, logger });
}
