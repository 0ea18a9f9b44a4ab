import { randomUUID } from 'node:crypto';
import type { UsageEvent } from '../../src/domain/usage';

const PERIOD = new Date('2026-03-01T00:00:00.000Z');

/** A one-unit `messages` turn of tenant-a's user-1 at 2026-03-10 10:00 UTC, in the March 2026 period. */
export function usageEvent(subscriptionId: string, fields: Partial<UsageEvent> = {}): UsageEvent {
  return {
    id: randomUUID(),
    tenantId: 'tenant-a',
    activityId: randomUUID(),
    subscriptionId,
    planId: 'business',
    userId: 'user-1',
    conversationId: 'conv',
    conversationType: 'personal',
    dimension: 'messages',
    quantity: 1,
    promptTokens: 40,
    completionTokens: 10,
    totalTokens: 50,
    processingMs: 12,
    attachmentCount: 0,
    textLength: 20,
    occurredAt: new Date('2026-03-10T10:00:00.000Z'),
    periodStart: PERIOD,
    ...fields,
  };
}

/**
 * Usage already spent before the turns a test checks: a `usageEvent` with no tokens, time or text of its own, so that
 * only its `dimension` and `quantity` count.
 */
export function priorUsageEvent(subscriptionId: string, fields: Partial<UsageEvent> = {}): UsageEvent {
  return usageEvent(subscriptionId, {
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    processingMs: 0,
    textLength: 0,
    ...fields,
  });
}
