import { describe, expect, it } from 'vitest';
import type { BilledVsSentRow } from '../../src/store/store';
import { translator } from '../../src/i18n/translator';
import { renderBilledVsSent } from '../../src/web/console/billed-vs-sent-section';
import { billedVsSentFilterFromQuery } from '../../src/web/console/billed-vs-sent-query';

const row = (fields: { [K in keyof BilledVsSentRow]?: BilledVsSentRow[K] | undefined }): BilledVsSentRow =>
  dropUndefined({
    day: '2026-03-10',
    subscriptionId: 'sub-a',
    dimension: 'messages',
    planId: 'business',
    outcome: 'Match',
    ledgerQuantity: 1234,
    ledgerHours: 2,
    submittedQuantity: 1234,
    processedQuantity: 1234,
    reconStatus: 'Accepted',
    runId: 1,
    comparedAt: new Date('2026-03-11T06:00:00Z'),
    ...fields,
  }) as BilledVsSentRow;

describe('console section: billed vs sent', () => {
  it('renders the counts and a table, problems marked, every value escaped', () => {
    const page = renderBilledVsSent(
      [
        row({}),
        row({
          subscriptionId: '<script>alert(1)</script>',
          dimension: '"><img src=x>',
          outcome: 'QuantityMismatch',
          processedQuantity: 1000,
        }),
        row({
          outcome: 'MissingInLedger',
          ledgerQuantity: undefined,
          ledgerHours: undefined,
          reconStatus: "Accepted' onload='x",
        }),
      ],
      translator('en'),
    );
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).not.toContain("' onload='");
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x&gt;');
    expect(page).toContain('2 rows need a look');
    expect(page).toContain('<tr data-outcome="QuantityMismatch" class="problem">');
    expect(page).toContain('<tr data-outcome="Match">');
    expect(page).toContain('<td class="number">1,234 <small>(2 hours)</small></td>');
    expect(page).toContain('<td class="number">—</td>');
    expect(page).toMatch(/<div data-outcome="MissingInLedger"><dt>Missing in our ledger<\/dt><dd>1<\/dd><\/div>/);
    expect(page).toContain('<time datetime="2026-03-10">Mar 10, 2026</time>');
    expect(page).not.toMatch(/style=|<script/);
  });

  it('uses the counts of the whole filter when given, speaks French, and says when there is nothing', () => {
    const counts = { Match: 40, Pending: 0, QuantityMismatch: 0, Rejected: 0, MissingAtMarketplace: 0, MissingInLedger: 0 };
    const french = renderBilledVsSent([row({})], translator('fr'), counts);
    expect(french).toContain('Facturé / envoyé');
    expect(french).toContain('Aucune ligne à examiner');
    expect(french).toMatch(/<dt>Concordant<\/dt><dd>40<\/dd>/);
    expect(french).toContain('1\u202f234');
    expect(french).toContain('10 mars 2026');
    expect(renderBilledVsSent([], translator('en'))).toContain('<p class="empty">No comparison in this range.</p>');
  });

  it('reads the filter from a query string, naming the first bad parameter', () => {
    expect(
      billedVsSentFilterFromQuery({ from: '2026-03-01', to: '2026-03-31', problems: '1', subscription: 'sub-a', page: '3' }, 50),
    ).toEqual({
      filter: { fromDay: '2026-03-01', toDay: '2026-03-31', onlyProblems: true, subscriptionId: 'sub-a', limit: 50, offset: 100 },
    });
    expect(billedVsSentFilterFromQuery({})).toEqual({ filter: { limit: 100 } });
    expect(billedVsSentFilterFromQuery({ from: '2026-02-30' })).toEqual({ invalid: 'from' });
    expect(billedVsSentFilterFromQuery({ from: '2026-03-02', to: '2026-03-01' })).toEqual({ invalid: 'to' });
    expect(billedVsSentFilterFromQuery({ problems: 'maybe' })).toEqual({ invalid: 'problems' });
    expect(billedVsSentFilterFromQuery({ outcome: 'Lost' })).toEqual({ invalid: 'outcome' });
    expect(billedVsSentFilterFromQuery({ page: '0' })).toEqual({ invalid: 'page' });
    expect(billedVsSentFilterFromQuery({ subscription: 'x'.repeat(129) })).toEqual({ invalid: 'subscription' });
  });
});

/** Test helpers take `undefined` for "absent"; the types say absent. */
function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
