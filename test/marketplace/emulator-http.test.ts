import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/domain/clock';
import { EMULATOR_API_TOKEN, startStandaloneEmulator, type StandaloneEmulator } from '../helpers/standalone-emulator';
import { waitFor } from '../helpers/wait-for';

/**
 * The emulator's Fulfillment and Metering APIs over real HTTP on an ephemeral port, called the way our client
 * calls Azure: `?api-version=2018-08-31`, a bearer token, JSON bodies.
 */
const NOW = '2026-03-10T10:20:00.000Z';

interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  apiVersion?: string | null;
  bearer?: string | null;
  signal?: AbortSignal;
}

/** One API call; `path` is relative to `${url}/api`, or an absolute URL (nextLink, Operation-Location) used as is. */
async function call(url: string, method: string, path: string, o: CallOptions = {}) {
  let target = path.startsWith('http') ? path : `${url}/api${path}`;
  if (!path.startsWith('http') && o.apiVersion !== null)
    target += `${target.includes('?') ? '&' : '?'}api-version=${o.apiVersion ?? '2018-08-31'}`;
  const bearer = o.bearer === undefined ? EMULATOR_API_TOKEN : o.bearer;
  const response = await fetch(target, {
    method,
    headers: {
      ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
      ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...o.headers,
    },
    ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const text = await response.text();
  const body: any = text ? JSON.parse(text) : undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
  return { status: response.status, headers: response.headers, body };
}

async function activate(r: StandaloneEmulator, subscriptionId: string, planId: string) {
  return call(r.url, 'POST', `/saas/subscriptions/${subscriptionId}/activate`, { body: { planId } });
}

/** A subscription bought and activated (through the API) `agoMs` before the clock's now. */
async function activeSince(r: StandaloneEmulator, planId: string, agoMs: number, quantity?: number): Promise<string> {
  const now = r.clock.now();
  r.clock.set(new Date(now.getTime() - agoMs));
  try {
    const { subscriptionId } = r.emulator.buy({ planId, tenantId: `tenant-${planId}`, ...(quantity ? { quantity } : {}) });
    expect((await activate(r, subscriptionId, planId)).status).toBe(200);
    return subscriptionId;
  } finally {
    r.clock.set(now);
  }
}

describe('Fulfillment API', () => {
  let r: StandaloneEmulator;
  beforeAll(async () => {
    r = await startStandaloneEmulator();
  });
  afterAll(() => r.close());

  it('refuses a call without api-version (400) or with a wrong one, and without the bearer token (401)', async () => {
    const id = r.emulator.buy({ planId: 'business', tenantId: 't' }).subscriptionId;
    const noVersion = await call(r.url, 'GET', `/saas/subscriptions/${id}`, { apiVersion: null });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body).toMatchObject({ code: 'BadArgument', target: 'api-version' });
    expect((await call(r.url, 'GET', `/saas/subscriptions/${id}`, { apiVersion: '2022-01-01' })).status).toBe(400);
    const noBearer = await call(r.url, 'GET', `/saas/subscriptions/${id}`, { bearer: null });
    expect(noBearer.status).toBe(401);
    expect(noBearer.body).toMatchObject({ code: 'Unauthorized' });
    expect((await call(r.url, 'GET', `/saas/subscriptions/${id}`, { bearer: 'someone-else' })).status).toBe(401);
    expect((await call(r.url, 'GET', `/saas/subscriptions/${id}`)).status).toBe(200);
  });

  it('echoes x-ms-requestid and x-ms-correlationid, and makes them up when absent', async () => {
    const echoed = await call(r.url, 'GET', '/saas/subscriptions', {
      headers: { 'x-ms-requestid': 'req-1', 'x-ms-correlationid': 'corr-1' },
    });
    expect(echoed.headers.get('x-ms-requestid')).toBe('req-1');
    expect(echoed.headers.get('x-ms-correlationid')).toBe('corr-1');
    const made = await call(r.url, 'GET', '/saas/subscriptions', { bearer: null });
    expect(made.headers.get('x-ms-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.headers.get('x-ms-correlationid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("resolves the token as sent; a '+' turned into ' ', a missing or an expired token get 400", async () => {
    const { subscriptionId, token } = r.emulator.buy({
      planId: 'team-seat',
      quantity: 4,
      tenantId: 'tenant-a',
      name: 'Contoso seats',
    });
    expect(token).toMatch(/\+/);
    expect(token).toMatch(/\//);
    const ok = await call(r.url, 'POST', '/saas/subscriptions/resolve', { headers: { 'x-ms-marketplace-token': token } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      id: subscriptionId,
      subscriptionName: 'Contoso seats',
      offerId: 'teams-ai-assistant-users',
      planId: 'team-seat',
      quantity: 4,
    });
    expect(ok.body.subscription).toMatchObject({
      id: subscriptionId,
      saasSubscriptionStatus: 'PendingFulfillmentStart',
      beneficiary: { tenantId: 'tenant-a' },
    });

    const mangled = await call(r.url, 'POST', '/saas/subscriptions/resolve', {
      headers: { 'x-ms-marketplace-token': token.replace(/\+/g, ' ') },
    });
    expect(mangled.status).toBe(400);
    expect(mangled.body).toMatchObject({ code: 'BadArgument' });
    expect((await call(r.url, 'POST', '/saas/subscriptions/resolve')).status).toBe(400);

    r.clock.advance(24 * HOUR);
    expect(
      (await call(r.url, 'POST', '/saas/subscriptions/resolve', { headers: { 'x-ms-marketplace-token': token } })).status,
    ).toBe(400);
    r.clock.set(NOW);
  });

  it('activates: 200 at once, Subscribed with its term only after the activation delay', async () => {
    r.emulator.configure({ activationDelayMs: 5000 });
    try {
      const { subscriptionId } = r.emulator.buy({ planId: 'business', tenantId: 'tenant-b' });
      const wrongPlan = await activate(r, subscriptionId, 'starter');
      expect(wrongPlan.status).toBe(400);
      expect(wrongPlan.body).toMatchObject({ code: 'BadArgument' });
      const accepted = await activate(r, subscriptionId, 'business');
      expect(accepted.status).toBe(200);
      const before = await call(r.url, 'GET', `/saas/subscriptions/${subscriptionId}`);
      expect(before.body).toMatchObject({ saasSubscriptionStatus: 'PendingFulfillmentStart', term: {} });
      r.clock.advance(5000);
      const after = await call(r.url, 'GET', `/saas/subscriptions/${subscriptionId}`);
      expect(after.body).toMatchObject({
        saasSubscriptionStatus: 'Subscribed',
        term: { startDate: '2026-03-10T00:00:00.000Z', endDate: '2026-04-09T00:00:00.000Z', termUnit: 'P1M' },
      });
      // Activating an activated subscription again with its own plan is accepted (our landing page may retry).
      expect((await activate(r, subscriptionId, 'business')).status).toBe(200);
    } finally {
      r.emulator.configure({ activationDelayMs: 0 });
      r.clock.set(NOW);
    }
  });

  it('answers 404 for an unknown subscription or operation', async () => {
    const unknown = '11111111-2222-3333-4444-555555555555';
    const get = await call(r.url, 'GET', `/saas/subscriptions/${unknown}`);
    expect(get.status).toBe(404);
    expect(get.body).toMatchObject({ code: 'EntityNotFound' });
    expect((await activate(r, unknown, 'business')).status).toBe(404);
    const id = r.emulator.buy({ planId: 'business', tenantId: 't' }).subscriptionId;
    expect((await call(r.url, 'GET', `/saas/subscriptions/${id}/operations/${unknown}`)).status).toBe(404);
  });

  it("lists the available plans of the subscription's offer from our catalog, with metered dimensions on overage plans only", async () => {
    const id = r.emulator.buy({ planId: 'business', tenantId: 't' }).subscriptionId;
    const res = await call(r.url, 'GET', `/saas/subscriptions/${id}/listAvailablePlans`);
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.plans.map((p: { planId: string }) => [p.planId, p]));
    expect(Object.keys(byId)).toEqual(['starter', 'business', 'enterprise']);
    const seatId = r.emulator.buy({ planId: 'team-seat', quantity: 2, tenantId: 't' }).subscriptionId;
    const seatPlans = (await call(r.url, 'GET', `/saas/subscriptions/${seatId}/listAvailablePlans`)).body.plans;
    expect(seatPlans.map((p: { planId: string }) => p.planId)).toEqual(['team-seat', 'team-plus']);
    byId['team-seat'] = seatPlans[0];
    expect(byId.business.planComponents.meteringDimensions.map((d: { id: string }) => d.id)).toEqual([
      'messages',
      'premium_messages',
    ]);
    expect(byId.business.planComponents.recurrentBillingTerms[0]).toMatchObject({
      termUnit: 'P1M',
      price: 49,
      currency: 'EUR',
      meteredQuantityIncluded: [
        { dimensionId: 'messages', units: '5000' },
        { dimensionId: 'premium_messages', units: '500' },
      ],
    });
    // An unlimited dimension is enabled on the plan ("∞") but never takes usage.
    expect(byId.enterprise.planComponents.meteringDimensions).toEqual([
      { id: 'messages', currency: 'EUR', pricePerUnit: 0, unitOfMeasure: 'Unit', displayName: 'messages' },
      { id: 'premium_messages', currency: 'EUR', pricePerUnit: 0.03, unitOfMeasure: 'Unit', displayName: 'premium_messages' },
    ]);
    expect(byId.enterprise.planComponents.recurrentBillingTerms[0].meteredQuantityIncluded[0]).toEqual({
      dimensionId: 'messages',
      units: 'Unlimited',
    });
    expect(byId.starter.planComponents.meteringDimensions).toEqual([]);
    expect(byId['team-seat']).toMatchObject({ isPricePerSeat: true, minQuantity: 1, maxQuantity: 1000, hasFreeTrials: true });
    expect(byId['team-seat'].planComponents.meteringDimensions).toEqual([]);
  });

  it('PATCH changes the plan or the quantity (202 + Operation-Location), never both at once', async () => {
    const id = await activeSince(r, 'team-seat', HOUR, 3);

    const seats = await call(r.url, 'PATCH', `/saas/subscriptions/${id}`, { body: { quantity: 8 } });
    expect(seats.status).toBe(202);
    const location = seats.headers.get('operation-location')!;
    expect(location).toMatch(
      new RegExp(`^${r.url}/api/saas/subscriptions/${id}/operations/[0-9a-f-]{36}\\?api-version=2018-08-31$`),
    );
    const op = await call(r.url, 'GET', location);
    expect(op.body).toMatchObject({
      subscriptionId: id,
      action: 'ChangeQuantity',
      quantity: 8,
      status: 'Succeeded',
      operationRequestSource: 'Partner',
      offerId: 'teams-ai-assistant-users',
      publisherId: 'contoso',
    });
    expect((await call(r.url, 'GET', `/saas/subscriptions/${id}`)).body.quantity).toBe(8);
    // Another offer's plan is not a plan change Partner Center allows.
    expect((await call(r.url, 'PATCH', `/saas/subscriptions/${id}`, { body: { planId: 'business' } })).status).toBe(400);

    const flatId = await activeSince(r, 'starter', HOUR);
    const plan = await call(r.url, 'PATCH', `/saas/subscriptions/${flatId}`, { body: { planId: 'business' } });
    expect(plan.status).toBe(202);
    expect((await call(r.url, 'GET', plan.headers.get('operation-location')!)).body).toMatchObject({
      action: 'ChangePlan',
      planId: 'business',
      status: 'Succeeded',
    });
    expect((await call(r.url, 'GET', `/saas/subscriptions/${flatId}`)).body.planId).toBe('business');

    const both = await call(r.url, 'PATCH', `/saas/subscriptions/${flatId}`, { body: { planId: 'starter', quantity: 2 } });
    expect(both.status).toBe(400);
    expect(both.body).toMatchObject({ code: 'BadArgument' });
    expect((await call(r.url, 'PATCH', `/saas/subscriptions/${flatId}`, { body: { planId: 'gold' } })).status).toBe(400);
    expect((await call(r.url, 'GET', `/saas/subscriptions/${flatId}`)).body.planId).toBe('business');
  });

  it('DELETE cancels (202 + Operation-Location); a second DELETE is refused', async () => {
    const id = await activeSince(r, 'business', HOUR);
    const res = await call(r.url, 'DELETE', `/saas/subscriptions/${id}`);
    expect(res.status).toBe(202);
    expect((await call(r.url, 'GET', res.headers.get('operation-location')!)).body).toMatchObject({
      action: 'Unsubscribe',
      status: 'Succeeded',
    });
    expect((await call(r.url, 'GET', `/saas/subscriptions/${id}`)).body.saasSubscriptionStatus).toBe('Unsubscribed');
    expect((await call(r.url, 'DELETE', `/saas/subscriptions/${id}`)).status).toBe(400);
  });

  it('pending operations: listed until the publisher settles them; Success applies, the second PATCH is 409', async () => {
    const id = await activeSince(r, 'business', HOUR);
    const change = await r.emulator.trigger(id, 'ChangePlan', { planId: 'enterprise' });
    expect(change.webhookStatus).toBe(0);
    const pending = await call(r.url, 'GET', `/saas/subscriptions/${id}/operations`);
    expect(pending.body.operations.map((o: { id: string; status: string }) => [o.id, o.status])).toEqual([
      [change.operationId, 'InProgress'],
    ]);
    // The publisher's own PATCH of the subscription waits for the customer's change.
    expect((await call(r.url, 'PATCH', `/saas/subscriptions/${id}`, { body: { planId: 'starter' } })).status).toBe(409);

    const opPath = `/saas/subscriptions/${id}/operations/${change.operationId}`;
    expect((await call(r.url, 'PATCH', opPath, { body: { status: 'Done' } })).status).toBe(400);
    const settled = await call(r.url, 'PATCH', opPath, { body: { status: 'Success' } });
    expect(settled.status).toBe(200);
    expect((await call(r.url, 'GET', opPath)).body.status).toBe('Succeeded');
    expect((await call(r.url, 'GET', `/saas/subscriptions/${id}`)).body.planId).toBe('enterprise');
    expect((await call(r.url, 'GET', `/saas/subscriptions/${id}/operations`)).body.operations).toEqual([]);
    const again = await call(r.url, 'PATCH', opPath, { body: { status: 'Failure' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'Conflict' });
  });

  it('a Failure leaves the subscription as it was', async () => {
    const id = await activeSince(r, 'team-seat', HOUR, 2);
    const change = await r.emulator.trigger(id, 'ChangeQuantity', { quantity: 6 });
    const opPath = `/saas/subscriptions/${id}/operations/${change.operationId}`;
    expect((await call(r.url, 'PATCH', opPath, { body: { status: 'Failure' } })).status).toBe(200);
    expect((await call(r.url, 'GET', opPath)).body.status).toBe('Failed');
    expect((await call(r.url, 'GET', `/saas/subscriptions/${id}`)).body.quantity).toBe(2);
    expect((await call(r.url, 'PATCH', opPath, { body: { status: 'Success' } })).status).toBe(409);
  });
});

describe('Fulfillment API paging', () => {
  let r: StandaloneEmulator;
  afterEach(() => r.close());

  it('pages the list with absolute @nextLink URLs until the last page', async () => {
    r = await startStandaloneEmulator({ pageSize: 2 });
    const bought = Array.from(
      { length: 5 },
      (_, i) => r.emulator.buy({ planId: 'starter', tenantId: `tenant-${i}` }).subscriptionId,
    );
    const pages: string[][] = [];
    let next: string | undefined = `${r.url}/api/saas/subscriptions?api-version=2018-08-31`;
    while (next) {
      expect(next.startsWith(`${r.url}/api/saas/subscriptions?`)).toBe(true);
      const res = await call(r.url, 'GET', next);
      expect(res.status).toBe(200);
      pages.push(res.body.subscriptions.map((s: { id: string }) => s.id));
      next = res.body['@nextLink'];
      if (next) expect(new URL(next).searchParams.get('api-version')).toBe('2018-08-31');
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(bought);
    expect((await call(r.url, 'GET', '/saas/subscriptions?continuationToken=garbage')).status).toBe(400);
  });
});

describe('Metering API', () => {
  let r: StandaloneEmulator;
  let business: string;
  const event = (over: Record<string, unknown> = {}) => ({
    resourceId: business,
    dimension: 'messages',
    quantity: 12,
    planId: 'business',
    effectiveStartTime: '2026-03-10T09:00:00Z',
    ...over,
  });
  beforeAll(async () => {
    r = await startStandaloneEmulator();
  });
  afterAll(() => r.close());
  beforeEach(async () => {
    r.clock.set(NOW);
    business = await activeSince(r, 'business', 30 * HOUR);
  });

  it('accepts an event (200) and answers a second one for the same hour 409 with the original', async () => {
    const first = await call(r.url, 'POST', '/usageEvent', { body: event() });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      usageEventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'Accepted',
      messageTime: NOW,
      resourceId: business,
      quantity: 12,
      dimension: 'messages',
      effectiveStartTime: '2026-03-10T09:00:00.000Z',
      planId: 'business',
    });
    const second = await call(r.url, 'POST', '/usageEvent', {
      body: event({ quantity: 40, effectiveStartTime: '2026-03-10T09:45:00Z' }),
    });
    expect(second.status).toBe(409);
    expect(second.body).toEqual({
      code: 'Conflict',
      message: 'This usage event already exist.',
      additionalInfo: { acceptedMessage: { ...first.body, status: 'Duplicate' } },
    });
    expect(
      r.emulator
        .acceptedUsage()
        .filter((u) => u.resourceId === business)
        .map((u) => u.quantity),
    ).toEqual([12]);
  });

  it('answers 400 "Event has expired" for an event more than 24 hours old', async () => {
    const res = await call(r.url, 'POST', '/usageEvent', { body: event({ effectiveStartTime: '2026-03-09T10:00:00Z' }) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BadArgument', message: 'Event has expired' });
  });

  it.each([
    ['an unknown resource', { resourceId: '11111111-2222-3333-4444-555555555555' }, 'ResourceNotFound'],
    ['a dimension the plan does not meter', { dimension: 'tokens' }, 'InvalidDimension'],
    ['a zero quantity', { quantity: 0 }, 'InvalidQuantity'],
    ['a quantity that is not a number', { quantity: 'lots' }, 'InvalidQuantity'],
    ['a missing dimension', { dimension: undefined }, 'BadArgument'],
    ['a missing planId', { planId: undefined }, 'BadArgument'],
    ['an event from the future', { effectiveStartTime: '2026-03-10T13:00:00Z' }, 'BadArgument'],
  ])('answers 400 for %s (%s)', async (_why, over, code) => {
    const res = await call(r.url, 'POST', '/usageEvent', { body: event(over) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(code);
  });

  it('refuses usage on a subscription that is not active (ResourceNotActive)', async () => {
    const pending = r.emulator.buy({ planId: 'business', tenantId: 'tenant-p' }).subscriptionId;
    const res = await call(r.url, 'POST', '/usageEvent', { body: event({ resourceId: pending }) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ResourceNotActive');
  });

  it('after a cancel, still takes the hours that started before it (within 24 h), not later ones', async () => {
    expect((await call(r.url, 'DELETE', `/saas/subscriptions/${business}`)).status).toBe(202); // at 10:20
    expect(
      (await call(r.url, 'POST', '/usageEvent', { body: event({ effectiveStartTime: '2026-03-10T10:00:00Z' }) })).status,
    ).toBe(200);
    r.clock.advance(HOUR);
    const later = await call(r.url, 'POST', '/usageEvent', { body: event({ effectiveStartTime: '2026-03-10T11:00:00Z' }) });
    expect(later.status).toBe(400);
    expect(later.body.code).toBe('ResourceNotActive');
  });

  it('refuses dimensions on a hard-capped plan and on a per-seat plan (InvalidDimension)', async () => {
    for (const [planId, quantity] of [
      ['starter', undefined],
      ['team-seat', 5],
    ] as const) {
      const id = await activeSince(r, planId, 30 * HOUR, quantity);
      const res = await call(r.url, 'POST', '/usageEvent', { body: event({ resourceId: id, planId }) });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('InvalidDimension');
    }
  });

  it('batch: more than 25 events is a 400; 25 are judged one by one', async () => {
    const hours = (n: number, dimension: string) =>
      Array.from({ length: n }, (_, i) =>
        event({ dimension, effectiveStartTime: new Date(Date.parse('2026-03-10T10:00:00Z') - i * HOUR).toISOString() }),
      );
    const tooMany = await call(r.url, 'POST', '/batchUsageEvent', {
      body: { request: [...hours(13, 'messages'), ...hours(13, 'premium_messages')] },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ code: 'BadArgument' });
    expect(r.emulator.acceptedUsage().filter((u) => u.resourceId === business)).toEqual([]);

    const batch = [...hours(12, 'messages'), ...hours(12, 'premium_messages'), event({ quantity: 99 })];
    const res = await call(r.url, 'POST', '/batchUsageEvent', { body: { request: batch } });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(25);
    expect(res.body.result.slice(0, 24).every((item: { status: string }) => item.status === 'Accepted')).toBe(true);
    // The last one repeats the 09:00 messages hour of the same batch.
    expect(res.body.result[24]).toMatchObject({
      status: 'Duplicate',
      quantity: 99,
      error: { code: 'Conflict', additionalInfo: { acceptedMessage: { status: 'Duplicate', quantity: 12 } } },
    });
  });

  it('batch: each item gets its own status', async () => {
    const pending = r.emulator.buy({ planId: 'business', tenantId: 'tenant-q' }).subscriptionId;
    const res = await call(r.url, 'POST', '/batchUsageEvent', {
      body: {
        request: [
          event(),
          event({ quantity: 3 }),
          event({ effectiveStartTime: '2026-03-08T10:00:00Z' }),
          event({ dimension: 'tokens' }),
          event({ quantity: -2 }),
          event({ resourceId: pending }),
          event({ resourceId: '11111111-2222-3333-4444-555555555555' }),
          { dimension: 'messages' },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.result.map((item: { status: string }) => item.status)).toEqual([
      'Accepted',
      'Duplicate',
      'Expired',
      'InvalidDimension',
      'InvalidQuantity',
      'ResourceNotActive',
      'ResourceNotFound',
      'BadArgument',
    ]);
    expect(res.body.result[2].error).toMatchObject({ code: 'BadArgument', message: 'Event has expired' });
  });

  it('reports usage per day, resource, dimension and plan', async () => {
    await call(r.url, 'POST', '/batchUsageEvent', {
      body: {
        request: [
          event({ quantity: 2, effectiveStartTime: '2026-03-10T08:00:00Z' }),
          event({ quantity: 3 }),
          event({ quantity: 5, dimension: 'premium_messages' }),
        ],
      },
    });
    const res = await call(r.url, 'GET', `/usageEvents?usageStartDate=2026-03-10&planId=business&dimension=messages`);
    expect(res.status).toBe(200);
    expect(res.body.filter((row: { usageResourceId: string }) => row.usageResourceId === business)).toEqual([
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
    ]);
    expect((await call(r.url, 'GET', '/usageEvents')).status).toBe(400);
  });
});

describe('fault injection', () => {
  let r: StandaloneEmulator;
  afterEach(() => r.close());

  const usage = (resourceId: string, quantity = 7) => ({
    resourceId,
    dimension: 'messages',
    quantity,
    planId: 'business',
    effectiveStartTime: '2026-03-10T09:00:00Z',
  });
  async function withActiveBusiness() {
    r = await startStandaloneEmulator();
    return activeSince(r, 'business', 3 * HOUR);
  }

  it('throttleRate 1 answers every call 429 with Retry-After: 1, and counts them', async () => {
    const id = await withActiveBusiness();
    r.emulator.configure({ faults: { throttleRate: 1, seed: 7 } });
    for (let i = 0; i < 5; i++) {
      const res = await call(r.url, 'POST', '/usageEvent', { body: usage(id) });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body).toMatchObject({ code: 'TooManyRequests' });
    }
    expect(r.emulator.acceptedUsage()).toEqual([]);
    expect(r.emulator.callCounts()).toMatchObject({ usageEvent: 5, activate: 1 });
  });

  it('errorRate 1 answers 500 or 503 and records nothing', async () => {
    const id = await withActiveBusiness();
    r.emulator.configure({ faults: { errorRate: 1, seed: 3 } });
    const statuses = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await call(r.url, 'POST', '/batchUsageEvent', { body: { request: [usage(id)] } })).status);
    expect(statuses.every((s) => s === 500 || s === 503)).toBe(true);
    expect(r.emulator.acceptedUsage()).toEqual([]);
    expect(r.emulator.callCounts().batchUsageEvent).toBe(8);
  });

  it('rolls the same faults for the same seed and call order', async () => {
    r = await startStandaloneEmulator();
    const run = async () => {
      r.emulator.configure({ faults: { errorRate: 0.3, throttleRate: 0.3, seed: 42 } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await call(r.url, 'GET', '/saas/subscriptions')).status);
      return statuses;
    };
    const first = await run();
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(await run()).toEqual(first);
  });

  it('lostResponseRate 1 does the work and answers 500; the retry then gets Duplicate', async () => {
    const id = await withActiveBusiness();
    r.emulator.configure({ faults: { lostResponseRate: 1, seed: 1 } });
    const lost = await call(r.url, 'POST', '/usageEvent', { body: usage(id, 7) });
    expect(lost.status).toBe(500);
    expect(r.emulator.acceptedUsage().map((u) => u.quantity)).toEqual([7]);
    r.emulator.configure({ faults: {} });
    const retry = await call(r.url, 'POST', '/usageEvent', { body: usage(id, 7) });
    expect(retry.status).toBe(409);
    expect(retry.body.additionalInfo.acceptedMessage).toMatchObject({ status: 'Duplicate', quantity: 7 });
  });

  it('timeoutRate 1 never answers: the client gives up, and close() still returns promptly', async () => {
    const id = await withActiveBusiness();
    r.emulator.configure({ faults: { timeoutRate: 1, seed: 1 } });
    await expect(call(r.url, 'POST', '/usageEvent', { body: usage(id), signal: AbortSignal.timeout(300) })).rejects.toThrow();
    // A second request the client never abandons: only close() can end it.
    const hanging = call(r.url, 'GET', '/saas/subscriptions').catch((thrown: Error) => thrown);
    // Counted, then held unanswered in the same tick (no latency configured).
    await waitFor(() => r.emulator.callCounts().listSubscriptions === 1, 5000, 'the request to reach the emulator');
    const started = Date.now();
    await r.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hanging).toBeInstanceOf(Error);
    expect(r.emulator.callCounts().usageEvent).toBe(1);
  });

  it('latencyMs delays every call', async () => {
    r = await startStandaloneEmulator({ faults: { latencyMs: 150 } });
    const started = Date.now();
    expect((await call(r.url, 'GET', '/saas/subscriptions')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
