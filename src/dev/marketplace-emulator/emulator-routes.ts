import { randomUUID } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { EMULATOR_PREFIX } from '../../config';
import { AppError, isAppError } from '../../domain/errors';
import { definedOnly } from '../../domain/defined';
import type { Logger } from '../../logger';
import { createHttpServer, listen, safeRoute } from '../../web/http-server';
// Types only: emulator.ts re-exports this module, and a runtime import back would make a require cycle.
import type { Emulator, MarketplaceEmulator } from './emulator';
import { emulatorPageCsp, renderEmulatorPage } from './emulator-pages';
import { mountIdentityProvider } from './identity-provider-routes';
import { CUSTOMER_ACTIONS, type CustomerAction, type MarketplaceError } from './emulator-types';
import { mountGraphEmulator } from './graph-routes';
import { MAX_BATCH_SIZE } from './metering-rules';
import { mountBilledUsage } from './billed-usage-routes';

/**
 * The emulator over HTTP, mounted on an existing restify server (the bot's in development, its own standalone):
 * the Fulfillment and Metering APIs under `${prefix}/api` with Azure's status codes, headers and error bodies, the
 * OpenID metadata and keys of its webhook tokens, and the buy/manage page. Relies on the server's queryParser and
 * bodyParser (JSON and urlencoded forms).
 */

export const API_VERSION = '2018-08-31';
/** Emulator pages and APIs carry small bodies; the standalone server refuses bigger ones. */
const STANDALONE_MAX_BODY_BYTES = 1024 * 1024;

interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type ApiHandler = (req: Request) => ApiResult;

