import { randomUUID } from 'node:crypto';
import type { UsageKind } from '../../src/domain/billing-rules';
import type { Subscription } from '../../src/domain/subscription';
import type { MeteringReport, Store } from '../../src/store/store';
import { usageEvent } from './usage-events';

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

/**
 * The console tests' customers: six subscriptions over both offers and every interesting status, operations,
 * an admin, five answered turns, accepted overage this month (2.00 EUR) and in February (30.00 EUR), one failed
 * and one conflicting hour. The clock of the tests is 15 March 2026, 12:00 UTC.
 */
export async function seedConsoleFleet(store: Store): Promise<{ failedId: number; conflictId: number }> {
  const subs = [
    subscription({ id: 'sub-a', tenantId: 'tenant-a', name: '<script>alert("x")</script> Corp', planId: 'business' }),
    subscription({ id: 'sub-b', tenantId: 'tenant-b', name: 'Fabrikam', planId: 'enterprise', createdAt: new Date('2026-03-02T00:00:00Z') }),
    subscription({
      id: 'sub-c',
      tenantId: 'tenant-c',
      name: 'Northwind',
      offerId: 'teams-ai-assistant-users',
      planId: 'team-seat',
      quantity: 10,
      createdAt: new Date('2026-03-03T00:00:00Z'),
    }),
    subscription({ id: 'sub-d', tenantId: 'tenant-d', name: 'Adatum', planId: 'starter', status: 'Suspended', createdAt: new Date('2026-03-04T00:00:00Z') }),
    subscription({ id: 'sub-e', tenantId: 'tenant-e', name: 'Tailspin', planId: 'business', status: 'Unsubscribed', createdAt: new Date('2026-01-04T00:00:00Z') }),
    subscription({
      id: 'sub-f',
      tenantId: 'tenant-f',
      name: 'Litware',
      offerId: 'teams-ai-assistant-users',
      planId: 'team-plus',
      quantity: 5,
      status: 'PendingFulfillmentStart',
      createdAt: new Date('2026-03-05T00:00:00Z'),
    }),
  ];
  for (const s of subs) await store.subscriptions.upsert(s);
  await store.operations.apply({
    record: { subscriptionId: 'sub-d', action: 'Suspend', source: 'webhook', status: 'Applied', fromStatus: 'Subscribed', toStatus: 'Suspended', createdAt: new Date('2026-03-06T00:00:00Z') },
  });
  await store.operations.apply({
    record: { subscriptionId: 'sub-e', action: 'Unsubscribe', source: 'webhook', status: 'Applied', fromStatus: 'Subscribed', toStatus: 'Unsubscribed', createdAt: new Date('2026-03-07T00:00:00Z') },
  });
  await store.operations.apply({
    record: { subscriptionId: 'sub-a', action: 'ChangePlan', source: 'webhook', status: 'Applied', fromStatus: 'Subscribed', toStatus: 'Subscribed', fromPlanId: 'starter', toPlanId: 'business', createdAt: new Date('2026-03-08T00:00:00Z') },
  });
  await store.admins.add({ tenantId: 'tenant-a', userId: 'admin-1', userName: 'Ada Admin', addedBy: 'landing', addedAt: new Date('2026-03-01T00:00:00Z') });
  // Answered turns: 3 on 14 March, 2 on 10 March (sub-a, this period).
  for (const at of ['2026-03-14T09:00:00Z', '2026-03-14T10:00:00Z', '2026-03-14T11:00:00Z', '2026-03-10T09:00:00Z', '2026-03-10T10:00:00Z'])
    await store.usage.record({
      event: { ...usageEvent('sub-a', { occurredAt: new Date(at), tenantId: 'tenant-a' }) },
      included: 5000,
      overage: true,
    });
  // Overage accepted: this month business 100 messages × 0.01 + 25 premium × 0.04 = 2.00; February enterprise
  // 1,000 premium × 0.03 = 30.00.
  await seedMeteredHours(store, [
    { subscriptionId: 'sub-a', planId: 'business', hour: '2026-03-10T10:00:00Z', units: 100, outcome: 'Accepted' },
    { subscriptionId: 'sub-a', planId: 'business', dimension: 'premium_messages', hour: '2026-03-10T11:00:00Z', units: 25, outcome: 'Accepted' },
    { subscriptionId: 'sub-b', planId: 'enterprise', dimension: 'premium_messages', hour: '2026-02-05T10:00:00Z', units: 1000, outcome: 'Accepted' },
  ]);
  const failedId = (await seedMeteredHours(store, [
    { subscriptionId: 'sub-a', planId: 'business', hour: '2026-03-14T10:00:00Z', units: 7, outcome: 'Failed' },
  ]))[0]!.id;
  const conflictId = (await seedMeteredHours(store, [
    { subscriptionId: 'sub-b', planId: 'enterprise', dimension: 'premium_messages', hour: '2026-03-14T11:00:00Z', units: 3, outcome: 'Conflict' },
  ]))[0]!.id;
  return { failedId, conflictId };
}
