/**
 * One error type for the whole product. Domain code throws a `code`; the edges (bot error handler, HTTP error
 * handler, worker) turn it into a user message, a status code or a retry decision. What a user is refused (no
 * subscription, no seat, no quota left) is not an error but a `Refusal` value (src/domain/entitlement.ts).
 */
export type ErrorCode =
  | 'ConfigInvalid'
  | 'BadRequest'
  | 'NotFound'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Conflict'
  | 'ModelFailed'
  | 'UpstreamFailed'
  /** A reply the Bot Connector may or may not have delivered (5xx, timeout, reset after sending): never resent. */
  | 'DeliveryUncertain'
  /** A reply the Bot Connector certainly did not deliver (4xx, no connection, no outbound token). */
  | 'DeliveryFailed'
  /** Moderation withheld the model's answer (flagged, or not checked with MODERATION_ON_ERROR=refuse): not billed. */
  | 'AnswerWithheld'
  | 'Internal';

export class AppError extends Error {
  readonly code: ErrorCode;
  /** True when trying the same thing again later may succeed (timeouts, 429, 5xx, busy store). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * Turns anything thrown into an Error, so that catch blocks can rely on `.message`: an Error as it is, anything else
 * wrapped with the original kept as `cause` (what a log of the error shows).
 */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'string') return new Error(thrown, { cause: thrown });
  let text: string;
  try {
    text = JSON.stringify(thrown) ?? String(thrown);
  } catch {
    text = String(thrown);
  }
  return new Error(text, { cause: thrown });
}

export function isAppError(thrown: unknown, code?: ErrorCode): thrown is AppError {
  return thrown instanceof AppError && (code === undefined || thrown.code === code);
}
