import type { Request, Response, Server } from 'restify';
import type { Config } from '../../config';
import type { Clock } from '../../domain/clock';
import { billingPeriodAt } from '../../domain/periods';
import { planOf, type PlanCatalog } from '../../domain/plans';
import { isSubscriptionStatus, type Subscription } from '../../domain/subscription';
import { summarizeUsage } from '../../domain/usage-report';
import { DAY } from '../../domain/clock';
import type { Logger } from '../../logger';
import type { Store } from '../../store/store';
import type { EntraSignIn } from '../entra-sign-in/entra-sign-in';
import { safeRoute } from '../http-server';
import { billedPage, type BilledVsSentSource } from './billed-page';
import { billedVsSentFromStore, contentReportsSection } from './console-sources';
import { addConsoleAuthRoutes } from './console-auth-routes';
import { consoleHttp, formField, pathParam, queryParam, type PageContext } from './console-http';
import { CONSOLE_CSS } from './console-stylesheet';
import { AcceptedMonths } from './accepted-months';
import { DailyTurns } from './daily-turns';
import { addHomeRoute } from './home-route';
import { ledgerPage, meteringPage, type MeteringNotice } from './metering-page';
import { OPERATION_SOURCES, operationsPage } from './operations-page';
import { overviewFigures, OVERVIEW_DAYS } from './overview-figures';
import { overviewPage } from './overview-page';
import { forbiddenPage, messagePage } from './sign-in-pages';
import { subscriptionDetailPage, type SubscriptionSection } from './subscription-detail-page';
import { subscriptionsPage } from './subscriptions-page';

export interface ConsoleDeps {
  config: Readonly<Config>;
  store: Store;
  catalog: PlanCatalog;
  clock: Clock;
  logger: Logger;
  /** The shared Entra sign-in (the landing page's app registration); none: Entra sign-in is not offered. */
  signIn?: EntraSignIn;
  /** Part 5 of issue 12 (billed vs sent); default: the comparisons the billed-vs-sent job stored. */
  billedVsSent?: BilledVsSentSource;
  /** More sections for the subscription page, after its content reports. */
  subscriptionSections?: readonly SubscriptionSection[];
  /** The Marketplace emulator's page, linked from `/` in development. */
  emulatorUrl?: string;
}

/** Page number from `?page=` (1 when absent or not a sane number). */
function pageOf(req: Request): number {
  const n = Number(queryParam(req, 'page'));
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}

/** Figures of the metering attention list and of the Operations page shown on one screen. */
const ATTENTION_LIMIT = 50;
const OPERATIONS_PAGE = 50;
const LEDGER_PAGE = 100;

/**
 * The publisher console under /console (issue 12), and the home page `/`. Every page needs a signed-in operator;
 * every form carries the session's CSRF token; the CSP allows no inline script or style.
 */
