import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/domain/clock';
import type { Subscription } from '../../src/domain/subscription';
import { silentLogger } from '../../src/logger';
import { loadPlanCatalog } from '../../src/plan-catalog-source';
import {
  overageKey,
  SimulationClock,
  simulatedTenant,
  UsageSimulation,
  PLAN_MIX,
} from '../../scripts/simulation/usage-simulation';
import { loadConfig } from '../../src/config';
import { createMeteringWorker } from '../../src/worker/create-metering-worker';
import { FakeClock } from '../helpers/fake-clock';
import { testEnv } from '../helpers/test-app';
import { startMeteringHarness, twoUnitsInHourOne, type MeteringHarness } from '../helpers/metering-harness';
import { mulberry32 } from '../../src/domain/seeded-random';

const T = (iso: string) => new Date(iso);
const DAY0 = '2026-03-10';
const at = (hhmm: string, day = DAY0) => T(`${day}T${hhmm}:00.000Z`);

/** Accepted events on the emulator, as `${dimension}@${hour}=${quantity}` for one subscription. */
function acceptedFor(h: MeteringHarness, subscription: Subscription): string[] {
  return h.emulator
    .acceptedUsage()
    .filter((u) => u.resourceId === subscription.id)
    .map((u) => `${u.dimension}@${new Date(u.effectiveStartTime).toISOString().slice(11, 16)}=${u.quantity}`)
    .sort();
}

