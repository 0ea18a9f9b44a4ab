/**
 * Minimal Adaptive Card builders (plain JSON). Schema 1.5, which Teams renders, including its chart elements.
 */
export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: CardElement[];
  actions?: CardElement[];
}

export function adaptiveCard(body: CardElement[], actions: CardElement[] = []): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(actions.length ? { actions } : {}),
  };
}

export const title = (text: string): CardElement => ({ type: 'TextBlock', text, weight: 'Bolder', size: 'Medium', wrap: true });

export const paragraph = (text: string, extra: CardElement = {}): CardElement => ({
  type: 'TextBlock',
  text,
  wrap: true,
  ...extra,
});

export const note = (text: string): CardElement => ({ type: 'TextBlock', text, wrap: true, isSubtle: true, size: 'Small' });

export const facts = (pairs: readonly (readonly [string, string])[]): CardElement => ({
  type: 'FactSet',
  facts: pairs.map(([t, v]) => ({ title: t, value: v })),
});

export const openUrl = (label: string, url: string): CardElement => ({ type: 'Action.OpenUrl', title: label, url });

/**
 * A horizontal bar chart (Teams), with a text fallback for hosts that do not render charts. Horizontal rather than
 * vertical: Teams cuts vertical bars' labels to a character or two ("1…") once there are a dozen of them, and puts
 * fractional ticks (0.5, 1.5) on the value axis of small whole counts. Here each label has its own row and, without
 * an axis, each bar shows its own value.
 */
export function horizontalBarChart(chartTitle: string, points: readonly { x: string; y: number }[]): CardElement {
  return {
    type: 'Chart.HorizontalBar',
    title: chartTitle,
    displayMode: 'AbsoluteNoAxis',
    data: points.map((p) => ({ x: p.x, y: p.y })),
    fallback: facts(points.map((p) => [p.x, String(p.y)] as const)),
  };
}

export const formatNumber = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** `1 message`, `2 messages`. */
export const plural = (n: number, word: string): string => `${formatNumber(n)} ${word}${n === 1 ? '' : 's'}`;

export const formatMoney = (amount: number, currency: string): string =>
  `${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;

/** `Fri 20 Mar` for a `YYYY-MM-DD` day (UTC): short enough for a chart label, and readable. */
export const formatDay = (day: string): string =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

/** `21 Nov 2026`, UTC. */
export const formatDate = (d: Date): string =>
  d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
