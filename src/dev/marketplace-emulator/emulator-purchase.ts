import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/clock';
import { AppError } from '../../domain/errors';
import { isPlanVisibleTo } from '../../domain/plans';
import type { EmulatorSubscription, MarketplaceParty, SubscriptionRecord } from './emulator-types';
import { monthlyTerm } from './marketplace-plan-view';
import type { PartnerCenterCatalog } from './partner-center-catalog';

/**
 * What a purchase in the Marketplace creates: the subscription in the API's shape, PendingFulfillmentStart until our
 * landing page activates it (or, for development and tests, activated already), with its buyer and beneficiary.
 */

export interface BuyInput {
  planId: string;
  quantity?: number;
  tenantId: string;
  objectId?: string;
  email?: string;
  name?: string;
  purchaserTenantId?: string;
  /** Start with the plan's free trial (default: when the plan offers one, as a buyer in AppSource would). */
  freeTrial?: boolean;
  /**
   * Development and tests only: the subscription is created already activated at this (past) time, as if bought and
   * activated then. Simulations use it to have usage in past hours accepted.
   */
  activatedAt?: Date;
  /**
   * Development only, with `activatedAt`: mirrors a subscription the bot already has (its dev seed), under that id
   * and in that state, so that the page can act on it. An id the emulator already has is refused.
   */
  existing?: { subscriptionId: string; status: 'Subscribed' | 'Suspended' | 'Unsubscribed' };
}

export interface PurchaseContext {
  catalog: PartnerCenterCatalog;
  clock: Clock;
  /** Publisher of plans that name none. */
  publisherId: string;
  /** Whether the emulator has a subscription with this id already. */
  taken: (subscriptionId: string) => boolean;
}

/** The record of a new subscription. Throws `AppError` (`BadRequest`, `Conflict`) when the purchase is refused. */
export function purchasedRecord(input: BuyInput, context: PurchaseContext): SubscriptionRecord {
  const plan = context.catalog.requirePlan(input.planId);
  if (typeof input.tenantId !== 'string' || input.tenantId.trim() === '')
    throw new AppError('BadRequest', 'The beneficiary tenant id is required.');
  if (!isPlanVisibleTo(plan, input.tenantId.trim()))
    throw new AppError('BadRequest', `Plan ${plan.id} is private and not offered to tenant ${input.tenantId.trim()}.`);
  if (input.existing && (!input.activatedAt || context.taken(input.existing.subscriptionId)))
    throw new AppError('Conflict', `Subscription ${input.existing.subscriptionId} exists already, or has no activation time.`);
  const now = context.clock.now().toISOString();
  const party = (tenantId: string): MarketplaceParty => ({
    emailId: input.email?.trim() || 'buyer@contoso.example',
    objectId: input.objectId?.trim() || randomUUID(),
    tenantId,
    puid: randomBytes(8).toString('hex').toUpperCase(),
  });
  const subscription: EmulatorSubscription = {
    id: input.existing?.subscriptionId ?? randomUUID(),
    publisherId: plan.publisherId || context.publisherId,
    offerId: context.catalog.offerOf(plan),
    name: input.name?.trim() || `${plan.displayName} subscription`,
    saasSubscriptionStatus: 'PendingFulfillmentStart',
    beneficiary: party(input.tenantId.trim()),
    purchaser: party(input.purchaserTenantId?.trim() || input.tenantId.trim()),
    planId: plan.id,
    ...context.catalog.quantityFor(plan, input.quantity),
    term: {},
    autoRenew: true,
    isTest: false,
    isFreeTrial: (input.freeTrial ?? plan.freeTrial) && plan.freeTrial,
    allowedCustomerOperations: ['Delete', 'Update', 'Read'],
    sandboxType: 'None',
    sessionMode: 'None',
    created: now,
    lastModified: now,
  };
  const record: SubscriptionRecord = { subscription, planHistory: [{ planId: plan.id, from: now }] };
  if (input.existing?.status === 'Unsubscribed') record.unsubscribedAt = now;
  if (input.activatedAt) {
    const at = input.activatedAt.toISOString();
    subscription.saasSubscriptionStatus = input.existing?.status ?? 'Subscribed';
    subscription.term = monthlyTerm(input.activatedAt);
    subscription.created = at;
    record.activatedAt = at;
    record.planHistory = [{ planId: plan.id, from: at }];
  }
  return record;
}
