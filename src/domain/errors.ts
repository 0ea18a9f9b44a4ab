/**
 * One error type for the whole product. Domain code throws a `code`; the edges (bot error handler, HTTP error
 * handler, worker) turn it into a user message, a status code or a retry decision.
 */
export type ErrorCode =
  | 'ConfigInvalid'
  | 'BadRequest'
  | 'NotFound'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Conflict'
  | 'SubscriptionInactive'
  | 'SeatUnavailable'
  | 'QuotaExceeded'
  | 'PlanUnknown'
  | 'ModelFailed'
  | 'StoreUnavailable'
  | 'UpstreamFailed'
  | 'MeteringConflict'
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

/** Turns anything thrown into an Error, so that catch blocks can rely on `.message`. */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'string') return new Error(thrown);
  try {
    return new Error(JSON.stringify(thrown));
  } catch {
    return new Error(String(thrown));
  }
}

export function isAppError(thrown: unknown, code?: ErrorCode): thrown is AppError {
  return thrown instanceof AppError && (code === undefined || thrown.code === code);
}
