import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/domain/billed-vs-sent';
import type { Store } from '../../src/store/store';

/**
 * The billed-vs-sent facet of the store port (lease, runs, comparisons, the ledger read, the console's queries).
 * Called from test/store/sqlite-store.test.ts and, with a server, test/store/mssql-store.test.ts.
 */
export function describeBilledVsSentContract(
  name: string,
  open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>,
): void {
  describe(`Billed vs sent store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(() => cleanup());

    const T = (iso: string) => new Date(iso);
    const now = T('2026-03-12T06:00:00.000Z');
    const lease = (at: Date, minutes = 10) => new Date(at.getTime() + minutes * 60_000);
    const comparison = (fields: { [K in keyof Comparison]?: Comparison[K] | undefined }): Comparison =>
      dropUndefined({
        day: '2026-03-10',
        subscriptionId: 'sub-a',
        dimension: 'messages',
        planId: 'business',
        outcome: 'Match',
        ledgerQuantity: 5,
        ledgerHours: 2,
        submittedQuantity: 5,
        processedQuantity: 5,
        submittedCount: 2,
        reconStatus: 'Accepted',
        ...fields,
      }) as Comparison;
    const start = (owner: string, at = now, extra: { notDoneSince?: Date } = {}) =>
      store.billedVsSent.startRun({
        owner,
        trigger: 'schedule',
        now: at,
        leaseUntil: lease(at),
        firstDay: '2026-03-09',
        lastDay: '2026-03-11',
        ...extra,
      });

    it('lets one owner run at a time, frees the lease at the end, and lets a dead owner’s lease run out', async () => {
      const first = await start('instance-1');
      expect(first).toBeTypeOf('number');
      expect(await start('instance-2')).toBeUndefined();
      expect(await store.billedVsSent.renewLease('instance-2', now, lease(now, 20))).toBe(false);
      expect(await store.billedVsSent.renewLease('instance-1', now, lease(now, 20))).toBe(true);
      await store.billedVsSent.finishRun({ runId: first!, owner: 'instance-1', now, days: ['2026-03-10'], comparisons: [] });
      const second = await start('instance-2');
      expect(second).toBeGreaterThan(first!);
      // instance-2 dies holding the lease: nobody takes it before it runs out, then its run reads as abandoned.
      expect(await start('instance-3', lease(now, 5))).toBeUndefined();
      const third = await start('instance-3', lease(now, 25));
      expect(third).toBeGreaterThan(second!);
      const runs = await store.billedVsSent.runs(10);
      expect(runs.map((r) => [r.id, r.status])).toEqual([
        [third, 'Running'],
        [second, 'Failed'],
        [first, 'Done'],
      ]);
      expect(runs[1]!.error).toMatch(/abandoned/);
    });

    it('does not start a scheduled run when one that started since the given time is done', async () => {
      const since = T('2026-03-12T02:00:00.000Z');
      const runId = await start('a', now, { notDoneSince: since });
      await store.billedVsSent.finishRun({ runId: runId!, owner: 'a', now, days: [], comparisons: [] });
      expect(await start('b', lease(now, 1), { notDoneSince: since })).toBeUndefined();
      // The next day's schedule, or a manual run, goes ahead.
      expect(await start('b', lease(now, 1), { notDoneSince: T('2026-03-13T02:00:00.000Z') })).toBeTypeOf('number');
    });

    it('replaces the comparisons of the days a run covers, keeps the others, and records the counts', async () => {
      const r1 = await start('a');
      await store.billedVsSent.finishRun({
        runId: r1!,
        owner: 'a',
        now,
        days: ['2026-03-09', '2026-03-10'],
        comparisons: [
          comparison({ day: '2026-03-09' }),
          comparison({ outcome: 'QuantityMismatch', processedQuantity: 4 }),
          comparison({
            subscriptionId: 'sub-b',
            outcome: 'MissingAtMarketplace',
            submittedQuantity: undefined,
            processedQuantity: undefined,
            submittedCount: undefined,
            reconStatus: undefined,
          }),
        ],
      });
      const later = lease(now, 60);
      const r2 = await start('a', later);
      await store.billedVsSent.finishRun({
        runId: r2!,
        owner: 'a',
        now: later,
        days: ['2026-03-10', '2026-03-11'],
        comparisons: [
          comparison({}),
          comparison({ day: '2026-03-11', outcome: 'Rejected', reconStatus: 'Rejected', processedQuantity: 0 }),
        ],
      });
      const rows = await store.billedVsSent.rows();
      expect(rows.map((r) => [r.day, r.subscriptionId, r.outcome, r.runId])).toEqual([
        ['2026-03-11', 'sub-a', 'Rejected', r2],
        ['2026-03-10', 'sub-a', 'Match', r2],
        ['2026-03-09', 'sub-a', 'Match', r1],
      ]);
      expect(rows[1]).toEqual({ ...comparison({}), runId: r2, comparedAt: later });
      const latest = await store.billedVsSent.latestRun();
      expect(latest).toMatchObject({
        id: r2,
        status: 'Done',
        trigger: 'schedule',
        firstDay: '2026-03-09',
        lastDay: '2026-03-11',
        finishedAt: later,
        counts: { Match: 1, Rejected: 1, QuantityMismatch: 0, MissingAtMarketplace: 0, MissingInLedger: 0, Pending: 0 },
      });
    });

    it('filters by day range, problems only and subscription, pages, and counts per outcome', async () => {
      const runId = await start('a');
      await store.billedVsSent.finishRun({
        runId: runId!,
        owner: 'a',
        now,
        days: ['2026-03-09', '2026-03-10', '2026-03-11'],
        comparisons: [
          comparison({ day: '2026-03-09' }),
          comparison({ day: '2026-03-10', outcome: 'Pending', reconStatus: 'Submitted' }),
          comparison({
            day: '2026-03-10',
            subscriptionId: 'sub-b',
            outcome: 'MissingInLedger',
            ledgerQuantity: undefined,
            ledgerHours: undefined,
          }),
          comparison({ day: '2026-03-11', subscriptionId: 'sub-b', outcome: 'QuantityMismatch', processedQuantity: 2 }),
        ],
      });
      const ids = (rows: { day: string; subscriptionId: string }[]) => rows.map((r) => `${r.day}/${r.subscriptionId}`);
      expect(ids(await store.billedVsSent.rows({ onlyProblems: true }))).toEqual(['2026-03-11/sub-b', '2026-03-10/sub-b']);
      expect(ids(await store.billedVsSent.rows({ fromDay: '2026-03-10', toDay: '2026-03-10' }))).toEqual([
        '2026-03-10/sub-a',
        '2026-03-10/sub-b',
      ]);
      expect(ids(await store.billedVsSent.rows({ subscriptionId: 'sub-a' }))).toEqual(['2026-03-10/sub-a', '2026-03-09/sub-a']);
      expect(ids(await store.billedVsSent.rows({ limit: 2, offset: 1 }))).toEqual(['2026-03-10/sub-a', '2026-03-10/sub-b']);
      expect(await store.billedVsSent.counts()).toEqual({
        Match: 1,
        Pending: 1,
        QuantityMismatch: 1,
        Rejected: 0,
        MissingAtMarketplace: 0,
        MissingInLedger: 1,
      });
      expect((await store.billedVsSent.counts({ subscriptionId: 'sub-b', onlyProblems: true })).QuantityMismatch).toBe(1);
      expect(await store.billedVsSent.rows({ fromDay: '2026-04-01' })).toEqual([]);
      expect(await store.billedVsSent.prune('2026-03-10')).toBe(1);
      expect(ids(await store.billedVsSent.rows({ fromDay: '2026-03-01', toDay: '2026-03-09' }))).toEqual([]);
    });

    it('keeps the comparisons of a failed run’s days and records why it failed', async () => {
      const ok = await start('a');
      await store.billedVsSent.finishRun({ runId: ok!, owner: 'a', now, days: ['2026-03-10'], comparisons: [comparison({})] });
      const bad = await start('a', lease(now, 60));
      await store.billedVsSent.failRun({
        runId: bad!,
        owner: 'a',
        now: lease(now, 61),
        error: 'Marketplace GET /usageEvents failed: HTTP 503',
      });
      expect(await store.billedVsSent.latestRun()).toMatchObject({
        id: bad,
        status: 'Failed',
        error: 'Marketplace GET /usageEvents failed: HTTP 503',
      });
      expect(await store.billedVsSent.rows()).toHaveLength(1);
      // The lease is free again.
      expect(await start('b', lease(now, 62))).toBeTypeOf('number');
    });

    it('reads the ledger: hours the Marketplace holds, per UTC day, subscription, usage kind and plan', async () => {
      const H = 3_600_000;
      const hour = (iso: string) => T(iso);
      const message = (subscriptionId: string, at: Date, billable: number, planId = 'business') => ({
        usageEventId: `${subscriptionId}-${at.toISOString()}-${planId}`,
        subscriptionId,
        planId,
        dimension: 'messages' as const,
        quantity: billable,
        billable,
        occurredAt: at.toISOString(),
        periodStart: '2026-03-01T00:00:00.000Z',
      });
      const at = hour('2026-03-10T22:00:00.000Z');
      const consumeAt = hour('2026-03-11T01:30:00.000Z');
      await store.metering.consume(
        [
          message('sub-l', at, 3),
          message('sub-l', hour('2026-03-10T23:00:00.000Z'), 2),
          message('sub-l', hour('2026-03-11T00:00:00.000Z'), 7),
          message('sub-r', at, 4),
        ],
        consumeAt,
        new Date(consumeAt.getTime() - 23.5 * H),
      );
      const claimed = await store.metering.claim(
        (await store.metering.listDue({ now: consumeAt, closedBefore: consumeAt, limit: 100 })).map((d) => d.id),
        { now: consumeAt, closedBefore: consumeAt, leaseUntil: new Date(consumeAt.getTime() + 120_000), correlationId: 'c' },
      );
      expect(claimed).toHaveLength(4);
      const byKey = (subscriptionId: string, iso: string) =>
        claimed.find((r) => r.subscriptionId === subscriptionId && r.hourStart.toISOString() === iso)!;
      await store.metering.settle(
        [
          {
            id: byKey('sub-l', '2026-03-10T22:00:00.000Z').id,
            correlationId: 'c',
            status: 'Accepted',
            usageEventId: 'e1',
            acceptedQuantity: 3,
          },
          {
            id: byKey('sub-l', '2026-03-10T23:00:00.000Z').id,
            correlationId: 'c',
            status: 'Conflict',
            usageEventId: 'e2',
            acceptedQuantity: 6,
            errorMessage: 'holds 6',
          },
          {
            id: byKey('sub-l', '2026-03-11T00:00:00.000Z').id,
            correlationId: 'c',
            status: 'Accepted',
            usageEventId: 'e3',
            acceptedQuantity: 7,
          },
          // Still retrying: not billed yet, not in the ledger.
          {
            id: byKey('sub-r', '2026-03-10T22:00:00.000Z').id,
            correlationId: 'c',
            status: 'Retry',
            nextAttemptAt: consumeAt,
            errorCode: 'HTTP 503',
            errorMessage: 'down',
          },
        ],
        consumeAt,
      );
      expect(await store.billedVsSent.ledger('2026-03-10', '2026-03-10')).toEqual([
        { day: '2026-03-10', subscriptionId: 'sub-l', dimension: 'messages', planId: 'business', quantity: 9, hours: 2 },
      ]);
      expect((await store.billedVsSent.ledger('2026-03-09', '2026-03-11')).map((l) => [l.day, l.quantity])).toEqual([
        ['2026-03-10', 9],
        ['2026-03-11', 7],
      ]);
      expect(await store.billedVsSent.ledger('2026-03-12', '2026-03-12')).toEqual([]);
    });
  });
}

/** Test helpers take `undefined` for "absent"; the types say absent. */
function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
