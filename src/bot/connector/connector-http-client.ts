import type { ConnectorClientOptions } from 'botframework-connector';
import { deliveryError, deliveryOutcomeOfStatus, wasNeverSent } from '../../domain/delivery';
import { coerceError } from '../../domain/errors';
import { httpExchange } from './http-exchange';

type CompatHttpClient = NonNullable<ConnectorClientOptions['httpClient']>;
type WebResource = Parameters<CompatHttpClient['sendRequest']>[0];

/**
 * The HTTP client under botbuilder's Bot Connector client (replies, typing, member lookups), in place of the
 * default one, which has no timeout. It sits below the client's retry policy, which would send a request answered
 * 5xx up to three more times: a reply the connector may have delivered would then reach the user up to four times.
 * So it turns every answer or error that leaves delivery uncertain (5xx, 408, timeout, reset) into a
 * `DeliveryUncertain` error, which the retry policy does not retry. What is safe to retry is left to the policy:
 * 429 (throttled, with Retry-After) and connections refused before anything was sent.
 */
export function connectorHttpClient(options: { timeoutMs: number }): CompatHttpClient {
  return {
    async sendRequest(request: WebResource) {
      const exchange = await httpExchange({
        url: request.url,
        method: request.method,
        headers: request.headers.toJson({ preserveCase: true }),
        ...(typeof request.body === 'string' ? { body: request.body } : {}),
        timeoutMs: options.timeoutMs,
        ...(request.abortSignal ? { signal: request.abortSignal as AbortSignal } : {}),
      }).catch((thrown: unknown) => {
        const code = (thrown as { code?: unknown }).code;
        // Nothing left this process: the retry policy may try again.
        if (wasNeverSent(code)) throw thrown;
        throw deliveryError('uncertain', `Bot Connector call lost: ${coerceError(thrown).message}`, thrown);
      });
      if (exchange.status !== 429 && deliveryOutcomeOfStatus(exchange.status) === 'uncertain') {
        throw Object.assign(deliveryError('uncertain', `Bot Connector answered ${exchange.status}`), {
          statusCode: exchange.status,
        });
      }
      const headers = exchange.headers;
      // The compat layer reads only these: it turns them back into a pipeline response.
      return {
        request,
        status: exchange.status,
        bodyAsText: exchange.body,
        headers: { get: (name: string) => headers[name.toLowerCase()], toJson: () => ({ ...headers }) },
      } as unknown as Awaited<ReturnType<CompatHttpClient['sendRequest']>>;
    },
  };
}
