import { performance } from 'node:perf_hooks';
import type { Response, Server } from 'restify';
import { ActivityTypes, DeliveryModes, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { BotAdapter } from '../bot/teams-adapter';
import { watchTurn } from '../bot/turn-deadline';
import type { DeliveryConfig } from '../config';
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

/** What the route needs to know of the delivery settings (src/config.ts DeliveryConfig). */
export type RouteDelivery = Pick<DeliveryConfig, 'acknowledgeAfterMs' | 'turnDeadlineMs'>;

export interface MessagesRouteDeps {
  adapter: BotAdapter;
  logic: (context: TurnContext) => Promise<void>;
  logger: Logger;
  inFlight: InFlight;
  delivery: RouteDelivery;
  /** Deadlines of the turns running in the background; shutdown can end them early. */
  turns?: Set<AbortController>;
}

/**
 * `POST /api/messages`: our own shape check (400 with a reason), then botbuilder's authentication and turn
 * pipeline. Two ways to answer:
 * - `deliveryMode: "expectReplies"` (the terminal chat, benchmarks, tests) and invokes (whose answer is the HTTP
 *   body): the request is held for the whole turn and carries the replies, exactly as before.
 * - normal delivery (Teams): the replies go to the Bot Connector. Teams treats a request not answered within about
 *   15 s as failed and delivers the activity again, so a turn still running after `acknowledgeAfterMs` is
 *   acknowledged (200) and goes on; at `turnDeadlineMs` it is abandoned (src/bot/turn-deadline.ts).
 */
export function addMessagesRoute(server: Server, deps: MessagesRouteDeps): void {
  server.post(
    '/api/messages',
    safeRoute(deps.logger, async (req, res) => {
      if (!deps.inFlight.accepting) {
        res.header('Retry-After', '5');
        return sendError(res, 503, 'ShuttingDown', 'The bot is restarting. Please retry.');
      }
      const checked = checkActivity(req.body);
      if (!checked.ok) return sendError(res, 400, 'BadRequest', checked.message);
      const activity = checked.activity;
      const auth = req.header('authorization') ?? '';
      deps.inFlight.enter();
      try {
        if (activity.deliveryMode === (DeliveryModes.ExpectReplies as string) || activity.type === (ActivityTypes.Invoke as string)) {
          try {
            sendTurnResult(res, await deps.adapter.handle(auth, activity, deps.logic));
          } catch (thrown) {
            sendTurnError(res, thrown, activity, deps.logger);
          }
        } else {
          await runConnectorTurn(res, auth, activity, deps);
        }
      } finally {
        deps.inFlight.leave();
      }
    }),
  );
}

function sendTurnResult(res: Response, invokeResponse: InvokeResponse | undefined): void {
  res.status(invokeResponse?.status ?? 200);
  if (invokeResponse?.body !== undefined) res.json(invokeResponse.body);
  else res.end();
}

/** Maps what the adapter threw (authentication, an unreachable token check, a turn error) to a response. */
function sendTurnError(res: Response, thrown: unknown, activity: Activity, logger: Logger): void {
  const err = thrown as { statusCode?: number; name?: string };
  if (isAuthMetadataUnavailable(thrown)) {
    logger.error(
      { err: thrown, channelId: activity.channelId },
      'bot request deferred: the Bot Framework OpenID metadata could not be fetched, so tokens cannot be checked',
    );
    res.header('Retry-After', AUTH_UNAVAILABLE_RETRY_SECONDS);
    return sendError(res, 503, 'AuthUnavailable', 'The bot cannot check tokens right now. Please retry.');
  }
  if (err?.statusCode === 401 || AUTH_ERRORS.has(err?.name ?? '')) {
    logger.warn({ err: thrown, channelId: activity.channelId }, 'bot request refused: authentication');
    return sendError(res, 401, 'Unauthorized', 'A valid Bot Framework token is required.');
  }
  throw thrown; // logged once, by safeRoute
}

type TurnOutcome =
  | { kind: 'done'; value: InvokeResponse | undefined }
  | { kind: 'failed'; error: unknown }
  | { kind: 'acknowledge' }
  | { kind: 'deadline' };

/**
 * A normally delivered turn: answered with its result if it ends within `acknowledgeAfterMs` (so errors before
 * that still reach the channel, which retries), acknowledged otherwise. Both clocks start when the request arrives.
 * The turn holds the in-flight count until it ends or reaches its deadline, whichever is first: an abandoned turn
 * can no longer send anything, its claim is settled by the middleware, and nothing waits for it.
 */
async function runConnectorTurn(res: Response, auth: string, activity: Activity, deps: MessagesRouteDeps): Promise<void> {
  const arrived = performance.now();
  const deadline = new AbortController();
  deps.turns?.add(deadline);
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  // Marked started by the middleware (or the logic) once authentication passed: from then on it is ours to answer.
  watchTurn(activity, { deadline: deadline.signal, started: () => markStarted() });
  const finished: Promise<TurnOutcome> = deps.adapter
    .handle(auth, activity, async (context) => {
      markStarted();
      await deps.logic(context);
    })
    .then(
      (value) => ({ kind: 'done' as const, value }),
      (error: unknown) => ({ kind: 'failed' as const, error }),
    );
  let ackTimer: NodeJS.Timeout | undefined;
  let deadlineTimer: NodeJS.Timeout | undefined;
  const acknowledge = new Promise<TurnOutcome>((resolve) => {
    ackTimer = setTimeout(() => void started.then(() => resolve({ kind: 'acknowledge' })), deps.delivery.acknowledgeAfterMs);
  });
  const reached = new Promise<TurnOutcome>((resolve) => {
    deadlineTimer = setTimeout(() => resolve({ kind: 'deadline' }), deps.delivery.turnDeadlineMs);
  });
  // Shutdown may end the turn early, like its deadline.
  const aborted = new Promise<TurnOutcome>((resolve) =>
    deadline.signal.addEventListener('abort', () => resolve({ kind: 'deadline' }), { once: true }),
  );
  const ids = { activityId: activity.id, tenantId: activity.conversation?.tenantId };
  try {
    const first = await Promise.race([finished, acknowledge, reached, aborted]);
    if (first.kind === 'done') return sendTurnResult(res, first.value);
    if (first.kind === 'failed') return sendTurnError(res, first.error, activity, deps.logger);
    if (first.kind === 'deadline') {
      // The turn never started (the inbound token check did not finish): the channel may deliver it again.
      deadline.abort();
      deps.logger.warn({ ...ids, ms: Math.round(performance.now() - arrived) }, 'bot request not started by its deadline');
      res.header('Retry-After', AUTH_UNAVAILABLE_RETRY_SECONDS);
      return sendError(res, 503, 'TurnDeadline', 'The bot could not take this message in time. Please retry.');
    }
    res.status(200);
    res.end();
    deps.logger.debug({ ...ids, ms: Math.round(performance.now() - arrived) }, 'turn acknowledged; its replies follow');
    const last = await Promise.race([finished, reached, aborted]);
    if (last.kind === 'deadline') {
      deadline.abort();
      deps.logger.warn(
        { ...ids, ms: Math.round(performance.now() - arrived), deadlineMs: deps.delivery.turnDeadlineMs },
        'turn abandoned at its deadline',
      );
    } else if (last.kind === 'failed') {
      deps.logger.error({ ...ids, err: last.error }, 'turn failed after its acknowledgement');
    }
  } finally {
    clearTimeout(ackTimer);
    clearTimeout(deadlineTimer);
    deps.turns?.delete(deadline);
  }
}
