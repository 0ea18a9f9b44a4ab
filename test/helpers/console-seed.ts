import { randomUUID } from 'node:crypto';
import type { UsageKind } from '../../src/domain/billing-rules';
import type { Subscription } from '../../src/domain/subscription';
import type { MeteringReport, Store } from '../../src/store/store';

const HOUR = 3_600_000;

export interface MeteredHour {
  subscriptionId: string;
  planId: string;
  dimension?: UsageKind;
  /** The clock hour (UTC). */
  hour: string;
  units: number;
  outcome: 'Accepted' | 'Failed' | 'Conflict';
}

/**
 * Metered hours through the store's real path (consume → listDue → claim → settle), each hour with the worker's
 * clock two hours after it, so that it is sent under its own plan and settled with the given outcome.
 */
export async function seedMeteredHours(store: Store, hours: readonly MeteredHour[]): Promise<MeteringReport[]> {
  const out: MeteringReport[] = [];
  for (const h of hours) {
    const start = new Date(h.hour);
    const now = new Date(start.getTime() + 2 * HOUR);
    await store.metering.consume(
      [
        {
          usageEventId: randomUUID(),
          subscriptionId: h.subscriptionId,
          planId: h.planId,
          dimension: h.dimension ?? 'messages',
          quantity: h.units,
          billable: h.units,
          occurredAt: new Date(start.getTime() + 60_000).toISOString(),
          periodStart: new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1)).toISOString(),
        },
      ],
      now,
      new Date(now.getTime() - 23.5 * HOUR),
    );
    const closedBefore = new Date(now.getTime() - 5 * 60_000);
    const due = await store.metering.listDue({ now, closedBefore, limit: 100 });
    const claimed = await store.metering.claim(
      due.map((d) => d.id),
      { now, closedBefore, leaseUntil: new Date(now.getTime() + 120_000), correlationId: `seed-${h.hour}` },
    );
    await store.metering.settle(
      claimed.map((r) =>
        h.outcome === 'Accepted'
          ? { id: r.id, correlationId: `seed-${h.hour}`, status: 'Accepted' as const, usageEventId: `ev-${r.id}`, acceptedQuantity: r.quantity }
          : h.outcome === 'Conflict'
            ? { id: r.id, correlationId: `seed-${h.hour}`, status: 'Conflict' as const, acceptedQuantity: r.quantity + 1, errorMessage: 'Duplicate with another quantity' }
            : { id: r.id, correlationId: `seed-${h.hour}`, status: 'Failed' as const, errorCode: 'InvalidQuantity', errorMessage: 'The quantity is invalid' },
      ),
      now,
    );
    out.push(...claimed);
  }
  return out;
}

/** A subscription with every field given (no counter in the id: tests name them). */
export function subscription(fields: Partial<Subscription> & { id: string; tenantId: string }): Subscription {
  const { tenantId, ...rest } = fields;
  const created = new Date('2026-03-01T00:00:00.000Z');
  return {
    name: `Subscription of ${tenantId}`,
    offerId: 'teams-ai-assistant',
    planId: 'business',
    status: 'Subscribed',
    purchaser: { tenantId, objectId: `${tenantId}-buyer`, emailId: `buyer@${tenantId}.example` },
    beneficiary: { tenantId, objectId: `${tenantId}-buyer`, emailId: `buyer@${tenantId}.example` },
    term: { startDate: created, termUnit: 'P1M' },
    autoRenew: true,
    isTest: false,
    isFreeTrial: false,
    createdAt: created,
    updatedAt: created,
    ...rest,
  };
}
