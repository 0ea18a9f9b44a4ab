import type { Server } from 'restify';
import type { Logger } from '../logger';
import { WebhookAuthError, type WebhookCaller } from '../marketplace/webhook-auth';
import type { WebhookProcessor } from '../marketplace/webhook-processor';
import { safeRoute, sendError } from './http-server';

/** `POST /api/webhook`, and the seed's paths, which all go to the same handler. */
export const WEBHOOK_PATHS = [
  '/api/webhook',
  '/webhook',
  '/webhook/unsubscribe',
  '/webhook/changeplan',
  '/webhook/suspend',
  '/webhook/reinstate',
];

/**
 * The Marketplace webhook: 401 unless the Entra token checks out (logged with the reason and the client address,
 * never the token), then the processor. Marketplace retries anything but a 2xx, so our own failures answer 503.
 */
export function addWebhookRoutes(
  server: Server,
  deps: {
    verify: (authorization: string | undefined) => Promise<WebhookCaller>;
    processor: WebhookProcessor;
    logger: Logger;
    /** Deliveries that leave no operation record (refused token, replayed operation), for the console's counts. */
    onDelivery?: (kind: 'webhook.refused' | 'webhook.replayed') => void;
  },
): void {
  const handler = safeRoute(deps.logger, async (req, res) => {
    try {
      await deps.verify(req.header('authorization'));
    } catch (thrown) {
      if (thrown instanceof WebhookAuthError) {
        deps.logger.warn({ reason: thrown.reason, ip: req.socket?.remoteAddress, path: req.path() }, 'webhook refused');
        deps.onDelivery?.('webhook.refused');
        return sendError(res, 401, 'Unauthorized', 'A valid Marketplace token is required.');
      }
      throw thrown;
    }
    // A failure answers 503 when retrying may help (the Marketplace retries anything but a 2xx), 500 otherwise.
    const result = await deps.processor.handle(req.body);
    if (result.body.result === 'already-processed') deps.onDelivery?.('webhook.replayed');
    res.json(result.status, result.body);
  });
  for (const path of WEBHOOK_PATHS) server.post(path, handler);
}
