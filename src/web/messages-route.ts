import type { Server } from 'restify';
import type { TurnContext } from 'botbuilder';
import type { BotAdapter } from '../bot/teams-adapter';
import { coerceError } from '../domain/errors';
import type { InFlight } from '../in-flight';
import type { Logger } from '../logger';
import { checkActivity } from './activity-validation';
import { safeRoute, sendError } from './http-server';

/** botframework-connector's own error, and jsonwebtoken's (bad signature, expired) which it lets through. */
const AUTH_ERRORS = new Set(['AuthenticationError', 'JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);
/** How long the channel is asked to wait when the token check cannot run (it retries 503s). */
const AUTH_UNAVAILABLE_RETRY_SECONDS = '10';

/**
 * The inbound token check could not fetch the Bot Framework's OpenID metadata or signing keys: node-fetch's
 * `FetchError` (connection refused, DNS, reset) or botframework-connector's error for a metadata answer that is not
 * 2xx (status 500, "Failed to load openID config/Keys"). Nothing is wrong with the request itself: answering 503
 * with Retry-After (not 500, not 401) tells the channel to deliver it again. The keys are fetched again on the next
 * request, so service resumes as soon as the endpoint answers.
 */
function isAuthMetadataUnavailable(thrown: unknown): boolean {
  const err = thrown as { name?: unknown; statusCode?: unknown; message?: unknown } | undefined;
  if (err?.name === 'FetchError') return true;
  return (
    typeof err?.statusCode === 'number' &&
    err.statusCode >= 500 &&
    typeof err.message === 'string' &&
    /^Failed to load (openID config|Keys)\b/.test(err.message)
  );
}

/**
 * `POST /api/messages`: our own shape check (400 with a reason), then botbuilder's authentication and turn
 * pipeline. `deliveryMode: "expectReplies"` activities get their replies in the response body.
 */
export function addMessagesRoute(
  server: Server,
  deps: { adapter: BotAdapter; logic: (context: TurnContext) => Promise<void>; logger: Logger; inFlight: InFlight },
): void {
  server.post(
    '/api/messages',
    safeRoute(deps.logger, async (req, res) => {
      if (!deps.inFlight.accepting) {
        res.header('Retry-After', '5');
        return sendError(res, 503, 'ShuttingDown', 'The bot is restarting. Please retry.');
      }
      const checked = checkActivity(req.body);
      if (!checked.ok) return sendError(res, 400, 'BadRequest', checked.message);
      const auth = req.header('authorization') ?? '';
      deps.inFlight.enter();
      try {
        const invokeResponse = await deps.adapter.handle(auth, checked.activity, deps.logic);
        res.status(invokeResponse?.status ?? 200);
        if (invokeResponse?.body !== undefined) res.json(invokeResponse.body);
        else res.end();
      } catch (thrown) {
        const err = thrown as { statusCode?: number; name?: string };
        if (isAuthMetadataUnavailable(thrown)) {
          deps.logger.error(
            { err: coerceError(thrown).message, channelId: checked.activity.channelId },
            'bot request deferred: the Bot Framework OpenID metadata could not be fetched, so tokens cannot be checked',
          );
          res.header('Retry-After', AUTH_UNAVAILABLE_RETRY_SECONDS);
          return sendError(res, 503, 'AuthUnavailable', 'The bot cannot check tokens right now. Please retry.');
        }
        if (err?.statusCode === 401 || AUTH_ERRORS.has(err?.name ?? '')) {
          deps.logger.warn(
            { err: coerceError(thrown).message, channelId: checked.activity.channelId },
            'bot request refused: authentication',
          );
          return sendError(res, 401, 'Unauthorized', 'A valid Bot Framework token is required.');
        }
        deps.logger.error({ err: coerceError(thrown).message, name: err?.name }, 'bot request failed');
        throw thrown;
      } finally {
        deps.inFlight.leave();
      }
    }),
  );
}
