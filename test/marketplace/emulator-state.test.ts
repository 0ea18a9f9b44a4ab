import { billedUsagePage, BilledUsageControls, type BilledUsageQuery } from '../../src/dev/marketplace-emulator/billed-usage-report';
import { beforeEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/domain/clock';
import { loadPlanCatalog } from '../../src/plan-catalog-source';
import { EmulatorState, monthlyTerm } from '../../src/dev/marketplace-emulator/emulator-state';
import { FakeClock } from '../helpers/fake-clock';

/**
 * The emulator's rules without HTTP: a fake clock drives activation, token expiry and the metering window.
 * Default catalog: starter (flat, hard caps), business (flat, overage on both dimensions), enterprise (flat,
 * unlimited messages, premium overage), team-seat (per seat, 1..1000).
 */
const plans = loadPlanCatalog(undefined).plans;

function newState(clock: FakeClock, onChange?: () => void) {
  return new EmulatorState({ clock, plans, offerId: 'offer', publisherId: 'contoso', ...(onChange ? { onChange } : {}) });
}

describe('EmulatorState: purchase, token and activation', () => {
  let clock: FakeClock;
  let state: EmulatorState;
  beforeEach(() => {
    clock = new FakeClock('2026-03-10T10:20:00.000Z');
    state = newState(clock);
  });

  it('creates a PendingFulfillmentStart subscription in the real shape, with a token holding "+" and "/"', () => {
    const { subscription, token } = state.buy({
      planId: 'team-seat',
      quantity: 7,
      tenantId: 'tenant-a',
      objectId: 'user-1',
      email: 'a@contoso.example',
    });
    expect(token).toContain('+');
    expect(token).toContain('/');
    expect(subscription).toMatchObject({
      publisherId: 'contoso',
      offerId: 'teams-ai-assistant-users',
      saasSubscriptionStatus: 'PendingFulfillmentStart',
      planId: 'team-seat',
      quantity: 7,
      beneficiary: { tenantId: 'tenant-a', objectId: 'user-1', emailId: 'a@contoso.example' },
      purchaser: { tenantId: 'tenant-a' },
      term: {},
      autoRenew: true,
      isTest: false,
      isFreeTrial: true,
      sandboxType: 'None',
      sessionMode: 'None',
      created: '2026-03-10T10:20:00.000Z',
    });
    expect(Object.keys(subscription).sort()).toEqual(
      [
        'allowedCustomerOperations',
        'autoRenew',
        'beneficiary',
        'created',
        'id',
        'isFreeTrial',
        'isTest',
        'lastModified',
        'name',
        'offerId',
        'planId',
        'publisherId',
        'purchaser',
        'quantity',
        'saasSubscriptionStatus',
        'sandboxType',
        'sessionMode',
        'term',
      ].sort(),
    );
  });

  it('has no quantity on flat-rate plans and refuses seats out of the plan bounds', () => {
    expect(state.buy({ planId: 'business', quantity: 5, tenantId: 't' }).subscription.quantity).toBeUndefined();
    expect(() => state.buy({ planId: 'team-seat', quantity: 0, tenantId: 't' })).toThrow(/quantity/);
    expect(() => state.buy({ planId: 'team-seat', quantity: 1001, tenantId: 't' })).toThrow(/quantity/);
    expect(() => state.buy({ planId: 'gold', tenantId: 't' })).toThrow(/not a plan/);
  });

  it('resolves the exact token only, until it expires after 24 hours', () => {
    const { subscription, token } = state.buy({ planId: 'business', tenantId: 'tenant-a', name: 'Contoso' });
    expect(state.resolve(token)).toMatchObject({
      id: subscription.id,
      subscriptionName: 'Contoso',
      offerId: 'teams-ai-assistant',
      planId: 'business',
    });
    expect(() => state.resolve(token.replace(/\+/g, ' '))).toThrow(/token/);
    expect(() => state.resolve(undefined)).toThrow(/token/);
    clock.advance(24 * HOUR - 1);
    expect(state.resolve(token).id).toBe(subscription.id);
    clock.advance(1);
    expect(() => state.resolve(token)).toThrow(/expired/);
  });

  it('activates after the delay, with a one-month term from today (end date inclusive)', () => {
    const { subscription } = state.buy({ planId: 'business', tenantId: 'tenant-a' });
    state.activate(subscription.id, { planId: 'business' }, 300);
    expect(state.getSubscription(subscription.id)).toMatchObject({ saasSubscriptionStatus: 'PendingFulfillmentStart', term: {} });
    clock.advance(299);
    expect(state.getSubscription(subscription.id).saasSubscriptionStatus).toBe('PendingFulfillmentStart');
    clock.advance(1);
    expect(state.getSubscription(subscription.id)).toMatchObject({
      saasSubscriptionStatus: 'Subscribed',
      term: { startDate: '2026-03-10T00:00:00.000Z', endDate: '2026-04-09T00:00:00.000Z', termUnit: 'P1M' },
    });
    // Activating again is accepted and changes nothing.
    expect(() => state.activate(subscription.id, { planId: 'business' }, 0)).not.toThrow();
  });

  it('refuses to activate with another plan, without a plan, or once unsubscribed', () => {
    const { subscription } = state.buy({ planId: 'business', tenantId: 'tenant-a' });
    expect(() => state.activate(subscription.id, { planId: 'starter' }, 0)).toThrow(/does not match/);
    expect(() => state.activate(subscription.id, {}, 0)).toThrow(/planId/);
    expect(() => state.activate('nope', { planId: 'business' }, 0)).toThrow(/not found/);
    state.activate(subscription.id, { planId: 'business' }, 0);
    state.publisherDelete(subscription.id);
    expect(() => state.activate(subscription.id, { planId: 'business' }, 0)).toThrow(/Unsubscribed/);
  });

  it('clamps month ends: a term from 31 January ends on 27 February', () => {
    expect(monthlyTerm(new Date('2026-01-31T15:00:00Z'))).toEqual({
      startDate: '2026-01-31T00:00:00.000Z',
      endDate: '2026-02-27T00:00:00.000Z',
      termUnit: 'P1M',
    });
  });
});

describe('EmulatorState: lifecycle and operations', () => {
  let clock: FakeClock;
  let state: EmulatorState;
  let id: string;
  beforeEach(() => {
    clock = new FakeClock('2026-03-10T10:20:00.000Z');
    state = newState(clock);
    id = state.buy({ planId: 'team-seat', quantity: 3, tenantId: 'tenant-a' }).subscription.id;
    state.activate(id, { planId: 'team-seat' }, 0);
  });

  it('a customer plan change waits for the publisher: Success applies it, a second PATCH conflicts', () => {
    const flat = state.buy({ planId: 'business', tenantId: 'tenant-b' }).subscription.id;
    state.activate(flat, { planId: 'business' }, 0);
    const op = state.startCustomerAction(flat, 'ChangePlan', { planId: 'enterprise' });
    expect(op).toMatchObject({
      action: 'ChangePlan',
      status: 'InProgress',
      planId: 'enterprise',
      operationRequestSource: 'Azure',
    });
    expect(state.getSubscription(flat).planId).toBe('business');
    expect(state.pendingOperations(flat).map((o) => o.id)).toEqual([op.id]);
    expect(() => state.startCustomerAction(flat, 'Suspend')).toThrow(/in progress/);
    state.updateOperation(flat, op.id, { status: 'Success' });
    expect(state.getSubscription(flat)).toMatchObject({ planId: 'enterprise' });
    expect(state.getSubscription(flat).quantity).toBeUndefined();
    expect(state.operation(flat, op.id)?.status).toBe('Succeeded');
    expect(() => state.updateOperation(flat, op.id, { status: 'Failure' })).toThrow(/already Succeeded/);
    expect(state.pendingOperations(flat)).toEqual([]);
  });

  it('a plan change never leaves the offer: a per-user subscription cannot move to a flat-rate plan', () => {
    expect(() => state.startCustomerAction(id, 'ChangePlan', { planId: 'business' })).toThrow(
      /not a plan of offer teams-ai-assistant-users/,
    );
    expect(() => state.publisherUpdate(id, { planId: 'starter' })).toThrow(/not a plan of offer teams-ai-assistant-users/);
    expect(state.getSubscription(id).planId).toBe('team-seat');
  });

  it('the Marketplace settles a pending operation itself: Succeeded applies it, Failed and Conflict change nothing', () => {
    const accepted = state.startCustomerAction(id, 'ChangeQuantity', { quantity: 9 });
    expect(state.settleOperation(id, accepted.id, 'Succeeded').status).toBe('Succeeded');
    expect(state.getSubscription(id).quantity).toBe(9);
    expect(() => state.settleOperation(id, accepted.id, 'Failed')).toThrow(/already Succeeded/);
    for (const status of ['Failed', 'Conflict'] as const) {
      const op = state.startCustomerAction(id, 'ChangeQuantity', { quantity: 4 });
      expect(state.settleOperation(id, op.id, status, { message: 'declined' })).toMatchObject({
        status,
        errorStatusCode: status === 'Conflict' ? '409' : '400',
        errorMessage: 'declined',
      });
      expect(state.getSubscription(id).quantity).toBe(9);
      expect(state.pendingOperations(id)).toEqual([]);
    }
  });

  it('an armed race: the next PATCH finds its operation settled by the Marketplace and conflicts, once', () => {
    state.settleOnNextPatch(id, 'Succeeded');
    const raced = state.startCustomerAction(id, 'ChangeQuantity', { quantity: 6 });
    expect(() => state.updateOperation(id, raced.id, { status: 'Failure' })).toThrow(/already Succeeded/);
    expect(state.getSubscription(id).quantity).toBe(6);
    const next = state.startCustomerAction(id, 'ChangeQuantity', { quantity: 5 });
    expect(state.updateOperation(id, next.id, { status: 'Success' }).status).toBe('Succeeded');
    expect(state.getSubscription(id).quantity).toBe(5);
  });

  it('a refused seat change leaves the seats as they were', () => {
    const op = state.startCustomerAction(id, 'ChangeQuantity', { quantity: 9 });
    expect(op).toMatchObject({ status: 'InProgress', quantity: 9, planId: 'team-seat' });
    expect(() => state.updateOperation(id, op.id, { status: 'Maybe' })).toThrow(/Success or Failure/);
    state.updateOperation(id, op.id, { status: 'Failure' });
    expect(state.getSubscription(id).quantity).toBe(3);
    expect(state.operation(id, op.id)?.status).toBe('Failed');
  });

  it('notifications apply at once, and only from the statuses that allow them', () => {
    expect(() => state.startCustomerAction(id, 'Reinstate')).toThrow(/Reinstate is not possible on a Subscribed subscription/);
    expect(state.startCustomerAction(id, 'Suspend')).toMatchObject({ action: 'Suspend', status: 'Succeeded' });
    expect(state.getSubscription(id).saasSubscriptionStatus).toBe('Suspended');
    expect(() => state.startCustomerAction(id, 'Renew')).toThrow(/not possible/);
    state.startCustomerAction(id, 'Reinstate');
    expect(state.getSubscription(id).saasSubscriptionStatus).toBe('Subscribed');
    state.startCustomerAction(id, 'Renew');
    expect(state.getSubscription(id).term).toEqual({
      startDate: '2026-04-10T00:00:00.000Z',
      endDate: '2026-05-09T00:00:00.000Z',
      termUnit: 'P1M',
    });
    state.startCustomerAction(id, 'Unsubscribe');
    expect(state.getSubscription(id).saasSubscriptionStatus).toBe('Unsubscribed');
    expect(() => state.startCustomerAction(id, 'Unsubscribe')).toThrow(/not possible/);
  });

  it('publisher changes: plan or quantity, never both, applied at once', () => {
    expect(() => state.publisherUpdate(id, { planId: 'business', quantity: 4 })).toThrow(/either planId or quantity/);
    expect(() => state.publisherUpdate(id, {})).toThrow(/either planId or quantity/);
    expect(() => state.publisherUpdate(id, { quantity: 3 })).toThrow(/already has 3 seats/);
    expect(state.publisherUpdate(id, { quantity: 4 })).toMatchObject({
      action: 'ChangeQuantity',
      status: 'Succeeded',
      operationRequestSource: 'Partner',
    });
    expect(state.getSubscription(id).quantity).toBe(4);
    const flat = state.buy({ planId: 'business', tenantId: 'tenant-b' }).subscription.id;
    state.activate(flat, { planId: 'business' }, 0);
    state.publisherUpdate(flat, { planId: 'starter' });
    expect(state.getSubscription(flat).planId).toBe('starter');
    expect(() => state.publisherUpdate(flat, { quantity: 2 })).toThrow(/not priced per seat/);
  });

  it('a snapshot restores everything, tokens and usage included', () => {
    const bought = state.buy({ planId: 'business', tenantId: 'tenant-b' });
    state.activate(bought.subscription.id, { planId: 'business' }, 0);
    state.submitUsage({
      resourceId: bought.subscription.id,
      dimension: 'messages',
      quantity: 2,
      planId: 'business',
      effectiveStartTime: '2026-03-10T10:00:00Z',
    });
    const copy = new EmulatorState({
      clock,
      plans,
      offerId: 'offer',
      publisherId: 'contoso',
      snapshot: JSON.parse(JSON.stringify(state.snapshot())),
    });
    expect(copy.subscriptions()).toEqual(state.subscriptions());
    expect(copy.resolve(bought.token).id).toBe(bought.subscription.id);
    const again = copy.submitUsage({
      resourceId: bought.subscription.id,
      dimension: 'messages',
      quantity: 5,
      planId: 'business',
      effectiveStartTime: '2026-03-10T10:05:00Z',
    });
    expect(again.status).toBe('Duplicate');
  });

  it('tells its owner about every change (persistence hangs on it)', () => {
    let changes = 0;
    const watched = newState(clock, () => (changes += 1));
    const { subscription } = watched.buy({ planId: 'business', tenantId: 't' });
    watched.activate(subscription.id, { planId: 'business' }, 0);
    const before = changes;
    watched.getSubscription(subscription.id);
    expect(changes).toBe(before);
    watched.startCustomerAction(subscription.id, 'Suspend');
    expect(changes).toBeGreaterThan(before);
  });
});

describe('metering rules', () => {
  const NOW = '2026-03-10T10:20:00.000Z';
  let clock: FakeClock;
  let state: EmulatorState;
  let business: string;
  const event = (over: Record<string, unknown> = {}) => ({
    resourceId: business,
    dimension: 'messages',
    quantity: 12,
    planId: 'business',
    effectiveStartTime: '2026-03-10T09:00:00Z',
    ...over,
  });
  beforeEach(() => {
    clock = new FakeClock('2026-03-09T08:00:00.000Z');
    state = newState(clock);
    business = state.buy({ planId: 'business', tenantId: 'tenant-a' }).subscription.id;
    state.activate(business, { planId: 'business' }, 0);
    clock.set(NOW);
  });

  it('accepts one event per resource, dimension and hour; the second gets the original back', () => {
    const first = state.submitUsage(event());
    expect(first.status).toBe('Accepted');
    expect(first.result).toMatchObject({
      status: 'Accepted',
      resourceId: business,
      quantity: 12,
      dimension: 'messages',
      planId: 'business',
      effectiveStartTime: '2026-03-10T09:00:00.000Z',
      messageTime: NOW,
    });
    const second = state.submitUsage(event({ quantity: 99, effectiveStartTime: '2026-03-10T09:59:59Z' }));
    expect(second.status).toBe('Duplicate');
    expect(second.status !== 'Accepted' && second.error).toEqual({
      code: 'Conflict',
      message: 'This usage event already exist.',
      additionalInfo: { acceptedMessage: { ...first.result, status: 'Duplicate' } },
    });
    expect(state.submitUsage(event({ dimension: 'premium_messages' })).status).toBe('Accepted');
    expect(state.submitUsage(event({ effectiveStartTime: '2026-03-10T08:00:00Z' })).status).toBe('Accepted');
    expect(state.acceptedUsage().map((u) => u.quantity)).toEqual([12, 12, 12]);
  });

  it('expires events older than 24 hours and refuses events from the future', () => {
    expect(state.submitUsage(event({ effectiveStartTime: '2026-03-09T10:20:00Z' })).status).toBe('Accepted');
    const expired = state.submitUsage(event({ effectiveStartTime: '2026-03-09T10:19:59Z' }));
    expect(expired.status).toBe('Expired');
    expect(expired.status !== 'Accepted' && expired.error).toMatchObject({ code: 'BadArgument', message: 'Event has expired' });
    expect(state.submitUsage(event({ effectiveStartTime: new Date(Date.parse(NOW) + 4 * MINUTE).toISOString() })).status).toBe(
      'Accepted',
    );
    expect(state.submitUsage(event({ effectiveStartTime: new Date(Date.parse(NOW) + 2 * HOUR).toISOString() })).status).toBe(
      'BadArgument',
    );
  });

  it.each([
    ['a missing resourceId', { resourceId: undefined }, 'BadArgument'],
    ['a missing dimension', { dimension: undefined }, 'BadArgument'],
    ['a missing planId', { planId: '' }, 'BadArgument'],
    ['a missing effectiveStartTime', { effectiveStartTime: undefined }, 'BadArgument'],
    ['an unparseable effectiveStartTime', { effectiveStartTime: 'yesterday' }, 'BadArgument'],
    ['a missing quantity', { quantity: undefined }, 'BadArgument'],
    ['a zero quantity', { quantity: 0 }, 'InvalidQuantity'],
    ['a negative quantity', { quantity: -1 }, 'InvalidQuantity'],
    ['a quantity that is text', { quantity: '5' }, 'InvalidQuantity'],
    ['an unknown resource', { resourceId: '00000000-0000-0000-0000-000000000000' }, 'ResourceNotFound'],
    ['an unknown dimension', { dimension: 'tokens' }, 'InvalidDimension'],
    ['another plan than the subscription had', { planId: 'enterprise' }, 'BadArgument'],
  ])('judges %s', (_why, over, status) => {
    expect(state.submitUsage(event(over)).status).toBe(status);
  });

  it('takes decimal quantities', () => {
    expect(state.submitUsage(event({ quantity: 0.5 })).status).toBe('Accepted');
  });

  it('refuses dimensions on hard-capped, unlimited and per-seat plans (InvalidDimension)', () => {
    const on = (planId: string, quantity?: number) => {
      clock.set('2026-03-10T08:00:00Z');
      const id = state.buy({ planId, tenantId: `t-${planId}`, ...(quantity ? { quantity } : {}) }).subscription.id;
      state.activate(id, { planId }, 0);
      clock.set(NOW);
      return id;
    };
    expect(state.submitUsage(event({ resourceId: on('starter'), planId: 'starter' })).status).toBe('InvalidDimension');
    expect(state.submitUsage(event({ resourceId: on('team-seat', 5), planId: 'team-seat' })).status).toBe('InvalidDimension');
    const enterprise = on('enterprise');
    expect(state.submitUsage(event({ resourceId: enterprise, planId: 'enterprise', dimension: 'messages' })).status).toBe(
      'InvalidDimension',
    );
    expect(state.submitUsage(event({ resourceId: enterprise, planId: 'enterprise', dimension: 'premium_messages' })).status).toBe(
      'Accepted',
    );
  });

  it('takes usage only while Subscribed, and after a cancel only for hours that started before it', () => {
    const pending = state.buy({ planId: 'business', tenantId: 'tenant-p' }).subscription.id;
    expect(state.submitUsage(event({ resourceId: pending })).status).toBe('ResourceNotActive');

    state.startCustomerAction(business, 'Suspend');
    expect(state.submitUsage(event()).status).toBe('ResourceNotActive');
    state.startCustomerAction(business, 'Reinstate');

    state.startCustomerAction(business, 'Unsubscribe'); // at 10:20
    expect(state.submitUsage(event({ effectiveStartTime: '2026-03-10T09:00:00Z' })).status).toBe('Accepted');
    expect(state.submitUsage(event({ effectiveStartTime: '2026-03-10T10:00:00Z' })).status).toBe('Accepted');
    clock.advance(HOUR);
    expect(state.submitUsage(event({ effectiveStartTime: '2026-03-10T11:00:00Z' })).status).toBe('ResourceNotActive');
  });

  it('refuses hours before the activation', () => {
    expect(state.submitUsage(event({ effectiveStartTime: '2026-03-09T10:30:00Z' })).status).toBe('Accepted');
    const late = state.buy({ planId: 'business', tenantId: 'tenant-late' }).subscription.id;
    state.activate(late, { planId: 'business' }, 0); // at 10:20
    expect(state.submitUsage(event({ resourceId: late, effectiveStartTime: '2026-03-10T09:00:00Z' })).status).toBe(
      'ResourceNotActive',
    );
    expect(state.submitUsage(event({ resourceId: late, effectiveStartTime: '2026-03-10T10:00:00Z' })).status).toBe('Accepted');
  });

  it('after a plan change, takes the old plan for earlier hours and either plan for the hour of the change', () => {
    state.publisherUpdate(business, { planId: 'enterprise' }); // at 10:20
    expect(state.submitUsage(event({ planId: 'business', effectiveStartTime: '2026-03-10T09:00:00Z' })).status).toBe('Accepted');
    expect(
      state.submitUsage(
        event({ planId: 'enterprise', dimension: 'premium_messages', effectiveStartTime: '2026-03-10T10:00:00Z' }),
      ).status,
    ).toBe('Accepted');
    expect(
      state.submitUsage(event({ planId: 'business', dimension: 'premium_messages', effectiveStartTime: '2026-03-10T10:00:00Z' }))
        .status,
    ).toBe('Duplicate');
    clock.advance(HOUR);
    expect(state.submitUsage(event({ planId: 'business', effectiveStartTime: '2026-03-10T11:00:00Z' })).status).toBe(
      'BadArgument',
    );
  });

  it('reports accepted usage per day, resource, dimension and plan', () => {
    const usageEvents = (query: BilledUsageQuery) =>
      billedUsagePage(state.acceptedUsage(), query, {
        now: clock.now(),
        offerOf: (id) => state.subscription(id)?.offerId ?? 'offer',
        controls: new BilledUsageControls(),
      });
    state.submitUsage(event({ effectiveStartTime: '2026-03-09T23:00:00Z', quantity: 1 }));
    state.submitUsage(event({ effectiveStartTime: '2026-03-10T08:00:00Z', quantity: 2 }));
    state.submitUsage(event({ effectiveStartTime: '2026-03-10T09:00:00Z', quantity: 3 }));
    state.submitUsage(event({ effectiveStartTime: '2026-03-10T09:00:00Z', quantity: 4, dimension: 'premium_messages' }));
    const report = usageEvents({ usageStartDate: '2026-03-09' });
    expect('rows' in report && report.rows).toEqual([
      {
        usageDate: '2026-03-09T00:00:00.000Z',
        usageResourceId: business,
        dimension: 'messages',
        planId: 'business',
        offerId: 'teams-ai-assistant',
        submittedQuantity: 1,
        processedQuantity: 1,
        submittedCount: 1,
        reconStatus: 'Accepted',
      },
      {
        usageDate: '2026-03-10T00:00:00.000Z',
        usageResourceId: business,
        dimension: 'messages',
        planId: 'business',
        offerId: 'teams-ai-assistant',
        submittedQuantity: 5,
        processedQuantity: 5,
        submittedCount: 2,
        reconStatus: 'Accepted',
      },
      {
        usageDate: '2026-03-10T00:00:00.000Z',
        usageResourceId: business,
        dimension: 'premium_messages',
        planId: 'business',
        offerId: 'teams-ai-assistant',
        submittedQuantity: 4,
        processedQuantity: 4,
        submittedCount: 1,
        reconStatus: 'Accepted',
      },
    ]);
    const filtered = usageEvents({ usageStartDate: '2026-03-10', usageEndDate: '2026-03-10', dimension: 'messages' });
    expect('rows' in filtered && filtered.rows.map((r: { submittedQuantity: number }) => r.submittedQuantity)).toEqual([5]);
    expect(usageEvents({ usageStartDate: '2026-03-01', offerId: 'another-offer' })).toEqual({ rows: [] });
    expect(usageEvents({})).toMatchObject({ error: { code: 'BadArgument', target: 'usageStartDate' } });
  });
});
