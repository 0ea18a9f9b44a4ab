import type { Request, Response, Server } from 'restify';
import { AppError } from '../domain/errors';
import type { Logger } from '../logger';
import { restify } from './restify-module';

export type Handler = (req: Request, res: Response) => void | Promise<void>;

const STATUS: Partial<Record<AppError['code'], number>> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  UpstreamFailed: 503,
};

/** What a failed request answers: status, a stable code and a message safe to show. */
export interface Failure {
  status: number;
  code: string;
  message: string;
}

/**
 * The one classification of what a route threw. An AppError with a 4xx status is the caller's fault: its own message,
 * nothing logged. A retryable one (a busy store, an upstream timeout) is 503, so callers that retry (the Marketplace,
 * Teams) come back. Anything else is 500 with a generic message; those two are `unexpected` and logged once.
 */
export function failureOf(thrown: unknown): { failure: Failure; unexpected: boolean } {
  const status = thrown instanceof AppError ? STATUS[thrown.code] : undefined;
  if (thrown instanceof AppError && status !== undefined && status < 500) {
    return { failure: { status, code: thrown.code, message: thrown.message }, unexpected: false };
  }
  if (thrown instanceof AppError && (thrown.retryable || status === 503)) {
    return {
      failure: { status: 503, code: 'Unavailable', message: 'The request could not be handled now; please retry.' },
      unexpected: true,
    };
  }
  return {
    failure: { status: status ?? 500, code: 'Internal', message: 'The request could not be processed.' },
    unexpected: true,
  };
}

/** How a route shows a failure: JSON by default; pages pass their own (an HTML error page in the request's language). */
export type FailureResponder = (res: Response, failure: Failure, req: Request) => void;

/** Sends a short JSON error. Never a stack trace or an internal message for 5xx. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  if (res.headersSent) return;
  res.status(status);
  res.json({ error: code, message });
}

const jsonFailure: FailureResponder = (res, failure) => sendError(res, failure.status, failure.code, failure.message);

/**
 * Wraps a route handler so that nothing it throws reaches restify's own error path: the one error path of every
 * route. What it throws is classified by `failureOf`; unexpected errors are logged once, with stack and cause.
 */
export function safeRoute(logger: Logger, handler: Handler, respond: FailureResponder = jsonFailure) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      await handler(req, res);
    } catch (thrown) {
      const { failure, unexpected } = failureOf(thrown);
      if (unexpected) logger.error({ err: thrown, path: req.path(), method: req.method }, 'request failed');
      if (!res.headersSent) respond(res, failure, req);
    }
  };
}

/**
 * The restify server: JSON and form bodies up to `maxBodyBytes` (larger → 413), malformed JSON → 400, security
 * headers on every response. Routes are added by their own modules.
 */
export function createHttpServer(options: { maxBodyBytes: number; logger: Logger }): Server {
  const server = restify.createServer({ name: 'teams-saas-bot', handleUncaughtExceptions: false });
  server.pre((req, res, next) => {
    res.header('X-Content-Type-Options', 'nosniff');
    res.header('Referrer-Policy', 'no-referrer');
    next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(
    restify.plugins.bodyParser({
      maxBodySize: options.maxBodyBytes,
      mapParams: false,
      mapFiles: false,
      overrideParams: false,
      rejectUnknown: false,
    }),
  );
  // restify's own errors (parse errors, 404, 405, 413): keep its status, log without body or headers.
  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number }, callback: () => void) => {
    const status = err.statusCode ?? 500;
    options.logger[status >= 500 ? 'error' : 'info'](
      { status, path: req.path(), method: req.method, ...(status >= 500 ? { err } : { reason: err.message }) },
      'request refused',
    );
    if (status >= 500) {
      // Never echo an internal error's message.
      (err as { toJSON?: () => unknown }).toJSON = () => ({ error: 'Internal', message: 'The request could not be processed.' });
    }
    callback();
  });
  return server;
}

export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
}
