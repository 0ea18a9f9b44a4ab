import { performance } from 'node:perf_hooks';
import { timeOrderedId } from '../domain/ids';
import { settleTurn } from '../domain/turn-envelope';
import { hasOverage, includedUnits } from '../domain/plans';
import type { RecordedUsage, UsageEvent } from '../domain/usage';
import type { Logger } from '../logger';
import type { RecordOutcome, Store, WriteOptions } from '../store/store';
import type { Telemetry } from '../telemetry/telemetry';
import type { TurnTicket } from './subscription-gate';

export interface TurnResult {
  promptTokens: number;
  completionTokens: number;
  messageText?: string;
  responseText?: string;
}

/**
 * Records one answered turn: dimension and quantity by the billing rules now that tokens are known (within what the
 * turn held on hard-capped dimensions: settleTurn), then, in one transaction, the claim settled, the usage event, the
 * counters and the queue message, idempotent on (tenant, activity).
 */
export class UsageRecorder {
  constructor(
    private readonly deps: {
      store: Store;
      storeMessageText: boolean;
      logger: Logger;
      telemetry?: Telemetry;
      /** Each turn recorded (not called for a duplicate); must not throw. */
      onRecorded?: (turn: RecordedUsage) => void;
    },
  ) {}

  async record(ticket: TurnTicket, result: TurnResult, options: WriteOptions = {}): Promise<RecordOutcome> {
    const { plan, subscription, identity } = ticket;
    const totalTokens = result.promptTokens + result.completionTokens;
    const billed = settleTurn(
      { textLength: ticket.textLength, attachmentCount: ticket.attachmentCount },
      totalTokens,
      plan,
      ticket.envelope,
    );
    if (billed.clamped) {
      // The provider counted more tokens than the ceiling the model was held to (its tokenizer is not ours): the
      // hard cap wins, the turn is billed at its ceiling.
      this.deps.logger.warn(
        {
          tenantId: identity.tenantId,
          subscriptionId: subscription.id,
          activityId: identity.activityId,
          tokens: totalTokens,
          tokenCeiling: ticket.envelope.tokenCeiling,
        },
        'turn used more tokens than its ceiling; billed within its hold',
      );
    }
    const event: UsageEvent = {
      id: timeOrderedId(),
      tenantId: identity.tenantId,
      activityId: identity.activityId,
      subscriptionId: subscription.id,
      planId: plan.id,
      userId: identity.userId,
      conversationId: identity.conversationId ?? '',
      conversationType: identity.conversationType,
      dimension: billed.dimension,
      quantity: billed.quantity,
      promptTokens: result.promptTokens,
      completionTokens: result.completionTokens,
      totalTokens,
      processingMs: Math.max(0, Math.round(performance.now() - ticket.startedMonotonicMs)),
      attachmentCount: ticket.attachmentCount,
      textLength: ticket.textLength,
      ...(this.deps.storeMessageText ? { messageText: result.messageText ?? '', responseText: result.responseText ?? '' } : {}),
      occurredAt: ticket.startedAt,
      periodStart: ticket.period.start,
    };
    const included = includedUnits(plan, billed.dimension, subscription.quantity);
    // A trial is never billed for usage (src/domain/trial.ts): its units count against the allowance only.
    const overage = hasOverage(plan, billed.dimension) && !subscription.isFreeTrial;
    const outcome = await this.deps.store.usage.record(
      {
        event,
        included,
        overage,
        reserved: true,
        unitsHeld: ticket.envelope.holds.length > 0,
        ...(identity.userName ? { userName: identity.userName } : {}),
      },
      options,
    );
    if (this.deps.logger.isLevelEnabled('info')) {
      this.deps.logger.info(
        {
          tenantId: identity.tenantId,
          subscriptionId: subscription.id,
          activityId: identity.activityId,
          dimension: billed.dimension,
          quantity: billed.quantity,
          tokens: totalTokens,
          processingMs: event.processingMs,
          status: outcome.status,
          ...(outcome.status === 'recorded' ? { billable: outcome.billable } : {}),
        },
        'usage recorded',
      );
    }
    if (outcome.status === 'recorded') {
      this.deps.onRecorded?.({
        tenantId: identity.tenantId,
        subscriptionId: subscription.id,
        periodStart: ticket.period.start,
        periodEnd: ticket.period.end,
        dimension: billed.dimension,
        usedBefore: outcome.usedBefore,
        quantity: billed.quantity,
        included,
        overage,
      });
      this.deps.telemetry?.usageRecorded({
        tenantId: identity.tenantId,
        subscriptionId: subscription.id,
        planId: plan.id,
        dimension: billed.dimension,
        quantity: billed.quantity,
        billable: outcome.billable,
        tokens: totalTokens,
        processingMs: event.processingMs,
      });
    }
    return outcome;
  }
}
