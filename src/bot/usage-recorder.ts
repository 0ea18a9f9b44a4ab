import { performance } from 'node:perf_hooks';
import { classifyTurn } from '../domain/billing-rules';
import { timeOrderedId } from '../domain/ids';
import { hasOverage, includedUnits } from '../domain/plans';
import type { UsageEvent } from '../domain/usage';
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
 * Records one answered turn: dimension and quantity by the billing rules (now that tokens are known), then the
 * usage event, the counters and the queue message in one transaction, idempotent on (tenant, activity).
 */
export class UsageRecorder {
  constructor(private readonly deps: { store: Store; storeMessageText: boolean; logger: Logger; telemetry?: Telemetry }) {}

  async record(ticket: TurnTicket, result: TurnResult, options: WriteOptions = {}): Promise<RecordOutcome> {
    const { plan, subscription, identity } = ticket;
    const totalTokens = result.promptTokens + result.completionTokens;
    const billed = classifyTurn(
      { textLength: ticket.textLength, attachmentCount: ticket.attachmentCount, totalTokens },
      plan.billingRules,
    );
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
    const outcome = await this.deps.store.usage.record(
      {
        event,
        included: includedUnits(plan, billed.dimension, subscription.quantity),
        overage: hasOverage(plan, billed.dimension),
        reserved: ticket.reserved !== undefined,
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
