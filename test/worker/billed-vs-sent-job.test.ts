import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import type { Subscription } from '../../src/domain/subscription';
import { silentLogger } from '../../src/logger';
import { BilledUsageClient } from '../../src/marketplace/billed-usage-client';
import { MarketplaceHttp } from '../../src/marketplace/marketplace-http';
import { loadPlanCatalog } from '../../src/plan-catalog-source';
import type { BilledVsSentRunProps, Telemetry } from '../../src/telemetry/telemetry';
import { BilledVsSentJob, type BilledVsSentSummary } from '../../src/worker/billed-vs-sent-job';
import { DEFAULT_BILLED_VS_SENT, type BilledVsSentSettings } from '../../src/worker/billed-vs-sent-settings';
import { createMeteringWorker } from '../../src/worker/create-metering-worker';
import { FakeClock } from '../helpers/fake-clock';
import { startMeteringHarness, type MeteringHarness } from '../helpers/metering-harness';
import { testEnv } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

const at = (hhmm: string, day = '2026-03-10') => new Date(`${day}T${hhmm}:00.000Z`);

describe('billed vs sent against the Marketplace emulator, with usage the metering worker really sent', () => {
  let clock: FakeClock;
  let h: MeteringHarness;
  let a: Subscription;
  let b: Subscription;
  let events: BilledVsSentRunProps[];
  let mismatches: BilledVsSentSummary[];
  let matched: BilledVsSentSummary[];

  const telemetry: Telemetry = {
    subscriptionEvent: () => undefined,
    usageRecorded: () => undefined,
    meteringResult: () => undefined,
    billedVsSent: (props) => void events.push(props),
    dependency: () => undefined,
    flush: () => Promise.resolve(),
  };

  const job = (settings: Partial<BilledVsSentSettings> = {}, owner?: string) =>
    new BilledVsSentJob({
      store: h.store,
      api: new BilledUsageClient(
        new MarketplaceHttp({
          baseUrl: `${h.emulatorUrl}/api`,
          apiVersion: '2018-08-31',
          tokens: { getToken: () => Promise.resolve('emulator-access-token') },
          timeoutMs: 2000,
          maxRetries: 1,
          logger: silentLogger,
          sleep: () => Promise.resolve(),
        }),
      ),
      catalog: loadPlanCatalog(undefined),
      clock,
      logger: silentLogger,
      settings: { ...DEFAULT_BILLED_VS_SENT, windowDays: 2, ...settings },
      telemetry,
      onMismatch: (s) => void mismatches.push(s),
      onMatched: (s) => void matched.push(s),
      ...(owner ? { owner } : {}),
    });

  /** Two subscriptions past their allowance on 10 March, billed hour after hour by the real worker. */
  beforeEach(async () => {
    events = [];
    mismatches = [];
    matched = [];
    clock = new FakeClock(at('00:30'));
    h = await startMeteringHarness(clock);
    a = await h.subscribe('business', 'tenant-a');
    b = await h.subscribe('business', 'tenant-b');
    await h.priorUsage(a, 'messages', 5000, at('00:40'));
    await h.priorUsage(b, 'messages', 5000, at('00:40'));
    await h.priorUsage(b, 'premium_messages', 500, at('00:40'));
    for (const t of ['01:10', '01:20', '02:15']) await h.turn(a, at(t));
    await h.turn(b, at('01:30'));
    await h.turn(b, at('01:40'), 5999);
    await h.runAt(at('02:06'));
    await h.runAt(at('03:06'));
    expect(h.emulator.acceptedUsage()).toHaveLength(4);
    clock.set(at('07:00', '2026-03-11'));
  });
  afterEach(() => h.close());

  const outcomes = async () =>
    (await h.store.billedVsSent.rows()).map((r) => `${r.subscriptionId === a.id ? 'a' : 'b'} ${r.dimension} ${r.outcome}`);

  it('finds every (day, subscription, dimension, plan) of the ledger at the Marketplace, and says so', async () => {
    const outcome = await job().run();
    expect(outcome.ran && outcome.summary).toMatchObject({
      status: 'Done',
      days: ['2026-03-09', '2026-03-10'],
      problems: 0,
      counts: { Match: 3, Pending: 0, QuantityMismatch: 0, Rejected: 0, MissingAtMarketplace: 0, MissingInLedger: 0 },
    });
    expect((await outcomes()).sort()).toEqual(['a messages Match', 'b messages Match', 'b premium_messages Match']);
    const aRow = (await h.store.billedVsSent.rows({ subscriptionId: a.id }))[0]!;
    expect(aRow).toMatchObject({
      day: '2026-03-10',
      ledgerQuantity: 3,
      ledgerHours: 2,
      submittedQuantity: 3,
      processedQuantity: 3,
      submittedCount: 2,
      reconStatus: 'Accepted',
    });
    expect(events).toEqual([
      expect.objectContaining({ status: 'Done', matches: 3, problems: 0, firstDay: '2026-03-09', lastDay: '2026-03-10' }),
    ]);
    expect(matched).toHaveLength(1);
    expect(mismatches).toEqual([]);
  });

  it('detects a changed quantity, a dropped row, a Rejected row and a row nobody sent, counts them and calls onMismatch', async () => {
    // The development control over HTTP, as a developer would use it…
    const changed = await fetch(`${h.emulatorUrl}/billed-usage/changes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        usageDate: '2026-03-10',
        resourceId: a.id,
        dimension: 'messages',
        change: 'quantity',
        processedQuantity: 2,
      }),
    });
    expect(changed.status).toBe(200);
    // …and the same control from a test.
    h.emulator.billedUsage.inject({ usageDate: '2026-03-10', resourceId: b.id, dimension: 'messages' }, { kind: 'drop' });
    h.emulator.billedUsage.inject(
      { usageDate: '2026-03-10', resourceId: b.id, dimension: 'premium_messages', planId: 'business' },
      { kind: 'status', reconStatus: 'Rejected' },
    );
    h.emulator.billedUsage.addRow({
      usageDate: '2026-03-09',
      usageResourceId: 'someone-else',
      dimension: 'messages',
      planId: 'business',
      offerId: 'teams-ai-assistant',
      submittedQuantity: 4,
      processedQuantity: 4,
      submittedCount: 1,
      reconStatus: 'Accepted',
    });
    const outcome = await job().run();
    expect(outcome.ran && outcome.summary).toMatchObject({
      status: 'Done',
      problems: 4,
      counts: { Match: 0, QuantityMismatch: 1, Rejected: 1, MissingAtMarketplace: 1, MissingInLedger: 1 },
    });
    const problems = await h.store.billedVsSent.rows({ onlyProblems: true });
    const show = (v: number | undefined) => (v === undefined ? '-' : String(v));
    expect(
      problems
        .map(
          (r) =>
            `${r.day} ${r.subscriptionId} ${r.dimension} ${r.outcome} ours=${show(r.ledgerQuantity)} theirs=${show(r.processedQuantity)}`,
        )
        .sort(),
    ).toEqual(
      [
        `2026-03-10 ${a.id} messages QuantityMismatch ours=3 theirs=2`,
        `2026-03-10 ${b.id} messages MissingAtMarketplace ours=1 theirs=-`,
        `2026-03-10 ${b.id} premium_messages Rejected ours=3 theirs=0`,
        '2026-03-09 someone-else messages MissingInLedger ours=- theirs=4',
      ].sort(),
    );
    expect(events.at(-1)).toMatchObject({
      quantityMismatches: 1,
      rejected: 1,
      missingAtMarketplace: 1,
      missingInLedger: 1,
      problems: 4,
    });
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0]!.mismatches.map((m) => m.outcome).sort()).toEqual([
      'MissingAtMarketplace',
      'MissingInLedger',
      'QuantityMismatch',
      'Rejected',
    ]);
  });

  it('hands every disagreeing key to onMismatch, however many (each is an operator alert)', async () => {
    for (let n = 0; n < 60; n++)
      h.emulator.billedUsage.addRow({
        usageDate: '2026-03-09',
        usageResourceId: `someone-else-${n}`,
        dimension: 'messages',
        planId: 'business',
        offerId: 'teams-ai-assistant',
        submittedQuantity: 1,
        processedQuantity: 1,
        submittedCount: 1,
        reconStatus: 'Accepted',
      });
    const outcome = await job().run();
    expect(outcome.ran && outcome.summary.problems).toBe(60);
    expect(mismatches).toHaveLength(1);
    expect(new Set(mismatches[0]!.mismatches.map((m) => m.subscriptionId)).size).toBe(60);
  });

  it('is idempotent: a second run for the same days stores the same comparisons', async () => {
    h.emulator.billedUsage.inject({ usageDate: '2026-03-10', resourceId: a.id, dimension: 'messages' }, { kind: 'drop' });
    await job().run();
    const strip = (rows: Awaited<ReturnType<typeof h.store.billedVsSent.rows>>) =>
      rows.map((r) => {
        const copy: Partial<typeof r> = { ...r };
        delete copy.runId;
        delete copy.comparedAt;
        return copy;
      });
    const first = strip(await h.store.billedVsSent.rows());
    clock.set(at('08:00', '2026-03-11'));
    await job().run();
    expect(strip(await h.store.billedVsSent.rows())).toEqual(first);
    expect(await h.store.billedVsSent.counts()).toMatchObject({ Match: 2, MissingAtMarketplace: 1 });
    // A later run that sees the difference gone replaces it.
    h.emulator.billedUsage.clear();
    await job().run({ days: ['2026-03-10'] });
    expect(await h.store.billedVsSent.counts()).toMatchObject({ Match: 3, MissingAtMarketplace: 0 });
  });

  it('follows the pages of a long answer', async () => {
    h.emulator.billedUsage.pageSize = 1;
    const before = h.emulator.callCounts().usageEvents ?? 0;
    const outcome = await job().run();
    expect(outcome.ran && outcome.summary.counts.Match).toBe(3);
    expect((h.emulator.callCounts().usageEvents ?? 0) - before).toBe(3);
  });

  it('handles days without usage: compared, nothing stored, no problem', async () => {
    clock.set(at('07:00', '2026-03-20'));
    const outcome = await job({ windowDays: 3 }).run();
    expect(outcome.ran && outcome.summary).toMatchObject({
      status: 'Done',
      days: ['2026-03-17', '2026-03-18', '2026-03-19'],
      problems: 0,
    });
    expect(await h.store.billedVsSent.rows()).toEqual([]);
  });

  it('survives a Marketplace outage: the run fails without throwing, comparisons stay, the schedule retries after the delay', async () => {
    const j = job({ retryMs: 30 * 60_000 });
    expect((await j.runIfDue()).ran).toBe(true);
    expect(await h.store.billedVsSent.counts()).toMatchObject({ Match: 3 });

    clock.set(at('07:00', '2026-03-12'));
    h.emulator.configure({ outage: { status: 503, code: 'ServiceUnavailable', message: 'down' } });
    const failed = await j.runIfDue();
    expect(failed.ran && failed.summary).toMatchObject({ status: 'Failed' });
    expect(failed.ran && failed.summary.error).toContain('HTTP 503');
    expect(events.at(-1)).toMatchObject({ status: 'Failed' });
    expect(await h.store.billedVsSent.latestRun()).toMatchObject({ status: 'Failed', trigger: 'schedule' });
    // What the last good run found is still there.
    expect(await h.store.billedVsSent.counts()).toMatchObject({ Match: 3 });
    clock.set(at('07:20', '2026-03-12'));
    expect(await j.runIfDue()).toEqual({ ran: false, reason: 'not-due' });

    h.emulator.configure({ outage: undefined });
    clock.set(at('07:31', '2026-03-12'));
    const retried = await j.runIfDue();
    expect(retried.ran && retried.summary).toMatchObject({ status: 'Done', days: ['2026-03-10', '2026-03-11'] });
    expect(await j.runIfDue()).toEqual({ ran: false, reason: 'done' });
  });

  it('runs once a day from its hour, one run at a time across instances sharing the store', async () => {
    const one = job({}, 'instance-1');
    const two = job({}, 'instance-2');
    clock.set(at('05:59', '2026-03-11'));
    expect(await one.runIfDue()).toEqual({ ran: false, reason: 'not-due' });
    clock.set(at('06:01', '2026-03-11'));
    const [x, y] = await Promise.all([one.runIfDue(), two.runIfDue()]);
    expect([x.ran, y.ran].sort()).toEqual([false, true]);
    const loser = [x, y].find((o) => !o.ran);
    expect(['busy', 'done']).toContain(loser && !loser.ran ? loser.reason : undefined);
    expect(await two.runIfDue()).toEqual({ ran: false, reason: 'done' });
    expect(await one.runIfDue()).toEqual({ ran: false, reason: 'done' });
    expect(await h.store.billedVsSent.runs(10)).toHaveLength(1);
    // Disabled: nothing happens.
    clock.set(at('07:00', '2026-03-12'));
    expect(await job({ enabled: false }).runIfDue()).toEqual({ ran: false, reason: 'disabled' });
  });

  /** Starts the metering worker as the bot does and waits for its scheduled billed-vs-sent run to end as `outcome`. */
  async function scheduledRun(outcome: 'onMismatch' | 'onMatched'): Promise<BilledVsSentSummary[]> {
    const config = loadConfig(
      testEnv({ MARKETPLACE_API_BASE_URL: `${h.emulatorUrl}/api`, MARKETPLACE_AUTH: 'emulator', METERING_POLL_SECONDS: '1' }),
    );
    const seen: BilledVsSentSummary[] = [];
    const { worker } = await createMeteringWorker(config, {
      clock,
      logger: silentLogger,
      store: h.store,
      queue: h.store.outboxQueue({ clock }),
      billedVsSent: { [outcome]: (s: BilledVsSentSummary) => void seen.push(s) },
    });
    worker.start();
    try {
      await waitFor(() => seen.length === 1, 10_000, 'the scheduled billed-vs-sent run');
    } finally {
      await worker.stop();
    }
    return seen;
  }

  it('raises one billing.mismatch operator alert per key that disagrees, when the worker runs it', async () => {
    h.emulator.billedUsage.inject({ usageDate: '2026-03-10', resourceId: a.id, dimension: 'messages' }, { kind: 'drop' });
    const seen = await scheduledRun('onMismatch');
    const alerts = (await h.store.alertEvents.recent(20)).filter((x) => x.event.type === 'billing.mismatch');
    expect(alerts).toHaveLength(seen[0]!.problems);
    expect(alerts[0]!.event).toMatchObject({ subscriptionId: a.id, data: { dimension: 'messages', period: '2026-03-10', billed: 0 } });
  });

  it('is run by the metering worker on its passes', async () => {
    const seen = await scheduledRun('onMatched');
    expect(seen[0]).toMatchObject({ trigger: 'schedule', status: 'Done', days: ['2026-03-08', '2026-03-09', '2026-03-10'] });
    expect(await h.store.billedVsSent.latestRun()).toMatchObject({ trigger: 'schedule', status: 'Done', counts: { Match: 3 } });
  });
});
