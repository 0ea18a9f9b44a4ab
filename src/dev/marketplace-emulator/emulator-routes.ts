import { randomUUID } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { EMULATOR_PREFIX } from '../../config';
import { isAppError } from '../../domain/errors';
import type { Logger } from '../../logger';
import { createHttpServer, listen } from '../../web/http-server';
// Types only: emulator.ts re-exports this module, and a runtime import back would make a require cycle.
import type { Emulator, MarketplaceEmulator } from './emulator';
import { mountEmulatorPage } from './emulator-page-routes';
import { mountIdentityProvider } from './identity-provider-routes';
import type { MarketplaceError } from './emulator-types';
import { mountGraphEmulator } from './graph-routes';
import { MAX_BATCH_SIZE } from './metering-rules';
import { mountBilledUsage } from './billed-usage-routes';
import { jsonBody, param } from './request-fields';

/**
 * The emulator over HTTP, mounted on an existing restify server (the bot's in development, its own standalone):
 * the Fulfillment and Metering APIs under `${prefix}/api` with Azure's status codes, headers and error bodies, the
 * OpenID metadata and keys of its webhook tokens, and the buy/manage page (emulator-page-routes.ts). Relies on the
 * server's queryParser and bodyParser (JSON and urlencoded forms).
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

  // ---- The customer's side: the page, buy, lifecycle actions (emulator-page-routes.ts) ----
  mountEmulatorPage(server, emu, prefix);
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
