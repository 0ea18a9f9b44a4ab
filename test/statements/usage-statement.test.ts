import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_CATALOG } from '../../src/domain/default-plan-catalog';
import { parseCatalog } from '../../src/domain/catalog-parser';
import type { UsageMessage } from '../../src/domain/usage';
import { translator } from '../../src/i18n/translator';
import { statementCsv } from '../../src/statements/statement-csv';
import { statementPage } from '../../src/statements/statement-html';
import { statementPdf } from '../../src/statements/statement-pdf';
import { loadUsageStatement } from '../../src/statements/statement-source';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { FakeClock } from '../helpers/fake-clock';
import { pdfText } from '../helpers/pdf-text';
import { seedSubscription } from '../helpers/seed';
import { tempDir } from '../helpers/temp-dir';
import { priorUsageEvent } from '../helpers/usage-events';

const H = 3_600_000;
const catalog = parseCatalog(DEFAULT_PLAN_CATALOG, 'default');
const PERIOD = '2026-03-01T00:00:00.000Z';

describe('usage statements (figures from the real store and metering ledger)', () => {
  let store: SqliteStore;
  const clock = new FakeClock('2026-03-20T12:00:00Z');
  const deps = () => ({ store, catalog, clock });

  beforeEach(() => {
    store = openSqliteStore(path.join(tempDir(), 'statement.sqlite'));
  });
  afterEach(() => store.close());

  const msg = (fields: Partial<UsageMessage> & { occurredAt: string }): UsageMessage => ({
    usageEventId: randomUUID(),
    subscriptionId: 'sub-a',
    planId: 'business',
    dimension: 'messages',
    quantity: 1,
    billable: 1,
    periodStart: PERIOD,
    ...fields,
  });
  /** Claims every due hour at `at` and settles each as `settle` says. */
  async function sendDue(at: Date, settle: (r: { id: number; quantity: number; hourStart: Date }) => Record<string, unknown>) {
    const closedBefore = new Date(at.getTime() - 5 * 60_000);
    const due = await store.metering.listDue({ now: at, closedBefore, limit: 100 });
    const claimed = await store.metering.claim(
      due.map((d) => d.id),
      { now: at, closedBefore, leaseUntil: new Date(at.getTime() + 120_000), correlationId: `c-${at.getTime()}` },
    );
    await store.metering.settle(
      claimed.map((r) => ({ id: r.id, correlationId: `c-${at.getTime()}`, ...settle(r) }) as never),
      at,
    );
  }

  /**
   * March 2026 of tenant-a: business plan until a plan change to enterprise on 12 March; overage accepted on 10 March
   * under business, premium units of 11 March expired and carried into 12 March (under enterprise, with that day's
   * own units), 13 March still pending; an hour of February and another tenant's hour that must not show.
   */
  async function seedPeriod() {
    await seedSubscription(store, { tenantId: 'tenant-a', id: 'sub-a', planId: 'business', name: 'Contoso' });
    await seedSubscription(store, { tenantId: 'tenant-b', id: 'sub-b', planId: 'business' });
    // Counters: what the gate counted this period.
    for (const [dimension, quantity] of [
      ['messages', 5004],
      ['premium_messages', 515],
    ] as const) {
      await store.usage.record({
        event: priorUsageEvent('sub-a', {
          userId: 'u',
          conversationId: 'c',
          dimension,
          quantity,
          occurredAt: new Date('2026-03-10T10:00:00Z'),
          periodStart: new Date(PERIOD),
        }),
        included: dimension === 'messages' ? 5000 : 500,
        overage: true,
      });
    }
    const consume = (messages: UsageMessage[], now: string) =>
      store.metering.consume(messages, new Date(now), new Date(new Date(now).getTime() - 23.5 * H));
    await consume(
      [
        msg({ occurredAt: '2026-02-28T22:10:00Z', billable: 7, periodStart: '2026-02-01T00:00:00.000Z' }),
        msg({ occurredAt: '2026-02-28T22:20:00Z', billable: 9, subscriptionId: 'sub-b' }),
      ],
      '2026-02-28T23:00:00Z',
    );
    await sendDue(new Date('2026-02-28T23:10:00Z'), (r) => ({ status: 'Accepted', usageEventId: `ev-feb-${r.id}`, acceptedQuantity: r.quantity }));
    await consume(
      [
        msg({ occurredAt: '2026-03-10T10:05:00Z', billable: 3 }),
        msg({ occurredAt: '2026-03-10T10:45:00Z', billable: 1 }),
        msg({ occurredAt: '2026-03-10T11:30:00Z', billable: 2, dimension: 'premium_messages' }),
      ],
      '2026-03-10T12:00:00Z',
    );
    await sendDue(new Date('2026-03-10T12:10:00Z'), (r) => ({
      status: 'Accepted',
      usageEventId: `ev-${r.hourStart.toISOString().slice(0, 13)}`,
      acceptedQuantity: r.quantity,
    }));
    await consume([msg({ occurredAt: '2026-03-11T09:15:00Z', billable: 5, dimension: 'premium_messages' })], '2026-03-11T10:00:00Z');
    // The Marketplace does not answer for a day: the hour is still InFlight when the plan changes.
    const stuck = await store.metering.listDue({ now: new Date('2026-03-11T10:10:00Z'), closedBefore: new Date('2026-03-11T10:05:00Z'), limit: 10 });
    await store.metering.claim(
      stuck.map((d) => d.id),
      { now: new Date('2026-03-11T10:10:00Z'), closedBefore: new Date('2026-03-11T10:05:00Z'), leaseUntil: new Date('2026-03-11T10:12:00Z'), correlationId: 'c-stuck' },
    );
    await store.operations.apply({
      record: {
        operationId: 'op-change',
        subscriptionId: 'sub-a',
        action: 'ChangePlan',
        source: 'webhook',
        status: 'Applied',
        fromPlanId: 'business',
        toPlanId: 'enterprise',
        operationTime: new Date('2026-03-12T00:00:00Z'),
        createdAt: new Date('2026-03-12T00:00:05Z'),
      },
      subscription: { ...(await store.subscriptions.get('sub-a'))!, planId: 'enterprise', updatedAt: new Date('2026-03-12T00:00:05Z') },
    });
    // Too old now: its 5 units are carried into the current hour, under the plan the subscription has now.
    await store.metering.settle([{ id: stuck[0]!.id, correlationId: 'c-stuck', status: 'Expired', errorMessage: 'expired' }], new Date('2026-03-12T10:00:00Z'));
    await consume(
      [msg({ occurredAt: '2026-03-12T10:30:00Z', billable: 1, dimension: 'premium_messages', planId: 'enterprise' })],
      '2026-03-12T10:40:00Z',
    );
    await sendDue(new Date('2026-03-12T11:10:00Z'), (r) => ({ status: 'Accepted', usageEventId: 'ev-carried', acceptedQuantity: r.quantity }));
    await consume(
      [msg({ occurredAt: '2026-03-13T08:20:00Z', billable: 2, dimension: 'premium_messages', planId: 'enterprise' })],
      '2026-03-13T08:30:00Z',
    );
  }

  it('equals the ledger to the unit across a plan change and carried units', async () => {
    await seedPeriod();
    const s = (await loadUsageStatement(deps(), 'sub-a'))!;
    const ledger = (await store.metering.list({ subscriptionId: 'sub-a' })).filter(
      (r) => r.hourStart >= new Date(PERIOD) && r.hourStart < new Date('2026-04-01T00:00:00Z'),
    );
    const accepted = ledger.filter((r) => r.status === 'Accepted');
    // The ledger itself, as the worker left it.
    expect(ledger.map((r) => [r.hourStart.toISOString(), r.dimension, r.planId, r.quantity, r.status, r.usageEventId ?? null])).toEqual([
      ['2026-03-10T10:00:00.000Z', 'messages', 'business', 4, 'Accepted', 'ev-2026-03-10T10'],
      ['2026-03-10T11:00:00.000Z', 'premium_messages', 'business', 2, 'Accepted', 'ev-2026-03-10T11'],
      ['2026-03-11T09:00:00.000Z', 'premium_messages', 'business', 5, 'Expired', null],
      ['2026-03-12T10:00:00.000Z', 'premium_messages', 'enterprise', 6, 'Accepted', 'ev-carried'],
      ['2026-03-13T08:00:00.000Z', 'premium_messages', 'enterprise', 2, 'Open', null],
    ]);

    const billed = (dim: string) => s.dimensions.find((d) => d.dimension === dim)!.billedUnits;
    for (const dim of ['messages', 'premium_messages'])
      expect(billed(dim)).toBe(accepted.filter((r) => r.dimension === dim).reduce((n, r) => n + r.acceptedQuantity!, 0));
    expect(s.days.flatMap((d) => d.usageEventIds).sort()).toEqual(accepted.map((r) => r.usageEventId).sort());
    expect(s.days).toEqual([
      { day: '2026-03-10', dimension: 'messages', billedUnits: 4, pendingUnits: 0, amount: 0.04, usageEventIds: ['ev-2026-03-10T10'] },
      { day: '2026-03-10', dimension: 'premium_messages', billedUnits: 2, pendingUnits: 0, amount: 0.08, usageEventIds: ['ev-2026-03-10T11'] },
      { day: '2026-03-12', dimension: 'premium_messages', billedUnits: 6, pendingUnits: 0, amount: 0.18, usageEventIds: ['ev-carried'] },
      { day: '2026-03-13', dimension: 'premium_messages', billedUnits: 0, pendingUnits: 2, amount: 0.06, usageEventIds: [] },
    ]);
    expect(s.lines.map((l) => [l.state, l.units, l.unitPrice, l.amount])).toEqual([
      ['billed', 4, 0.01, 0.04],
      ['billed', 2, 0.04, 0.08],
      ['carried', 5, 0.04, 0],
      ['billed', 6, 0.03, 0.18],
      ['pending', 2, 0.03, 0.06],
    ]);
    const enterprise = catalog.get('enterprise')!;
    expect(s).toMatchObject({
      subscriptionId: 'sub-a',
      tenantId: 'tenant-a',
      period: { start: new Date(PERIOD), end: new Date('2026-04-01T00:00:00Z') },
      final: false,
      currency: 'EUR',
      planAtStart: { id: 'business', name: catalog.get('business')!.displayName },
      planAtEnd: { id: 'enterprise', name: enterprise.displayName },
      history: [{ at: new Date('2026-03-12T00:00:00Z'), action: 'ChangePlan', fromPlanId: 'business', toPlanId: 'enterprise' }],
      charges: { recurring: enterprise.basePrice, overage: 0.36, total: Math.round((enterprise.basePrice + 0.36) * 100) / 100 },
    });
    expect(s.dimensions.map((d) => [d.dimension, d.included, d.used, d.billedUnits, d.pendingUnits])).toEqual([
      ['messages', null, 5004, 4, 0],
      ['premium_messages', 5000, 515, 8, 2],
    ]);
    // Another tenant's hours and another period's never show.
    expect(JSON.stringify(s)).not.toContain('ev-feb');
  });

  it('writes the CSV exactly', async () => {
    await seedPeriod();
    const s = (await loadUsageStatement(deps(), 'sub-a'))!;
    const p = 'period_start,period_end';
    const span = '2026-03-01T00:00:00.000Z,2026-04-01T00:00:00.000Z';
    const base = catalog.get('enterprise')!.basePrice.toFixed(2);
    const total = (catalog.get('enterprise')!.basePrice + 0.36).toFixed(2);
    expect(statementCsv(s, translator('en'))).toBe(
      [
        `record,${p},dimension,day,hour_start,plan,included,used,units,unit_price,amount,currency,state,usage_event_id,detail`,
        `summary,${span},messages,,,enterprise,unlimited,5004,4,,0.04,EUR,,,`,
        `summary,${span},premium_messages,,,enterprise,5000,515,8,0.03,0.32,EUR,,,pending=2`,
        `day,${span},messages,2026-03-10,,,,,4,,0.04,EUR,,ev-2026-03-10T10,`,
        `day,${span},premium_messages,2026-03-10,,,,,2,,0.08,EUR,,ev-2026-03-10T11,`,
        `day,${span},premium_messages,2026-03-12,,,,,6,,0.18,EUR,,ev-carried,`,
        `day,${span},premium_messages,2026-03-13,,,,,0,,0.06,EUR,,,pending=2`,
        `hour,${span},messages,2026-03-10,2026-03-10T10:00:00.000Z,business,,,4,0.01,0.04,EUR,billed,ev-2026-03-10T10,`,
        `hour,${span},premium_messages,2026-03-10,2026-03-10T11:00:00.000Z,business,,,2,0.04,0.08,EUR,billed,ev-2026-03-10T11,`,
        `hour,${span},premium_messages,2026-03-11,2026-03-11T09:00:00.000Z,business,,,5,0.04,0.00,EUR,carried,,`,
        `hour,${span},premium_messages,2026-03-12,2026-03-12T10:00:00.000Z,enterprise,,,6,0.03,0.18,EUR,billed,ev-carried,`,
        `hour,${span},premium_messages,2026-03-13,2026-03-13T08:00:00.000Z,enterprise,,,2,0.03,0.06,EUR,pending,,`,
        `change,${span},,2026-03-12,2026-03-12T00:00:00.000Z,enterprise,,,,,,EUR,,,ChangePlan plan:business>enterprise`,
        `recurring,${span},,,,enterprise,,,,,${base},EUR,,,`,
        `total,${span},,,,,,,,,${total},EUR,,,`,
        '',
      ].join('\r\n'),
    );
  });

  it('renders a PDF that opens and shows the figures, and a French page with French formats', async () => {
    await seedPeriod();
    const s = (await loadUsageStatement(deps(), 'sub-a'))!;
    const pdf = await statementPdf(s, translator('en'), 'AI Assistant');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    for (const figure of ['Usage statement', 'Mar 1, 2026 – Apr 1, 2026', 'ev-2026-03-10T10', 'ev-carried', '€0.36', '5,004', 'Carried into a later hour'])
      expect(text).toContain(figure);

    const fr = await pdfText(await statementPdf(s, translator('fr'), 'AI Assistant'));
    expect(fr).toContain('Relevé de consommation');
    expect(fr).toContain('0,36 €');
    expect(fr).toContain('5 004');

    const page = statementPage(s, translator('fr'), { productName: 'AI Assistant', csvUrl: '/c', pdfUrl: '/p' }).value;
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain('Relevé de consommation');
    expect(page).toContain('1 mars 2026 – 1 avr. 2026');
    expect(page).toContain('Reporté sur une heure suivante');
    expect(page).toContain('Offre business → enterprise'.replace('business', catalog.get('business')!.displayName).replace('enterprise', catalog.get('enterprise')!.displayName));
    expect(page.replace(/[\u00a0\u202f]/g, ' ')).toContain('0,36 €');
    expect(page).toContain('Télécharger le PDF');
  });
});
