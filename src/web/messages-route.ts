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
