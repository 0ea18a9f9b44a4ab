import { AppError } from './errors';

/**
 * What is known about a reply handed to the Bot Connector, and what follows from it (README "Delivery and time
 * limits"). SDK-free: the connector's HTTP client, the turn middleware and the bookkeeping all ask these rules.
 *
 * - `delivered`: the connector answered 2xx.
 * - `not-delivered`: it certainly never reached the user: a 4xx answer (the bot was removed, the conversation is
 *   gone, 429 throttling), no connection at all, or no outbound token. 429 and refused connections may be sent again.
 * - `uncertain`: the request went out but no clear answer came back: 5xx, 408, a timeout, a reset. The Bot
 *   Connector often delivers a message it answers 5xx for, so sending it again could show the user several copies:
 *   an uncertain reply is never resent.
 */
export type DeliveryOutcome = 'delivered' | 'not-delivered' | 'uncertain';

/** Network errors raised before a request could leave: nothing reached the connector. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export function deliveryOutcomeOfStatus(status: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status >= 500) return 'uncertain';
  return 'not-delivered';
}

/** Whether a network error code means the request never left (safe to send again) rather than lost on the way. */
export function wasNeverSent(code: unknown): boolean {
  return typeof code === 'string' && NOT_SENT_CODES.has(code);
}

/** The outcome behind anything a send threw: our delivery errors, an HTTP error with a status, a network error. */
export function deliveryOutcomeOf(thrown: unknown): DeliveryOutcome {
  if (thrown instanceof AppError) {
    if (thrown.code === 'DeliveryFailed') return 'not-delivered';
    if (thrown.code === 'DeliveryUncertain') return 'uncertain';
  }
  const err = thrown as { statusCode?: unknown; status?: unknown; code?: unknown } | undefined;
  const status = typeof err?.statusCode === 'number' ? err.statusCode : typeof err?.status === 'number' ? err.status : undefined;
  if (status !== undefined) return deliveryOutcomeOfStatus(status);
  if (wasNeverSent(err?.code)) return 'not-delivered';
  return 'uncertain';
}

/** True for the errors a connector send raises (as opposed to a failure of the turn's own logic). */
export function isDeliveryError(thrown: unknown): thrown is AppError {
  return thrown instanceof AppError && (thrown.code === 'DeliveryFailed' || thrown.code === 'DeliveryUncertain');
}

export function deliveryError(outcome: Exclude<DeliveryOutcome, 'delivered'>, message: string, cause?: unknown): AppError {
  return new AppError(outcome === 'uncertain' ? 'DeliveryUncertain' : 'DeliveryFailed', message, {
    ...(cause !== undefined ? { cause } : {}),
    retryable: false,
  });
}

/**
 * Whether an answered turn is billed, given what happened to its answer. The model's tokens are spent either way;
 * what decides is whether the user may have the answer:
 * - delivered, or uncertain (the connector often delivers despite a 5xx or a lost answer): billed, once;
 * - certainly not delivered (or never handed over): not billed, its claim and held units go back.
 */
export function isBillableDelivery(answer: DeliveryOutcome | 'not-sent'): boolean {
  return answer === 'delivered' || answer === 'uncertain';
}
