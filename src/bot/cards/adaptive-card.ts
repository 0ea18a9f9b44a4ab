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

/** A vertical bar chart (Teams), with a text fallback for hosts that do not render charts. */
export function verticalBarChart(chartTitle: string, points: readonly { x: string; y: number }[], yTitle: string): CardElement {
  return {
    type: 'Chart.VerticalBar',
    title: chartTitle,
    xAxisTitle: 'Day',
    yAxisTitle: yTitle,
    data: points.map((p) => ({ x: p.x, y: p.y })),
    fallback: facts(points.map((p) => [p.x, String(p.y)] as const)),
  };
}

export const formatNumber = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** `1 message`, `2 messages`. */
export const plural = (n: number, word: string): string => `${formatNumber(n)} ${word}${n === 1 ? '' : 's'}`;

export const formatMoney = (amount: number, currency: string): string =>
  `${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;

/** `21 Nov 2026`, UTC. */
export const formatDate = (d: Date): string =>
  d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
