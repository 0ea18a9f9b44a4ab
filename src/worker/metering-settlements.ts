import type { Config } from '../config';
import { coerceError, isAppError } from '../domain/errors';
import {
  judgeCallFailure,
  judgeItem,
  nextAttemptAt,
  tooOldBefore,
  type CallFailure,
  type MeteringAlertKey,
} from '../domain/metering';
import type { Logger } from '../logger';
import type { BatchAnswer } from '../marketplace/metering-client';
import type { MeteringReport, MeteringSettlement } from '../store/store';
import type { FlushSummary } from './metering-pass-summaries';

/**
 * How the metering worker settles the reports of one claimed batch (README "Metering"): the decisions are the
 * domain's (src/domain/metering.ts); these functions turn them into the settlements the store writes, count them in
 * the pass's summary and log what the operator must see. Every claimed report gets exactly one settlement.
 */

/** One claimed batch being settled. */
export interface SettlingBatch {
  /** The id of the batch's call, kept on every settlement. */
  correlationId: string;
  /** When the batch was claimed. */
  now: Date;
  /** The pass's counters. */
  summary: FlushSummary;
  logger: Logger;
  config: Pick<Config['worker'], 'maxAttempts' | 'holdRetryMs'>;
}

/** Hours already too old are not worth a call: the API would answer Expired. Carry them now. */
export function carryTooOld(
  claimed: MeteringReport[],
  batch: SettlingBatch,
): { settlements: MeteringSettlement[]; sendable: MeteringReport[] } {
  const { correlationId, now, summary } = batch;
  const settlements: MeteringSettlement[] = [];
  const oldest = tooOldBefore(now).getTime();
  const sendable = claimed.filter((r) => {
    if (r.hourStart.getTime() >= oldest) return true;
    settlements.push({ id: r.id, correlationId, attempted: false, status: 'Expired', errorMessage: 'hour too old to report' });
    summary.expired += 1;
    return false;
  });
  return { settlements, sendable };
}

/**
 * The whole call failed (after the HTTP layer's own retries): it says nothing about the items, which retry. Returns
 * their settlements, and the code, message and alert (if any) of the failure.
 */
export function retryFailedCall(
  thrown: unknown,
  sendable: MeteringReport[],
  batch: SettlingBatch,
): { settlements: MeteringSettlement[]; code: string; message: string; alert: MeteringAlertKey | undefined } {
  const error = failedCall(thrown);
  const failure = judgeCallFailure(error);
  const code = error.apiCode ? `${failure.code} ${error.apiCode}` : failure.code;
  const message = coerceError(thrown).message.slice(0, 500);
  const settlements: MeteringSettlement[] = [];
  for (const r of sendable) settlements.push(retry(r, code, message, error.requestId, batch));
  return { settlements, code, message, alert: failure.alert };
}

/** An answered call: each item settled by what the API said about it (`answer.items` in the order sent). */
export function settleAnswer(sendable: MeteringReport[], answer: BatchAnswer, batch: SettlingBatch): MeteringSettlement[] {
  const { correlationId, now, summary, logger, config } = batch;
  const settlements: MeteringSettlement[] = [];
  const requestId = answer.requestId;
  sendable.forEach((r, i) => {
    const item = answer.items[i];
    if (!item) {
      settlements.push(retry(r, 'MissingItem', 'the answer did not mention this event', requestId, batch));
      return;
    }
    const verdict = judgeItem(item, r.quantity);
    const base = { id: r.id, correlationId, requestId };
    switch (verdict.kind) {
      case 'Accepted':
        summary.accepted += 1;
        settlements.push({
          ...base,
          status: 'Accepted',
          usageEventId: verdict.usageEventId,
          acceptedQuantity: verdict.acceptedQuantity,
        });
        break;
      case 'Conflict':
        summary.conflicts += 1;
        logger.error(
          {
            subscriptionId: r.subscriptionId,
            dimension: r.dimension,
            hour: r.hourStart,
            ours: r.quantity,
            theirs: verdict.acceptedQuantity,
          },
          'metering conflict',
        );
        settlements.push({
          ...base,
          status: 'Conflict',
          ...(verdict.usageEventId ? { usageEventId: verdict.usageEventId } : {}),
          ...(verdict.acceptedQuantity !== undefined ? { acceptedQuantity: verdict.acceptedQuantity } : {}),
          errorMessage: verdict.message,
        });
        break;
      case 'Expired':
        summary.expired += 1;
        settlements.push({ ...base, status: 'Expired', errorMessage: 'expired at the Marketplace' });
        break;
      case 'Held':
        summary.held += 1;
        settlements.push({
          ...base,
          status: 'Held',
          nextAttemptAt: new Date(
            Math.min(now.getTime() + config.holdRetryMs, nextAttemptAt(r.hourStart, r.attempts + 1, now).getTime()),
          ),
          errorCode: verdict.code,
          errorMessage: verdict.message,
        });
        break;
      case 'Refused':
        summary.failed += 1;
        logger.error(
          { subscriptionId: r.subscriptionId, dimension: r.dimension, hour: r.hourStart, code: verdict.code },
          'metering refused',
        );
        settlements.push({ ...base, status: 'Failed', errorCode: verdict.code, errorMessage: verdict.message });
        break;
      case 'Retry':
        settlements.push(retry(r, verdict.code, verdict.message, requestId, batch));
    }
  });
  return settlements;
}

/** Tried again after a capped backoff, and once more before the hour's window closes; then carried (never failed). */
function retry(
  report: MeteringReport,
  code: string,
  message: string,
  requestId: string | undefined,
  batch: SettlingBatch,
): MeteringSettlement {
  const { correlationId, now, summary, logger, config } = batch;
  summary.retries += 1;
  if (report.attempts + 1 === config.maxAttempts)
    logger.error(
      {
        subscriptionId: report.subscriptionId,
        dimension: report.dimension,
        hour: report.hourStart,
        attempts: report.attempts + 1,
        code,
      },
      'metering hour still failing; it keeps retrying and is carried before it expires',
    );
  return {
    id: report.id,
    correlationId,
    ...(requestId ? { requestId } : {}),
    status: 'Retry',
    nextAttemptAt: nextAttemptAt(report.hourStart, report.attempts + 1, now),
    errorCode: code,
    errorMessage: message,
  };
}

/**
 * What the error of a failed Metering call says, read from its fields rather than from the class of the client that
 * threw it (the port's contract, src/marketplace/metering-client.ts): `retryable` (an AppError's), and what the API
 * answered when the error carries it (`status`, `apiCode`, `requestId`). Anything else thrown is retried, unalerted.
 */
function failedCall(thrown: unknown): CallFailure & { apiCode?: string; requestId?: string } {
  if (!isAppError(thrown)) return { retryable: true };
  const answered = thrown as { status?: unknown; apiCode?: unknown; requestId?: unknown };
  return {
    retryable: thrown.retryable,
    ...(typeof answered.status === 'number' ? { status: answered.status } : {}),
    ...(typeof answered.apiCode === 'string' ? { apiCode: answered.apiCode } : {}),
    ...(typeof answered.requestId === 'string' ? { requestId: answered.requestId } : {}),
  };
}