describe('metering worker against the Marketplace emulator', () => {
  let clock: FakeClock;
  let h: MeteringHarness;

  beforeEach(async () => {
    clock = new FakeClock(at('00:30'));
    h = await startMeteringHarness(clock);
  });
  afterEach(() => h.close());

  describe('overage math', () => {
    it('bills the part of a turn above the allowance: a turn of 3 units with 1 left bills 2', async () => {
      const s = await h.subscribe('business', 'tenant-a');
      await h.priorUsage(s, 'premium_messages', 499, at('00:40'));
      expect(await h.turn(s, at('01:20'), 5999)).toBe(true);
      await h.runAt(at('02:06'));
      expect(acceptedFor(h, s)).toEqual(['premium_messages@01:00=2']);
    });

    it('starts a fresh allowance at the period boundary', async () => {
      const s = await h.subscribe('business', 'tenant-a');
      // The term started on 10 March: the period ends on 10 April at midnight.
      await h.priorUsage(s, 'messages', 5000, at('21:00', '2026-04-09'));
      for (const t of ['22:10', '22:20', '22:30']) await h.turn(s, at(t, '2026-04-09'));
      for (const t of ['00:10', '00:20']) await h.turn(s, at(t, '2026-04-10'));
      await h.runAt(at('01:06', '2026-04-10'));
      expect(acceptedFor(h, s)).toEqual(['messages@22:00=3']);
    });

    it('applies the new plan’s allowance after a plan change in the middle of the period', async () => {
      const s = await h.subscribe('business', 'tenant-a');
      await h.priorUsage(s, 'messages', 4998, at('00:40'));
      await h.priorUsage(s, 'premium_messages', 498, at('00:45'));
      for (const t of ['01:05', '01:10', '01:15', '01:20']) await h.turn(s, at(t));
      // Customer moves to Enterprise (messages unlimited, 5,000 premium included).
      clock.set(at('01:30'));
      await h.fulfillment.changePlan(s.id, 'enterprise');
      const enterprise = { ...s, planId: 'enterprise' };
      await h.store.subscriptions.upsert(enterprise);
      for (const t of ['01:45', '01:50', '02:10']) await h.turn(enterprise, at(t));
      await h.turn(enterprise, at('01:55'), 5999);
      await h.runAt(at('03:06'));
      // Only the business-plan turns past 5,000 messages bill; the premium turn is within Enterprise's allowance.
      expect(acceptedFor(h, s)).toEqual(['messages@01:00=2']);
      expect(h.emulator.acceptedUsage()[0]!.planId).toBe('business');
    });

    it('never bills unlimited dimensions, hard caps or seat plans', async () => {
      const enterprise = await h.subscribe('enterprise', 'tenant-e');
      const starter = await h.subscribe('starter', 'tenant-s');
      const seats = await h.subscribe('team-seat', 'tenant-t', 1);
      await h.priorUsage(enterprise, 'messages', 1_000_000, at('00:40'));
      await h.priorUsage(starter, 'messages', 499, at('00:40'));
      await h.priorUsage(seats, 'messages', 299, at('00:40'));
      for (const s of [enterprise, starter, seats]) for (const t of ['01:10', '01:20', '01:30']) await h.turn(s, at(t));
      await h.runAt(at('02:06'));
      expect(h.emulator.acceptedUsage()).toEqual([]);
      expect(h.emulator.callCounts().batchUsageEvent ?? 0).toBe(0);
      expect(await h.store.metering.list()).toEqual([]);
    });
  });

  describe('one event per subscription, dimension and hour', () => {
    it('sends nothing before the hour has closed plus the grace, then the hour once, whole; later usage goes to the next hour', async () => {
      const s = await h.subscribe('business', 'tenant-a');
      await h.priorUsage(s, 'messages', 5000, at('00:40'));
      for (const t of ['01:10', '01:20', '01:30']) await h.turn(s, at(t));
      expect((await h.runAt(at('01:59'))).flush.calls).toBe(0);
      expect((await h.runAt(at('02:04'))).flush.calls).toBe(0);
      await h.turn(s, at('01:58'));
      expect((await h.runAt(at('02:06'))).flush).toMatchObject({ calls: 1, accepted: 1 });
      expect(acceptedFor(h, s)).toEqual(['messages@01:00=4']);

      // Usage of hour 01 that reaches the worker after the hour was sent goes into hour 02.
      await h.turn(s, at('01:59'));
      await h.turn(s, at('02:30'));
      await h.runAt(at('02:40'));
      expect(acceptedFor(h, s)).toEqual(['messages@01:00=4']);
      await h.runAt(at('03:06'));
      expect(acceptedFor(h, s)).toEqual(['messages@01:00=4', 'messages@02:00=2']);
      expect(h.emulator.callCounts().batchUsageEvent).toBe(2);
    });

    it('never sends an hour older than 24 hours: its units are carried into a current hour', async () => {
      const s = await h.subscribe('business', 'tenant-a');
      await h.priorUsage(s, 'messages', 5000, at('00:40'));
      await h.turn(s, at('01:10'));
      await h.turn(s, at('01:20'));
      // The worker was down for a day: the hour is too old when the usage reaches it.
      const drained = await h.runAt(at('03:20', '2026-03-11'));
      expect(drained.drain.carriedUnits).toBe(2);
      expect(drained.flush.calls).toBe(0);
      await h.runAt(at('04:06', '2026-03-11'));
      expect(acceptedFor(h, s)).toEqual(['messages@03:00=2']);
      expect(await h.store.metering.get(s.id, 'messages', at('01:00'))).toBeUndefined();
    });

    it('carries an hour that grew too old while waiting to be sent', async () => {
      const s = await h.subscribe('business', 'tenant-a');
      await h.priorUsage(s, 'messages', 5000, at('00:40'));
      await h.turn(s, at('01:10'));
      clock.set(at('01:30'));
      await h.worker.drain();
      // Not sent until 23 h 40 min later (e.g. it kept failing): too old to be worth a call.
      const late = await h.runAt(at('00:40', '2026-03-11'));
      expect(late.flush).toMatchObject({ calls: 0, expired: 1 });
      expect(await h.store.metering.get(s.id, 'messages', at('01:00'))).toMatchObject({ status: 'Expired' });
      await h.runAt(at('01:06', '2026-03-11'));
      expect(acceptedFor(h, s)).toEqual(['messages@00:00=1']);
    });

    it('sends 26 due hours in two calls, 25 + 1', async () => {
      const subs: Subscription[] = [];
      for (let i = 0; i < 26; i++) subs.push(await h.subscribe('business', `tenant-${i}`));
      for (const s of subs) {
        await h.priorUsage(s, 'messages', 5000, at('00:40'));
        await h.turn(s, at('01:10'));
      }
      const before = h.emulator.callCounts().batchUsageEvent ?? 0;
      const result = await h.runAt(at('02:06'));
      expect(result.flush).toMatchObject({ calls: 2, submitted: 26, accepted: 26 });
      expect((h.emulator.callCounts().batchUsageEvent ?? 0) - before).toBe(2);
    });

    it('holds a partial batch in continuous mode until more hours are due or it has waited an hour', async () => {
      const s = await h.subscribe('business', 'tenant-a');
      await h.priorUsage(s, 'messages', 5000, at('00:40'));
      await h.turn(s, at('01:10'));
      clock.set(at('02:06'));
      await h.worker.drain();
      expect((await h.worker.flush({ flushAll: false })).calls).toBe(0);
      clock.set(at('03:07'));
      expect((await h.worker.flush({ flushAll: false })).calls).toBe(1);
    });
  });

  describe('duplicates', () => {
    const preSubmit = async (s: Subscription, quantity: number) => {
      clock.set(at('02:00'));
      const res = await fetch(`${h.emulatorUrl}/api/usageEvent?api-version=2018-08-31`, {
        method: 'POST',
        headers: { authorization: 'Bearer emulator-access-token', 'content-type': 'application/json' },
        body: JSON.stringify({
          resourceId: s.id,
          quantity,
          dimension: 'messages',
          effectiveStartTime: at('01:00').toISOString(),
          planId: 'business',
        }),
      });
      expect(res.status).toBe(200);
    };

    it('settles a duplicate with our quantity as done (a resend after a crash)', async () => {
      const s = await h.subscribe('business', 'tenant-a');
      await h.priorUsage(s, 'messages', 5000, at('00:40'));
      await h.turn(s, at('01:10'));
      await h.turn(s, at('01:20'));
      await preSubmit(s, 2);
      expect((await h.runAt(at('02:06'))).flush).toMatchObject({ accepted: 1, conflicts: 0 });
      expect(await h.store.metering.get(s.id, 'messages', at('01:00'))).toMatchObject({
        status: 'Accepted',
        acceptedQuantity: 2,
        usageEventId: expect.any(String),
      });
    });

    it('records a duplicate with another quantity as a conflict for the operator, never silently', async () => {
      const s = await h.subscribe('business', 'tenant-a');
      await h.priorUsage(s, 'messages', 5000, at('00:40'));
      await h.turn(s, at('01:10'));
      await h.turn(s, at('01:20'));
      await preSubmit(s, 7);
      expect((await h.runAt(at('02:06'))).flush).toMatchObject({ accepted: 0, conflicts: 1 });
      const report = await h.store.metering.get(s.id, 'messages', at('01:00'));
      expect(report).toMatchObject({
        status: 'Conflict',
        quantity: 2,
        acceptedQuantity: 7,
        errorMessage: expect.stringContaining('holds 7'),
      });
      expect((await h.store.metering.overview(10, 8)).attention.map((r) => r.id)).toEqual([report!.id]);
    });
  });

  it('reports each settled hour to telemetry when built from configuration', async () => {
    const results: { status: string; quantity: number }[] = [];
    const config = loadConfig(testEnv({ MARKETPLACE_API_BASE_URL: `${h.emulatorUrl}/api`, MARKETPLACE_AUTH: 'emulator' }));
    const { worker } = await createMeteringWorker(config, {
      clock,
      logger: silentLogger,
      store: h.store,
      queue: h.store.outboxQueue({ clock }),
      telemetry: {
        subscriptionEvent: () => undefined,
        usageRecorded: () => undefined,
        dependency: () => undefined,
        flush: async () => undefined,
        meteringResult: (r) => void results.push(r),
        billedVsSent: () => undefined,
      },
    });
    const s = await h.subscribe('business', 'tenant-a');
    await h.priorUsage(s, 'messages', 5000, at('00:40'));
    await h.turn(s, at('01:10'));
    clock.set(at('02:06'));
    await worker.runOnce();
    expect(results).toEqual([
      expect.objectContaining({ subscriptionId: s.id, dimension: 'messages', status: 'Accepted', quantity: 1, attempts: 1 }),
    ]);
  });

  it('holds usage of a subscription that is not active, refreshes it, and sends it once reinstated', async () => {
    const s = await h.subscribe('business', 'tenant-a');
    await h.priorUsage(s, 'messages', 5000, at('00:40'));
    await h.turn(s, at('01:10'));
    await h.turn(s, at('01:20'));
    // Suspended at the Marketplace (the webhook did not reach us yet).
    await h.emulator.trigger(s.id, 'Suspend').catch(() => undefined);
    expect((await h.runAt(at('02:06'))).flush).toMatchObject({ held: 1 });
    expect((await h.store.subscriptions.get(s.id))?.status).toBe('Suspended');
    await h.emulator.trigger(s.id, 'Reinstate').catch(() => undefined);
    await h.runAt(at('02:40'));
    expect(acceptedFor(h, s)).toEqual(['messages@01:00=2']);
  });
});

