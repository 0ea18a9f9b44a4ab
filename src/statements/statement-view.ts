import type { StatementChange, UsageStatement } from '../domain/usage-statement';
import type { Translator } from '../i18n/translator';

/**
 * A statement laid out in the reader's language (numbers, money and dates by its `Intl` rules): the one layout the
 * HTML page and the PDF both draw, so they cannot disagree.
 */
export interface StatementTable {
  title: string;
  columns: string[];
  /** Which columns hold figures (right-aligned). */
  numeric: boolean[];
  rows: string[][];
  /** Shown instead of an empty table. */
  empty: string;
}

export interface StatementView {
  title: string;
  period: string;
  standing: string;
  generated: string;
  facts: [string, string][];
  tables: StatementTable[];
  charges: [string, string][];
  note: string;
}

const hour = (t: Translator, d: Date) =>
  t.date(d, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

export function periodText(t: Translator, s: Pick<UsageStatement, 'period'>): string {
  return t.t('statement.period', { start: t.date(s.period.start), end: t.date(s.period.end) });
}

function changeText(t: Translator, c: StatementChange, planName: (id: string) => string): string {
  const parts: string[] = [];
  if (c.fromPlanId !== undefined || c.toPlanId !== undefined)
    if (c.fromPlanId !== c.toPlanId)
      parts.push(t.t('statement.change.plan', { from: planName(c.fromPlanId ?? '–'), to: planName(c.toPlanId ?? '–') }));
  if ((c.fromQuantity !== undefined || c.toQuantity !== undefined) && c.fromQuantity !== c.toQuantity)
    parts.push(
      t.t('statement.change.seats', {
        from: c.fromQuantity === undefined ? '–' : t.number(c.fromQuantity),
        to: c.toQuantity === undefined ? '–' : t.number(c.toQuantity),
      }),
    );
  if ((c.fromStatus !== undefined || c.toStatus !== undefined) && c.fromStatus !== c.toStatus)
    parts.push(t.t('statement.change.status', { from: c.fromStatus ?? '–', to: c.toStatus ?? '–' }));
  return parts.length ? `${c.action}: ${parts.join(' · ')}` : c.action;
}

export function statementView(s: UsageStatement, t: Translator): StatementView {
  const planName = (id: string) => s.planNames[id] ?? id;
  const money = (amount: number) => t.currency(amount, s.currency);
  const dim = (d: UsageStatement['dimensions'][number]['dimension']) => t.t(`statement.dimension.${d}`);
  const seats = s.seatsAtStart !== undefined || s.seatsAtEnd !== undefined;
  return {
    title: t.t('statement.title'),
    period: periodText(t, s),
    standing: t.t(s.final ? 'statement.final' : 'statement.provisional'),
    generated: t.t('statement.generated', { date: hour(t, s.generatedAt) }),
    facts: [
      [t.t('statement.subscription'), `${s.subscriptionName} (${s.subscriptionId})`],
      ...(s.tenantId ? ([[t.t('statement.tenant'), s.tenantId]] as [string, string][]) : []),
      [t.t('statement.offer'), s.offerId],
      [t.t('statement.planAtStart'), s.planAtStart.name],
      [t.t('statement.planAtEnd'), s.planAtEnd.name],
      ...(seats
        ? ([
            [t.t('statement.seatsAtStart'), s.seatsAtStart === undefined ? '–' : t.number(s.seatsAtStart)],
            [t.t('statement.seatsAtEnd'), s.seatsAtEnd === undefined ? '–' : t.number(s.seatsAtEnd)],
          ] as [string, string][])
        : []),
    ],
    tables: [
      {
        title: t.t('statement.section.summary'),
        columns: ['dimension', 'included', 'used', 'overage', 'billed', 'pending', 'price', 'amount'].map((c) =>
          t.t(`statement.col.${c}` as Parameters<Translator['t']>[0]),
        ),
        numeric: [false, true, true, true, true, true, true, true],
        rows: s.dimensions.map((d) => [
          dim(d.dimension),
          d.included === null ? t.t('statement.unlimited') : t.number(d.included),
          t.number(d.used),
          t.number(d.overageUnits),
          t.number(d.billedUnits),
          t.number(d.pendingUnits),
          d.overagePrice === undefined ? (d.included === null ? '–' : t.t('statement.hardCap')) : money(d.overagePrice),
          money(d.amount),
        ]),
        empty: '',
      },
      {
        title: t.t('statement.section.days'),
        columns: ['day', 'dimension', 'billed', 'pending', 'amount', 'usageEventIds'].map((c) =>
          t.t(`statement.col.${c}` as Parameters<Translator['t']>[0]),
        ),
        numeric: [false, false, true, true, true, false],
        rows: s.days.map((d) => [
          t.date(d.day),
          dim(d.dimension),
          t.number(d.billedUnits),
          t.number(d.pendingUnits),
          money(d.amount),
          d.usageEventIds.join(' '),
        ]),
        empty: t.t('statement.noOverage'),
      },
      {
        title: t.t('statement.section.hours'),
        columns: ['hour', 'dimension', 'plan', 'units', 'state', 'amount', 'usageEventIds'].map((c) =>
          t.t(`statement.col.${c}` as Parameters<Translator['t']>[0]),
        ),
        numeric: [false, false, false, true, false, true, false],
        rows: s.lines.map((l) => [
          hour(t, l.hourStart),
          dim(l.dimension),
          planName(l.planId),
          t.number(l.units),
          t.t(`statement.state.${l.state}`),
          money(l.amount),
          l.usageEventId ?? '',
        ]),
        empty: t.t('statement.noOverage'),
      },
      {
        title: t.t('statement.section.history'),
        columns: [t.t('statement.col.date'), t.t('statement.col.change')],
        numeric: [false, false],
        rows: s.history.map((c) => [hour(t, c.at), changeText(t, c, planName)]),
        empty: t.t('statement.noChanges'),
      },
    ],
    charges: [
      [t.t('statement.recurring', { plan: s.planAtEnd.name }), money(s.charges.recurring)],
      [t.t('statement.overage'), money(s.charges.overage)],
      [t.t('statement.total'), money(s.charges.total)],
    ],
    note: t.t('statement.estimateNote'),
  };
}
