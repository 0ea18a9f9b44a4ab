import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app';
import type { Comparison } from '../../src/domain/billed-vs-sent';
import { messageActivity, postActivity } from '../helpers/activities';
import { FakeClock } from '../helpers/fake-clock';
import { startTestApp } from '../helpers/test-app';

describe('the operator command "billed"', () => {
  let app: RunningApp;
  let clock: FakeClock;
  const say = async (text: string, fields: Record<string, unknown> = {}, userId = 'operator-1') =>
    (await postActivity(app.url, { ...messageActivity({ tenantId: 'publisher-tenant', userId, text }), ...fields })).text;

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
      reconStatus: 'Accepted',
      ...fields,
    }) as Comparison;
  const record = async (comparisons: Comparison[], fail?: string) => {
    const now = clock.now();
    const runId = await app.store.billedVsSent.startRun({
      owner: 'test',
      trigger: 'schedule',
      now,
      leaseUntil: new Date(now.getTime() + 60_000),
      firstDay: '2026-03-09',
      lastDay: '2026-03-10',
    });
    if (fail) await app.store.billedVsSent.failRun({ runId: runId!, owner: 'test', now, error: fail });
    else
      await app.store.billedVsSent.finishRun({
        runId: runId!,
        owner: 'test',
        now,
        days: ['2026-03-09', '2026-03-10'],
        comparisons,
      });
  };

  beforeEach(async () => {
    clock = new FakeClock('2026-03-11T06:30:00Z');
    app = await startTestApp({ OPERATOR_IDS: 'operator-1', BILLED_VS_SENT_HOUR_UTC: '5' }, { clock });
  });
  afterEach(() => app.close());

  it('says when nothing was compared yet, and when the daily run is due', async () => {
    expect(await say('billed')).toContain('No comparison yet. The metering worker compares every day from 5:00 UTC');
  });

  it("shows the last run's mismatches, Rejected and missing rows with both quantities", async () => {
    await record([
      comparison({}),
      comparison({ subscriptionId: 'sub-b', outcome: 'QuantityMismatch', processedQuantity: 4 }),
      comparison({
        subscriptionId: 'sub-c',
        dimension: 'premium_messages',
        outcome: 'Rejected',
        processedQuantity: 0,
        reconStatus: 'Rejected',
      }),
      comparison({
        day: '2026-03-09',
        subscriptionId: 'sub-d',
        outcome: 'MissingAtMarketplace',
        submittedQuantity: undefined,
        processedQuantity: undefined,
        reconStatus: undefined,
      }),
    ]);
    const text = await say('Billed');
    expect(text).toContain('Billed vs sent');
    expect(text).toContain('Last run Mar 11, 2026, 6:30 AM UTC (done), days Mar 9, 2026 to Mar 10, 2026');
    expect(text).toContain('Match: 1');
    expect(text).toContain('Quantity mismatch: 1');
    expect(text).toContain('3 rows need a look');
    expect(text).toContain(
      'Mar 10, 2026 · Quantity mismatch: sub-b · messages · plan business: ours 5, Marketplace 4 (Accepted)',
    );
    expect(text).toContain(
      'Mar 10, 2026 · Rejected by the Marketplace: sub-c · premium_messages · plan business: ours 5, Marketplace 0 (Rejected)',
    );
    expect(text).toContain(
      'Mar 9, 2026 · Missing at the Marketplace: sub-d · messages · plan business: ours 5, Marketplace none (—)',
    );
    expect(text).not.toContain('sub-a');
  });

  it('says all rows match, in French too, and tells a failed run apart', async () => {
    await record([comparison({})]);
    expect(await say('billed')).toContain('No mismatch');
    const french = await say('billed', { locale: 'fr-FR' });
    expect(french).toContain('Facturé / envoyé');
    expect(french).toContain('Aucun écart');
    expect(french).toContain('Concordant: 1');
    clock.set('2026-03-12T06:30:00Z');
    await record([], 'Marketplace GET /usageEvents failed: HTTP 503');
    const failed = await say('billed');
    expect(failed).toContain('(failed)');
    expect(failed).toContain('It failed: Marketplace GET /usageEvents failed: HTTP 503. The next run compares these days again.');
  });

  it('is for operators only', async () => {
    expect(await say('billed', {}, 'someone')).toContain("for the publisher's operators only");
  });
});

/** Test helpers take `undefined` for "absent"; the types say absent. */
function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
