import type { UsageStatement } from '../domain/usage-statement';
import type { Translator } from '../i18n/translator';

/**
 * The statement as one CSV table (RFC 4180: comma-separated, CRLF, quoted when needed), for finance tools: one row per
 * record, its kind in the first column (`summary` per dimension, `day` per day and dimension with its usage event
 * ids, `hour` per metered hour, `change` per plan or seat change, `recurring`, `total`). Headers are in the reader's
 * language; values stay machine-readable whatever the language (ISO dates, `.` decimals, dimension and plan ids),
 * so a spreadsheet in any locale reads the same figures.
 */
const COLUMNS = [
  'record',
  'periodStart',
  'periodEnd',
  'dimension',
  'day',
  'hour',
  'plan',
  'included',
  'used',
  'units',
  'unitPrice',
  'amount',
  'currency',
  'state',
  'usageEventId',
  'detail',
] as const;
type Column = (typeof COLUMNS)[number];
type Row = Partial<Record<Column, string | number>>;

/** Quotes a cell when needed; a text cell starting like a formula is defused (spreadsheets would run it). */
function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const money = (amount: number) => amount.toFixed(2);

export function statementCsv(s: UsageStatement, t: Translator): string {
  const base: Row = { periodStart: s.period.start.toISOString(), periodEnd: s.period.end.toISOString(), currency: s.currency };
  const rows: Row[] = [
    ...s.dimensions.map(
      (d): Row => ({
        record: 'summary',
        dimension: d.dimension,
        plan: s.planAtEnd.id,
        included: d.included === null ? 'unlimited' : d.included,
        used: d.used,
        units: d.billedUnits,
        ...(d.overagePrice !== undefined ? { unitPrice: d.overagePrice } : {}),
        amount: money(d.amount),
        ...(d.pendingUnits ? { detail: `pending=${d.pendingUnits}` } : {}),
      }),
    ),
    ...s.days.map(
      (d): Row => ({
        record: 'day',
        dimension: d.dimension,
        day: d.day,
        units: d.billedUnits,
        amount: money(d.amount),
        usageEventId: d.usageEventIds.join(' '),
        ...(d.pendingUnits ? { detail: `pending=${d.pendingUnits}` } : {}),
      }),
    ),
    ...s.lines.map(
      (l): Row => ({
        record: 'hour',
        dimension: l.dimension,
        day: l.hourStart.toISOString().slice(0, 10),
        hour: l.hourStart.toISOString(),
        plan: l.planId,
        units: l.units,
        unitPrice: l.unitPrice,
        amount: money(l.amount),
        state: l.state,
        ...(l.usageEventId ? { usageEventId: l.usageEventId } : {}),
      }),
    ),
    ...s.history.map(
      (c): Row => ({
        record: 'change',
        day: c.at.toISOString().slice(0, 10),
        hour: c.at.toISOString(),
        ...(c.toPlanId !== undefined ? { plan: c.toPlanId } : {}),
        detail: [
          c.action,
          c.fromPlanId !== c.toPlanId ? `plan:${c.fromPlanId ?? ''}>${c.toPlanId ?? ''}` : '',
          c.fromQuantity !== c.toQuantity ? `seats:${c.fromQuantity ?? ''}>${c.toQuantity ?? ''}` : '',
          c.fromStatus !== c.toStatus ? `status:${c.fromStatus ?? ''}>${c.toStatus ?? ''}` : '',
        ]
          .filter(Boolean)
          .join(' '),
      }),
    ),
    {
      record: 'recurring',
      plan: s.planAtEnd.id,
      ...(s.seatsAtEnd !== undefined ? { units: s.seatsAtEnd } : {}),
      amount: money(s.charges.recurring),
    },
    { record: 'total', amount: money(s.charges.total) },
  ];
  const header = COLUMNS.map((c) => cell(t.t(`statement.csv.${c}`))).join(',');
  const lines = rows.map((row) => {
    const full: Row = { ...base, ...row };
    return COLUMNS.map((c) => cell(full[c])).join(',');
  });
  return `${[header, ...lines].join('\r\n')}\r\n`;
}