export function addConsoleRoutes(server: Server, deps: ConsoleDeps): void {
  const { config, store, catalog, clock, logger } = deps;
  const billedVsSent = deps.billedVsSent ?? billedVsSentFromStore(store);
  const subscriptionSections = [contentReportsSection(store), ...(deps.subscriptionSections ?? [])];
  const settings = config.console;
  const dailyTurns = new DailyTurns(store);
  const acceptedMonths = new AcceptedMonths(store);
  const http = consoleHttp({
    productName: config.productName,
    publicUrl: config.publicUrl,
    sessionSecret: config.landing.sessionSecret,
    clock,
    access: { operatorIds: config.operatorIds, operatorRole: settings.operatorRole, publisherTenantId: config.marketplace.webhook.tenantId },
  });
  const page = (handler: (ctx: PageContext, req: Request, res: Response) => Promise<void>) =>
    safeRoute(logger, async (req, res) => {
      const gate = http.gate(req, res, forbiddenPage);
      if (gate.ok) await handler(gate.ctx, req, res);
    });
  const notFound = (ctx: PageContext, res: Response) =>
    http.send(res, 404, messagePage(ctx.t, ctx.t.t('consoleShell.notFoundTitle'), ctx.t.t('consoleShell.notFoundText'), { href: '/console', label: ctx.t.t('consoleShell.nav.overview') }));

  // eslint-disable-next-line @typescript-eslint/require-await -- restify ends the chain when an async handler settles
  server.get('/console/assets/console.css', async (_req, res) => {
    res.header('Cache-Control', 'public, max-age=3600');
    res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8' });
    res.end(CONSOLE_CSS);
  });
  addConsoleAuthRoutes(server, {
    http,
    clock,
    logger,
    productName: config.productName,
    devSignIn: settings.devSignIn,
    redirectUri: `${config.publicUrl}/console/auth`,
    ...(deps.signIn ? { signIn: deps.signIn } : {}),
  });
  addHomeRoute(server, { store, logger, productName: config.productName, ...(deps.emulatorUrl ? { emulatorUrl: deps.emulatorUrl } : {}) });

  server.get(
    '/console',
    page(async (ctx, _req, res) => {
      const figures = await overviewFigures({
        store,
        catalog,
        now: ctx.now,
        feePercent: settings.marketplaceFeePercent,
        attentionAttempts: config.worker.maxAttempts,
        dailyTurns,
        acceptedMonths,
      });
      http.send(res, 200, overviewPage(ctx, figures, catalog));
    }),
  );

  server.get(
    '/console/subscriptions',
    page(async (ctx, req, res) => {
      const status = queryParam(req, 'status');
      const offerId = queryParam(req, 'offer');
      const planId = queryParam(req, 'plan');
      const text = queryParam(req, 'q')?.trim().slice(0, 200);
      const limit = settings.pageSize;
      const search = {
        ...(text ? { text } : {}),
        ...(offerId && catalog.offer(offerId) ? { offerId } : {}),
        ...(planId && catalog.get(planId) ? { planId } : {}),
        ...(isSubscriptionStatus(status) ? { status } : {}),
        offset: (pageOf(req) - 1) * limit,
        limit,
      };
      const result = await store.console.searchSubscriptions(search);
      http.send(res, 200, subscriptionsPage(ctx, search, result, catalog));
    }),
  );

  server.get(
    '/console/subscriptions/:id',
    page(async (ctx, req, res) => {
      const subscription = await store.subscriptions.get(pathParam(req, 'id'));
      if (!subscription) return notFound(ctx, res);
      const plan = planOf(catalog, subscription);
      const period = billingPeriodAt(ctx.now, subscription.term);
      const tenantId = subscription.beneficiary.tenantId;
      const [counters, daily, operations, admins, hours, extra] = await Promise.all([
        store.usage.counters(subscription.id, period.start),
        store.usage.daily(subscription.id, period.start, new Date(Math.min(period.end.getTime(), ctx.now.getTime() + DAY))),
        store.operations.list(subscription.id),
        tenantId ? store.admins.list(tenantId) : Promise.resolve([]),
        store.metering.list({ subscriptionId: subscription.id }),
        Promise.all(subscriptionSections.map((section) => section({ subscription, t: ctx.t, now: ctx.now }))),
      ]);
      const used = Object.fromEntries(counters.map((c) => [c.dimension, c.used]));
      http.send(
        res,
        200,
        subscriptionDetailPage(ctx, {
          subscription,
          ...(plan ? { plan, usage: summarizeUsage(plan, subscription, used, period, ctx.now) } : {}),
          ...(catalog.offer(subscription.offerId) ? { offerName: catalog.offer(subscription.offerId)!.displayName } : {}),
          period,
          daily,
          operations,
          admins,
          hours,
          extraSections: extra.filter((h) => h !== undefined),
        }),
      );
    }),
  );

  server.get(
    '/console/metering',
    page(async (ctx, req, res) => {
      const [overview, alerts] = await Promise.all([
        store.metering.overview(ATTENTION_LIMIT, config.worker.maxAttempts),
        store.alerts.active(),
      ]);
      const ids = [...new Set(overview.attention.map((r) => r.subscriptionId))];
      const subs = await Promise.all(ids.map((id) => store.subscriptions.get(id)));
      const names = new Map(subs.filter((s): s is Subscription => !!s).map((s) => [s.id, s]));
      const action = queryParam(req, 'done');
      const id = Number(queryParam(req, 'id'));
      const outcome = queryParam(req, 'outcome');
      const notice: MeteringNotice | undefined =
        (action === 'resend' || action === 'resolve') &&
        Number.isInteger(id) &&
        (outcome === 'done' || outcome === 'not-found' || outcome === 'not-eligible' || outcome === 'note-missing')
          ? { action, id, outcome }
          : undefined;
      http.send(res, 200, meteringPage(ctx, { overview, alerts, names, ...(notice ? { notice } : {}) }));
    }),
  );

  server.get(
    '/console/metering/ledger/:id',
    page(async (ctx, req, res) => {
      const subscriptionId = pathParam(req, 'id');
      const [subscription, hours] = await Promise.all([
        store.subscriptions.get(subscriptionId),
        store.metering.list({ subscriptionId }),
      ]);
      if (!subscription && hours.length === 0) return notFound(ctx, res);
      hours.sort((a, b) => b.hourStart.getTime() - a.hourStart.getTime() || b.id - a.id);
      http.send(
        res,
        200,
        ledgerPage(ctx, {
          subscriptionId,
          ...(subscription ? { subscription } : {}),
          hours,
          offset: (pageOf(req) - 1) * LEDGER_PAGE,
          limit: LEDGER_PAGE,
        }),
      );
    }),
  );

  // The operator's actions: exactly what `metering resend` / `metering resolve` call, with the operator's object id.
  for (const action of ['resend', 'resolve'] as const) {
    server.post(
      `/console/metering/:id/${action}`,
      safeRoute(logger, async (req, res) => {
        const gate = http.gate(req, res, forbiddenPage);
        if (!gate.ok) return;
        const { ctx, session } = gate;
        if (!http.csrfValid(session, formField(req, 'csrf')))
          return http.send(res, 403, messagePage(ctx.t, ctx.t.t('consoleShell.formExpiredTitle'), ctx.t.t('consoleShell.formExpiredText'), { href: '/console/metering', label: ctx.t.t('consoleShell.nav.metering') }));
        const id = Number(pathParam(req, 'id'));
        if (!Number.isSafeInteger(id) || id < 1) return notFound(ctx, res);
        const note = formField(req, 'note')?.trim().slice(0, 500) ?? '';
        const by = ctx.user.oid;
        const at = clock.now();
        const outcome =
          action === 'resolve' && !note
            ? 'note-missing'
            : action === 'resend'
              ? await store.metering.resend(id, { by, at, ...(note ? { note } : {}) })
              : await store.metering.resolve(id, { by, at, note });
        logger.info({ reportId: id, action, outcome, userId: by }, 'console: metering action');
        http.redirect(res, `/console/metering?done=${action}&id=${id}&outcome=${outcome}`);
      }),
    );
  }

  server.get(
    '/console/billed',
    page(async (ctx, req, res) => {
      http.send(res, 200, await billedPage(ctx, billedVsSent, new URLSearchParams(req.getQuery() ?? '')));
    }),
  );

  server.get(
    '/console/operations',
    page(async (ctx, req, res) => {
      const today = Math.floor(ctx.now.getTime() / DAY) * DAY;
      const from = new Date(today - (OVERVIEW_DAYS - 1) * DAY);
      const sourceParam = queryParam(req, 'source');
      const source = OPERATION_SOURCES.find((s) => s === sourceParam);
      const filter = { ...(source ? { source } : {}), offset: (pageOf(req) - 1) * OPERATIONS_PAGE, limit: OPERATIONS_PAGE };
      const [counts, activity, recent] = await Promise.all([
        store.console.operationCounts(from),
        store.console.activityByDay(from),
        store.console.recentOperations(filter),
      ]);
      http.send(res, 200, operationsPage(ctx, { counts, activity, filter, page: recent, days: OVERVIEW_DAYS, from }));
    }),
  );
}
