/**
 * A readable plain-text rendering of Adaptive Cards (TextBlock, FactSet, ColumnSet, Container, charts, actions),
 * for the terminal chat client. Unknown elements fall back to their `fallback` or are skipped.
 */
type Element = Record<string, unknown>;

const BAR_WIDTH = 30;

/** A card field as text: strings as they are, numbers and booleans printed, other JSON as JSON, missing → `fallback`. */
const textOf = (value: unknown, fallback = ''): string =>
  typeof value === 'string' ? value : value === undefined || value === null ? fallback : JSON.stringify(value);

export function cardToText(card: unknown): string {
  const c = card as { body?: unknown[]; actions?: unknown[] };
  const lines: string[] = [];
  for (const el of c.body ?? []) renderElement(el as Element, lines, '');
  const actions = (c.actions ?? []).map((a) => renderAction(a as Element)).filter(Boolean);
  if (actions.length) lines.push('', ...actions.map((a) => `  ${a}`));
  return lines.join('\n');
}

/** A link shows its address; a prompt starter (Teams `imBack`) the message it would send, to be typed here. */
function renderAction(a: Element): string {
  const label = textOf(a.title, 'Open');
  if (a.type === 'Action.OpenUrl') return `[${label}] ${textOf(a.url)}`;
  const imBack = (a.data as { msteams?: { type?: unknown; value?: unknown } } | undefined)?.msteams;
  return imBack?.type === 'imBack' && typeof imBack.value === 'string' ? `[${label}] "${imBack.value}"` : `[${label}]`;
}

function renderElement(el: Element, lines: string[], indent: string): void {
  switch (el.type) {
    case 'TextBlock': {
      const text = textOf(el.text);
      lines.push(indent + (el.weight === 'Bolder' ? `== ${text} ==` : text));
      return;
    }
    case 'FactSet': {
      const facts = (el.facts as { title: string; value: string }[] | undefined) ?? [];
      const width = Math.min(28, Math.max(0, ...facts.map((f) => f.title.length)));
      for (const f of facts) lines.push(`${indent}  ${f.title.padEnd(width)}  ${f.value}`);
      return;
    }
    case 'Container':
      for (const item of (el.items as Element[] | undefined) ?? []) renderElement(item, lines, indent);
      return;
    case 'ColumnSet':
      for (const col of (el.columns as Element[] | undefined) ?? []) {
        for (const item of (col.items as Element[] | undefined) ?? []) renderElement(item, lines, `${indent}  `);
      }
      return;
    case 'ActionSet':
      for (const a of (el.actions as Element[] | undefined) ?? []) lines.push(`${indent}  ${renderAction(a)}`);
      return;
    case 'Chart.VerticalBar':
    case 'Chart.HorizontalBar': {
      const data = (el.data as { x?: unknown; y?: unknown; legend?: unknown; value?: unknown }[] | undefined) ?? [];
      const points = data.map((d) => ({ label: textOf(d.x ?? d.legend), value: Number(d.y ?? d.value ?? 0) }));
      const max = Math.max(1, ...points.map((p) => p.value));
      const width = Math.max(0, ...points.map((p) => p.label.length));
      if (el.title) lines.push(`${indent}${textOf(el.title)}`);
      for (const p of points) {
        const bar = '█'.repeat(Math.round((p.value / max) * BAR_WIDTH));
        lines.push(`${indent}  ${p.label.padEnd(width)} ${bar} ${p.value}`);
      }
      return;
    }
    default:
      if (el.fallback && typeof el.fallback === 'object') renderElement(el.fallback as Element, lines, indent);
  }
}

export interface ReplyActivity {
  type: string;
  text?: string;
  attachments?: { contentType: string; content: unknown }[];
}

/** Between two cards of one reply (the admin commands send one card per subscription). */
export const CARD_SEPARATOR = '-'.repeat(40);

/**
 * One reply of the bot as terminal text; `undefined` for what a person would not see (typing indicators). Several
 * cards are rendered in order, a separator line between two of them.
 */
export function renderReply(activity: ReplyActivity): string | undefined {
  if (activity.type !== 'message') return undefined;
  const parts: string[] = [];
  if (activity.text) parts.push(activity.text);
  (activity.attachments ?? []).forEach((a, i) => {
    if (i > 0) parts.push(CARD_SEPARATOR);
    parts.push(
      a.contentType === 'application/vnd.microsoft.card.adaptive' ? cardToText(a.content) : `(attachment ${a.contentType})`,
    );
  });
  return parts.join('\n');
}
