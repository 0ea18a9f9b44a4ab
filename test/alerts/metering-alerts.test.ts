import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { meteringAlertHooks } from '../../src/alerts/metering-alert-hooks';
import { OperatorAlerts } from '../../src/alerts/operator-alerts';
import { silentLogger } from '../../src/logger';
import { FakeClock } from '../helpers/fake-clock';
import { startMeteringHarness, twoUnitsInHourOne, type MeteringHarness } from '../helpers/metering-harness';
import { waitFor } from '../helpers/wait-for';

/** The worker's alerts on real boundaries: the metering worker, a SQLite file and the Marketplace emulator over HTTP. */
const at = (hhmm: string) => new Date(`2026-03-10T${hhmm}:00.000Z`);

describe('operator alerts raised by the metering worker', () => {
  let clock: FakeClock;
  let h: MeteringHarness;
  let alerts: OperatorAlerts;

  beforeEach(async () => {
    clock = new FakeClock(at('00:30'));
    const ref: { target?: OperatorAlerts } = {};
    const hooks = {
      onSettled: (r: { subscriptionId: string; dimension: string; hourStart: Date; quantity: number; attempts: number }, s: { status: string }) =>
        ref.target && meteringAlertHooks(ref.target).settled({ ...r, status: s.status, attempts: r.attempts + 1 }),
      onAlert: (change: Parameters<ReturnType<typeof meteringAlertHooks>['onAlert']>[0]) => ref.target && meteringAlertHooks(ref.target).onAlert(change),
    };
    h = await startMeteringHarness(clock, { hooks });
    alerts = new OperatorAlerts({ store: h.store, clock, logger: silentLogger, webhook: false });
    ref.target = alerts;
  });
  afterEach(() => h.close());

  const events = async () => (await h.store.alertEvents.recent(50)).map((a) => a.event);
  it('a 403 on the call raises marketplace.auth_failed once while it lasts; an answered call resolves it', async () => {
    await twoUnitsInHourOne(h);
    h.emulator.configure({ outage: { status: 403, code: 'Forbidden', message: 'Wrong app id.' } });
    await h.runAt(at('02:06'));
    await h.runAt(at('02:36'));
    await waitFor(async () => (await events()).length === 1, 2000, 'the auth alert');
    expect((await events())[0]).toMatchObject({ type: 'marketplace.auth_failed', severity: 'critical', data: { httpStatus: null } });
    h.emulator.configure({ outage: undefined });
    await h.runAt(at('03:36'));
    // Resolved: a new failure alerts again.
    h.emulator.configure({ outage: { status: 401, code: 'Unauthorized', message: 'Expired token.' } });
    await h.turn((await h.store.subscriptions.list())[0]!, at('03:40'));
    await h.runAt(at('05:06'));
    await waitFor(async () => (await events()).filter((e) => e.type === 'marketplace.auth_failed').length === 2, 2000, 'a second auth alert');
  });

  it('a hold alerts once however often the worker retries it; a suspended subscription’s hour is held', async () => {
    const s = await twoUnitsInHourOne(h);
    await h.emulator.trigger(s.id, 'Suspend').catch(() => undefined);
    await h.runAt(at('02:06'));
    await h.runAt(at('02:40'));
    await h.runAt(at('03:15'));
    await waitFor(async () => (await events()).length >= 1, 2000, 'the hold alert');
    const held = (await events()).filter((e) => e.type === 'metering.held');
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ subscriptionId: s.id, data: { dimension: 'messages', hourStart: '2026-03-10T01:00Z', quantity: 2 } });
    expect((await h.store.alertEvents.recent(1))[0]!.repeats).toBeGreaterThanOrEqual(1);
  });
});
