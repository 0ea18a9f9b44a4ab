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
export function horizontalBarChart(
  chartTitle: string,
  points: readonly { x: string; y: number }[],
  formatValue: (y: number) => string = String,
): CardElement {
  return {
    type: 'Chart.HorizontalBar',
    title: chartTitle,
    displayMode: 'AbsoluteNoAxis',
    data: points.map((p) => ({ x: p.x, y: p.y })),
    fallback: facts(points.map((p) => [p.x, formatValue(p.y)] as const)),
  };
}

/**
 * A button that sends `text` as if the user had typed it (Teams `imBack`): prompt starters. The text is a chat
 * message like any other, gated and billed as one.
 */
export const imBack = (label: string, text: string): CardElement => ({
  type: 'Action.Submit',
  title: label,
  data: { msteams: { type: 'imBack', value: text } },
});

/** Buttons inside the card's body (under the text that introduces them) rather than at its foot. */
export const actionSet = (actions: readonly CardElement[]): CardElement => ({ type: 'ActionSet', actions: [...actions] });