describe('metering worker: no unit dropped while it can still be billed', () => {
  let clock: FakeClock;
  let h: MeteringHarness;
  const DOWN = { status: 503, code: 'ServiceUnavailable', message: 'The service is unavailable.' };
  const FORBIDDEN = {
    status: 403,
    code: 'Forbidden',
    message: 'The subscription was published with a different Azure AD App ID.',
  };

  beforeEach(async () => {
    clock = new FakeClock(at('00:30'));
    h = await startMeteringHarness(clock);
  });
  afterEach(() => h.close());

  /** Runs a pass every `stepMinutes` from `from` while `until` has not come. */
  async function passes(from: Date, until: Date, stepMinutes: number): Promise<number> {
    let n = 0;
    for (let t = from.getTime(); t < until.getTime(); t += stepMinutes * MINUTE, n++) {
      clock.set(new Date(t));
      await h.worker.runOnce();
    }
    return n;
  }

  it('keeps retrying through an outage far longer than any retry budget, then bills every unit', async () => {
    const s = await twoUnitsInHourOne(h);
    h.emulator.configure({ outage: DOWN });
    // Three hours down, a pass every 10 minutes: the old budget of 8 attempts would have failed the hour.
    await passes(at('02:06'), at('05:06'), 10);
    const [report] = await h.store.metering.list({ subscriptionId: s.id });
    expect(report).toMatchObject({ status: 'Retry', errorCode: 'HTTP 503 ServiceUnavailable' });
    expect(report!.attempts).toBeGreaterThan(8);
    expect(await h.store.metering.list({ status: 'Failed' })).toEqual([]);
    // Long retries show to the operator without ending anything.
    expect((await h.store.metering.overview(10, 8)).attention.map((r) => r.id)).toEqual([report!.id]);
    h.emulator.configure({ outage: undefined });
    await passes(at('05:36'), at('06:06'), 10);
    expect(acceptedFor(h, s)).toEqual(['messages@01:00=2']);
  });

  it('carries the units of an hour that could not be sent for 24 hours into a current hour, billed once back up', async () => {
    const s = await twoUnitsInHourOne(h);
    h.emulator.configure({ outage: DOWN });
    await passes(at('02:06'), at('04:00', '2026-03-11'), 30);
    const reports = await h.store.metering.list({ subscriptionId: s.id });
    expect(reports.map((r) => [r.hourStart.toISOString().slice(0, 16), r.status, r.quantity])).toEqual([
      ['2026-03-10T01:00', 'Expired', 2],
      ['2026-03-11T00:00', 'Retry', 2],
    ]);
    h.emulator.configure({ outage: undefined });
    await passes(at('04:06', '2026-03-11'), at('05:06', '2026-03-11'), 20);
    expect(h.emulator.acceptedUsage().map((u) => [u.effectiveStartTime.slice(0, 16), u.quantity])).toEqual([
      ['2026-03-11T00:00', 2],
    ]);
  });

  it('tries often in the last half hour of the window, so a lost answer there is settled by the duplicate rule, not carried and billed twice', async () => {
    const s = await twoUnitsInHourOne(h);
    h.emulator.configure({ outage: DOWN });
    await passes(at('02:06'), at('00:00', '2026-03-11'), 60);
    // The last stretch begins (01:00 + 23 h): the Marketplace takes the event, but every answer is lost.
    h.emulator.configure({ outage: undefined, faults: { lostResponseRate: 1 } });
    await h.runAt(at('00:01', '2026-03-11'));
    expect(h.emulator.acceptedUsage()).toHaveLength(1);
    const [retrying] = await h.store.metering.list({ subscriptionId: s.id });
    expect(retrying!.status).toBe('Retry');
    expect(retrying!.nextAttemptAt!.getTime()).toBeLessThanOrEqual(at('00:03', '2026-03-11').getTime());
    // Answers come back: the next try, still inside the window, hears Duplicate with our quantity.
    h.emulator.configure({ faults: {} });
    await h.runAt(at('00:03', '2026-03-11'));
    await h.runAt(at('01:06', '2026-03-11'));
    expect(acceptedFor(h, s)).toEqual(['messages@01:00=2']);
    expect((await h.store.metering.list({ subscriptionId: s.id })).map((r) => r.status)).toEqual(['Accepted']);
  });

  it('treats 403 on the call as our credentials broken for now: retries, raises an alert, clears it when calls work again', async () => {
    const s = await twoUnitsInHourOne(h);
    h.emulator.configure({ outage: FORBIDDEN });
    expect((await h.runAt(at('02:06'))).flush).toMatchObject({ calls: 1, retries: 1, failed: 0 });
    expect(await h.store.alerts.active()).toEqual([
      expect.objectContaining({ key: 'metering.auth', message: expect.stringContaining('HTTP 403') }),
    ]);
    await h.runAt(at('02:36'));
    expect((await h.store.alerts.active())[0]).toMatchObject({ key: 'metering.auth', count: 2 });
    expect((await h.store.metering.list({ subscriptionId: s.id }))[0]).toMatchObject({ status: 'Retry', attempts: 2 });
    h.emulator.configure({ outage: undefined });
    await h.runAt(at('03:36'));
    expect(acceptedFor(h, s)).toEqual(['messages@01:00=2']);
    expect(await h.store.alerts.active()).toEqual([]);
  });

  it('uses up no attempt when a worker dies between claim and answer, and re-sends once the lease ran out', async () => {
    const s = await twoUnitsInHourOne(h);
    clock.set(at('02:06'));
    await h.worker.drain();
    const [bucket] = await h.store.metering.list({ subscriptionId: s.id });
    // Ten workers in a row claim the hour and die before any answer.
    for (let i = 0; i < 10; i++) {
      const now = new Date(at('02:06').getTime() + i * 3 * MINUTE);
      const claimed = await h.store.metering.claim([bucket!.id], {
        now,
        closedBefore: new Date(now.getTime() - 5 * MINUTE),
        leaseUntil: new Date(now.getTime() + 2 * MINUTE),
        correlationId: `dead-${i}`,
      });
      expect(claimed).toHaveLength(1);
    }
    // The last lease ends at 02:35; before that nobody takes it, after it the next pass sends it at once.
    clock.set(at('02:34'));
    expect((await h.worker.flush({ flushAll: false })).calls).toBe(0);
    h.emulator.configure({ outage: DOWN });
    for (const t of ['02:36', '03:06', '03:36']) await h.runAt(at(t));
    h.emulator.configure({ outage: undefined });
    clock.set(at('04:06'));
    expect((await h.worker.flush({ flushAll: false })).accepted).toBe(1);
    expect((await h.store.metering.list({ subscriptionId: s.id }))[0]).toMatchObject({ status: 'Accepted', attempts: 4 });
    expect(acceptedFor(h, s)).toEqual(['messages@01:00=2']);
  });

  it('carries late units after a plan change under the plan of now, never rewriting the plan of a sent hour', async () => {
    const s = await h.subscribe('business', 'tenant-a');
    await h.priorUsage(s, 'premium_messages', 500, at('00:40'));
    await h.turn(s, at('01:10'), 2500);
    await h.runAt(at('02:06'));
    clock.set(at('02:30'));
    await h.fulfillment.changePlan(s.id, 'enterprise');
    await h.store.subscriptions.upsert({ ...s, planId: 'enterprise' });
    // A premium unit of 01:50 under business reaches the worker only now: hour 01:00 was sent under business.
    await h.priorUsage(s, 'premium_messages', 1, at('01:50'));
    await h.runAt(at('03:06'));
    await h.runAt(at('04:06'));
    expect(h.emulator.acceptedUsage().map((u) => [u.effectiveStartTime.slice(11, 16), u.planId, u.quantity])).toEqual([
      ['01:00', 'business', 1],
      ['03:00', 'enterprise', 1],
    ]);
    expect(await h.store.metering.list({ status: 'Failed' })).toEqual([]);
  });
});

