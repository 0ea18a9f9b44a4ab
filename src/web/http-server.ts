import type { Request, Response, Server } from 'restify';
import { AppError, coerceError } from '../domain/errors';
import type { Logger } from '../logger';
import { restify } from './restify-module';

export type Handler = (req: Request, res: Response) => Promise<void>;

const STATUS: Partial<Record<AppError['code'], number>> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  StoreUnavailable: 503,
  UpstreamFailed: 502,
};

/** Sends a short JSON error. Never a stack trace or an internal message for 5xx. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  if (res.headersSent) return;
  res.status(status);
  res.json({ error: code, message });
}

/**
 * Wraps a route handler so that nothing it throws reaches restify's own error path: AppErrors map to their status
 * with their message; anything else is logged once and answered 500 with a generic message.
 */
export function safeRoute(logger: Logger, handler: Handler) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      await handler(req, res);
    } catch (thrown) {
      if (thrown instanceof AppError && STATUS[thrown.code] && STATUS[thrown.code]! < 500) {
        sendError(res, STATUS[thrown.code]!, thrown.code, thrown.message);
        return;
      }
      const err = coerceError(thrown);
      logger.error({ err: err.message, path: req.path(), method: req.method }, 'request failed');
      const status = thrown instanceof AppError ? (STATUS[thrown.code] ?? 500) : 500;
      sendError(res, status, 'Internal', 'The request could not be processed.');
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
      { status, path: req.path(), method: req.method, err: err.message },
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