export function mountEmulator(server: Server, emulator: Emulator, prefix = EMULATOR_PREFIX): void {
  const emu = implementationOf(emulator);
  const api = (name: string, handler: ApiHandler) => async (req: Request, res: Response) =>
    serveApi(emu, name, handler, req, res);
  const subs = `${prefix}/api/saas/subscriptions`;
  const operationLocation = (subscriptionId: string, operationId: string) =>
    `${emu.options.baseUrl}/api/saas/subscriptions/${encodeURIComponent(subscriptionId)}/operations/${encodeURIComponent(operationId)}?api-version=${API_VERSION}`;

  // ---- Fulfillment API v2 ----
  server.post(
    `${subs}/resolve`,
    // Read the header as sent: any decoding here would hide the '+' → ' ' mistake the test of resolve must catch.
    api('resolve', (req) => ({ status: 200, body: emu.state.resolve(req.header('x-ms-marketplace-token') || undefined) })),
  );
  server.post(
    `${subs}/:subscriptionId/activate`,
    api('activate', (req) => {
      emu.state.activate(param(req, 'subscriptionId'), jsonBody(req), emu.activationDelayMs);
      return { status: 200 };
    }),
  );
  const list = api('listSubscriptions', (req) => {
    const query = req.query as Record<string, unknown> | undefined;
    const token =
      typeof query?.continuationToken === 'string' && query.continuationToken !== ''
        ? query.continuationToken
        : undefined;
    const page = emu.state.listPage(token, emu.pageSize);
    const nextLink = page.continuationToken
      ? `${emu.options.baseUrl}/api/saas/subscriptions?continuationToken=${encodeURIComponent(page.continuationToken)}&api-version=${API_VERSION}`
      : undefined;
    return { status: 200, body: { subscriptions: page.subscriptions, ...(nextLink ? { '@nextLink': nextLink } : {}) } };
  });
  server.get(subs, list);
  server.get(`${subs}/`, list);
  server.get(
    `${subs}/:subscriptionId`,
    api('getSubscription', (req) => ({ status: 200, body: emu.state.getSubscription(param(req, 'subscriptionId')) })),
  );
  server.get(
    `${subs}/:subscriptionId/listAvailablePlans`,
    api('listAvailablePlans', (req) => ({
      status: 200,
      body: { plans: emu.state.availablePlans(param(req, 'subscriptionId')) },
    })),
  );
  server.patch(
    `${subs}/:subscriptionId`,
    api('updateSubscription', (req) => {
      const op = emu.state.publisherUpdate(param(req, 'subscriptionId'), jsonBody(req));
      return { status: 202, headers: { 'Operation-Location': operationLocation(op.subscriptionId, op.id) } };
    }),
  );
  server.del(
    `${subs}/:subscriptionId`,
    api('deleteSubscription', (req) => {
      const op = emu.state.publisherDelete(param(req, 'subscriptionId'));
      return { status: 202, headers: { 'Operation-Location': operationLocation(op.subscriptionId, op.id) } };
    }),
  );
  server.get(
    `${subs}/:subscriptionId/operations`,
    api('listOperations', (req) => ({
      status: 200,
      body: { operations: emu.state.pendingOperations(param(req, 'subscriptionId')) },
    })),
  );
  server.get(
    `${subs}/:subscriptionId/operations/:operationId`,
    api('getOperation', (req) => ({
      status: 200,
      body: emu.state.getOperation(param(req, 'subscriptionId'), param(req, 'operationId')),
    })),
  );
  server.patch(
    `${subs}/:subscriptionId/operations/:operationId`,
    api('updateOperation', (req) => {
      emu.state.updateOperation(param(req, 'subscriptionId'), param(req, 'operationId'), jsonBody(req));
      return { status: 200 };
    }),
  );

  // ---- Metering API ----
  server.post(
    `${prefix}/api/usageEvent`,
    api('usageEvent', (req) => {
      const verdict = emu.state.submitUsage(jsonBody(req));
      if (verdict.status === 'Accepted') return { status: 200, body: verdict.result };
      return { status: verdict.status === 'Duplicate' ? 409 : 400, body: verdict.error };
    }),
  );
  server.post(
    `${prefix}/api/batchUsageEvent`,
    api('batchUsageEvent', (req) => {
      const request = (jsonBody(req) as { request?: unknown }).request;
      if (!Array.isArray(request) || request.length === 0)
        return apiError(400, 'BadArgument', 'The request field must be a non-empty array of usage events.', 'request');
      if (request.length > MAX_BATCH_SIZE) {
        return apiError(
          400,
          'BadArgument',
          `A batch holds at most ${MAX_BATCH_SIZE} usage events (got ${request.length}).`,
          'request',
        );
      }
      // Items are judged in order, so a second event for the same hour in one batch is a Duplicate.
      const result = request.map((event) => emu.state.submitUsage(event).result);
      emu.logSubmissions(result, req.header('user-agent'));
      return { status: 200, body: { count: result.length, result } };
    }),
  );
  mountBilledUsage(server, emu, prefix, api);

  mountGraphEmulator(server, emu.licences, prefix);

  // ---- Entra stand-in: where our webhook finds the keys of the emulator's tokens ----
  // eslint-disable-next-line @typescript-eslint/require-await -- restify ends the chain when an async handler settles
  server.get(`${prefix}/.well-known/openid-configuration`, async (_req: Request, res: Response) => {
    const base = emu.options.baseUrl;
    res.json(200, {
      issuer: base,
      jwks_uri: `${base}/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: [],
    });
  });
  // eslint-disable-next-line @typescript-eslint/require-await -- restify ends the chain when an async handler settles
  server.get(`${prefix}/keys`, async (_req: Request, res: Response) => {
    res.json(200, emu.signer.jwks());
  });

  // ---- Entra stand-in for sign-in (identity-provider-routes.ts) ----
  mountIdentityProvider(server, emu.identityProvider, prefix, emu.options.logger);

  // ---- The customer's side: the page, buy, lifecycle actions ----
  const logger = emu.options.logger;
  const page = safeRoute(logger, (req, res) => {
    const o = emu.options;
    const html = renderEmulatorPage({
      prefix,
      baseUrl: o.baseUrl,
      webhookUrl: o.webhookUrl,
      landingPageUrl: o.landingPageUrl,
      plans: o.plans,
      subscriptions: emu.state.subscriptions(),
      pendingOperations: (id) => emu.state.pendingOperations(id),
      recentUsage: emu.state.acceptedUsage().reverse().slice(0, 50),
      ...queryText(req, 'message'),
      ...queryText(req, 'error'),
    });
    res.sendRaw(200, html, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': emulatorPageCsp(o.landingPageUrl, o.signInAuthority),
      'Cache-Control': 'no-store',
    });
  });
  server.get(prefix, page);
  server.get(`${prefix}/`, page);

  const backToPage = (res: Response, flash: { message?: string; error?: string }) => {
    const query = flash.error ? `error=${encodeURIComponent(flash.error)}` : `message=${encodeURIComponent(flash.message ?? '')}`;
    redirect(res, 303, `${prefix}/?${query}`);
  };

  server.post(
    `${prefix}/buy`,
    safeRoute(logger, (req, res) => {
      const form = jsonBody(req);
      const text = (key: string) =>
        typeof form[key] === 'string' && (form[key]).trim() !== '' ? (form[key]).trim() : undefined;
      try {
        const bought = emu.buy({
          planId: text('planId') ?? '',
          tenantId: text('tenantId') ?? '',
          ...optionalNumber('quantity', form.quantity),
          ...definedOnly({ objectId: text('objectId') }),
          ...definedOnly({ email: text('email') }),
          ...definedOnly({ name: text('name') }),
          ...definedOnly({ purchaserTenantId: text('purchaserTenantId') }),
          ...(text('activatedAt') && !Number.isNaN(Date.parse(text('activatedAt')!))
            ? { activatedAt: new Date(text('activatedAt')!) }
            : {}),
        });
        if (wantsJson(req)) res.json(201, bought);
        else redirect(res, 302, bought.landingUrl);
      } catch (thrown) {
        if (!isAppError(thrown)) throw thrown;
        if (wantsJson(req)) res.json(400, { error: thrown.code, message: thrown.message });
        else backToPage(res, { error: thrown.message });
      }
    }),
  );

  server.post(
    `${prefix}/subscriptions/:subscriptionId/actions`,
    safeRoute(logger, async (req, res) => {
      const form = jsonBody(req);
      const action = form.action as CustomerAction;
      try {
        if (!CUSTOMER_ACTIONS.includes(action))
          throw new AppError(
            'BadRequest',
            `Unknown action ${String(form.action)}; expected one of ${CUSTOMER_ACTIONS.join(', ')}.`,
          );
        const params = {
          ...(typeof form.planId === 'string' && form.planId !== '' ? { planId: form.planId } : {}),
          ...optionalNumber('quantity', form.quantity),
        };
        const result = await emu.trigger(param(req, 'subscriptionId'), action, params);
        if (wantsJson(req)) {
          res.json(200, result);
          return;
        }
        const answer = result.webhookStatus ? `answered ${result.webhookStatus}` : 'could not be reached';
        backToPage(res, {
          message: `${action}: operation ${result.operationId} is ${result.operation.status}; the webhook ${answer}.`,
        });
      } catch (thrown) {
        if (!isAppError(thrown)) throw thrown;
        if (wantsJson(req)) res.json(thrown.code === 'NotFound' ? 404 : 400, { error: thrown.code, message: thrown.message });
        else backToPage(res, { error: thrown.message });
      }
    }),
  );
}

/** The emulator alone on its own server (`npm run emulator`, tests). */
export async function startEmulatorServer(
  emulator: Emulator,
  options: { port: number; host: string; logger: Logger; prefix?: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const prefix = options.prefix ?? EMULATOR_PREFIX;
  const server = createHttpServer({ maxBodyBytes: STANDALONE_MAX_BODY_BYTES, logger: options.logger });
  mountEmulator(server, emulator, prefix);
  const root = await listen(server, options.port, options.host);
  let closing: Promise<void> | undefined;
  return {
    url: `${root}${prefix}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets and requests held by the timeout fault would otherwise delay the close indefinitely.
        server.server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * Every API call: counted, then the fault dice (latency; 429; 500/503 before any work; no answer at all), then
 * api-version and bearer checks, then the work; a lost response does the work and still answers 500.
 */
async function serveApi(emu: MarketplaceEmulator, name: string, handler: ApiHandler, req: Request, res: Response): Promise<void> {
  emu.countCall(name);
  const requestId = req.header('x-ms-requestid') || randomUUID();
  const correlationId = req.header('x-ms-correlationid') || randomUUID();
  const send = (result: ApiResult) => {
    if (res.headersSent || res.writableEnded) return;
    const headers = { 'x-ms-requestid': requestId, 'x-ms-correlationid': correlationId, ...result.headers };
    if (result.body === undefined) {
      res.writeHead(result.status, headers);
      res.end();
    } else {
      res.writeHead(result.status, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(result.body));
    }
  };
  const outage = emu.options.outage;
  if (outage) return send(apiError(outage.status, outage.code, outage.message));
  const fault = emu.dice.roll();
  if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
  if (fault.outcome === 'throttle') {
    return send({
      ...apiError(429, 'TooManyRequests', 'Too many requests. Retry after 1 second.'),
      headers: { 'Retry-After': '1' },
    });
  }
  if (fault.outcome === 'error') {
    return send(
      fault.errorStatus === 503
        ? apiError(503, 'ServiceUnavailable', 'The service is unavailable. Retry later.')
        : internalError(),
    );
  }
  if (fault.outcome === 'timeout') {
    await emu.holdUnanswered(req.socket);
    return;
  }
  const result = handleApi(emu, handler, req);
  // The work is done, but the caller cannot tell it from a plain failure: its retry must be idempotent.
  send(fault.outcome === 'lostResponse' ? internalError() : result);
}

function handleApi(emu: MarketplaceEmulator, handler: ApiHandler, req: Request): ApiResult {
  if ((req.query as Record<string, unknown> | undefined)?.['api-version'] !== API_VERSION) {
    return apiError(400, 'BadArgument', `The api-version query parameter is required and must be ${API_VERSION}.`, 'api-version');
  }
  const auth = /^Bearer\s+(.+)$/i.exec(req.header('authorization') ?? '');
  if (!auth || auth[1] !== emu.options.apiToken)
    return apiError(401, 'Unauthorized', 'The authentication token was not provided or is invalid.');
  try {
    return handler(req);
  } catch (thrown) {
    if (isAppError(thrown, 'BadRequest')) return apiError(400, 'BadArgument', thrown.message);
    if (isAppError(thrown, 'NotFound')) return apiError(404, 'EntityNotFound', thrown.message);
    if (isAppError(thrown, 'Conflict')) return apiError(409, 'Conflict', thrown.message);
    emu.options.logger.error({ path: req.path(), err: thrown }, 'emulator: API call failed');
    return internalError();
  }
}

function implementationOf(emulator: Emulator): MarketplaceEmulator {
  const candidate = emulator as Partial<MarketplaceEmulator>;
  if (!candidate.state || !candidate.dice || !candidate.signer)
    throw new Error('mountEmulator needs an emulator made by createEmulator');
  return emulator as MarketplaceEmulator;
}

function apiError(status: number, code: string, message: string, target?: string): ApiResult {
  const body: MarketplaceError = { code, message, ...(target ? { target } : {}) };
  return { status, body };
}

function internalError(): ApiResult {
  return apiError(500, 'InternalServerError', 'An internal error occurred. Retry later.');
}

function param(req: Request, name: string): string {
  const value = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** The parsed body as an object whatever the client sent (no body, JSON, a form, or JSON without content type). */
function jsonBody(req: Request): Record<string, unknown> {
  let body: unknown = req.body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      body = JSON.parse(body.toString());
    } catch {
      body = undefined;
    }
  }
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

function wantsJson(req: Request): boolean {
  return (req.header('content-type') ?? '').toLowerCase().includes('application/json');
}

/** A form sends numbers as text and empty fields as ''; JSON sends numbers. */
function optionalNumber<K extends string>(key: K, value: unknown): Partial<Record<K, number>> {
  if (value === undefined || value === null || value === '') return {};
  const n = typeof value === 'number' ? value : Number(value);
  return { [key]: n } as Partial<Record<K, number>>;
}

function queryText(req: Request, key: 'message' | 'error'): Partial<Record<'message' | 'error', string>> {
  const value = (req.query as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' && value !== '' ? { [key]: value.slice(0, 500) } : {};
}

function redirect(res: Response, status: 302 | 303, location: string): void {
  res.writeHead(status, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}