describe('metering worker under a flaky Metering API', () => {
  it('ends with every report Accepted and exactly the expected overage, through 30% 5xx, 10% 429, timeouts and lost answers', async () => {
    const clock = new FakeClock(at('00:10'));
    const h = await startMeteringHarness(clock, {
      faults: { errorRate: 0.3, throttleRate: 0.1, timeoutRate: 0.05, lostResponseRate: 0.05, seed: 7 },
      clientTimeoutMs: 250,
    });
    try {
      const catalog = loadPlanCatalog(undefined);
      const random = mulberry32(42);
      const subscriptions: Subscription[] = [];
      for (let i = 0; i < 15; i++) subscriptions.push(await h.subscribe(PLAN_MIX[i % PLAN_MIX.length]!, `flaky-${i}`, 8));
      const simClock = new SimulationClock(at('00:20').getTime());
      const simulation = new UsageSimulation(
        { store: h.store, catalog, clock: simClock, logger: silentLogger, random, concurrency: 32 },
        subscriptions.map((s, i) => simulatedTenant(s, catalog, i, random, 20)),
      );
      await simulation.setUp(at('00:20'));
      for (let hour = 1; hour <= 6; hour++) await simulation.simulateHour(new Date(at('00:00').getTime() + hour * HOUR), 400);
      expect(simulation.expectedTotal()).toBeGreaterThan(50);

      clock.set(at('07:06'));
      let passes = 0;
      for (; passes < 60; passes++) {
        await h.worker.runOnce();
        const pending = (await h.store.metering.list()).filter((r) => !['Accepted', 'Conflict', 'Failed'].includes(r.status));
        if (pending.length === 0) break;
        clock.advance(20 * MINUTE);
      }
      const reports = await h.store.metering.list();
      expect(reports.filter((r) => r.status !== 'Accepted' && r.status !== 'Expired')).toEqual([]);
      const accepted = new Map<string, number>();
      for (const u of h.emulator.acceptedUsage()) {
        const key = overageKey(u.resourceId, u.dimension, new Date(u.effectiveStartTime));
        expect(accepted.has(key)).toBe(false);
        accepted.set(key, u.quantity);
      }
      expect([...accepted.values()].reduce((a, b) => a + b, 0)).toBe(simulation.expectedTotal());
      // Nothing expired here, so every hour holds exactly what it should.
      expect(Object.fromEntries(accepted)).toEqual(Object.fromEntries(simulation.expected));
      const calls = h.emulator.callCounts().batchUsageEvent ?? 0;
      expect(calls).toBeGreaterThan(Math.ceil(simulation.expected.size / 25));
    } finally {
      await h.close();
    }
  }, 120_000);
});
