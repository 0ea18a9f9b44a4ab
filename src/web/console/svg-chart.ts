import { html, type Html } from '../html';

/**
 * Server-rendered SVG charts (no script, nothing inline for the CSP: colours come from the console's stylesheet by
 * class). Each chart is an `img` with a <title> and a <desc> listing its values, so a screen reader gets the numbers.
 */
export interface ChartPoint {
  /** Axis label (short: "12/01"). */
  label: string;
  value: number;
  /** Spoken and hovered label (long: "1 Dec 2026: 42"). */
  detail?: string;
}

export interface ChartOptions {
  title: string;
  points: readonly ChartPoint[];
  /** Formats tick and value labels (the page's language). */
  format?: (n: number) => string;
  width?: number;
  height?: number;
  kind?: 'bar' | 'line';
  /** Only whole numbers on the value axis (counts). @defaultValue true */
  integer?: boolean;
}

/** Round tick step: 1, 2 or 5 × 10^k, at least 1 for counts, giving about `target` ticks up to `max`. */
export function niceTicks(max: number, target = 4, integer = true): number[] {
  if (!(max > 0)) return [0, 1];
  const magnitude = 10 ** Math.floor(Math.log10(max / target));
  // The round step whose number of intervals is closest to the target (fewer on a tie).
  const candidates = [1, 2, 5, 10, 20].map((m) => m * magnitude).filter((c) => !integer || c >= 1);
  const intervals = (c: number) => Math.ceil(max / c);
  const step = (integer ? [1, ...candidates] : candidates).reduce((best, c) =>
    Math.abs(intervals(c) - target) < Math.abs(intervals(best) - target) ||
    (Math.abs(intervals(c) - target) === Math.abs(intervals(best) - target) && c > best)
      ? c
      : best,
  );
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Number(v.toFixed(6)));
  return ticks;
}

let chartCounter = 0;

export function svgChart(options: ChartOptions): Html {
  const { points, title } = options;
  const format = options.format ?? ((n: number) => String(n));
  const width = options.width ?? 720;
  const height = options.height ?? 220;
  const left = 56;
  const right = 12;
  const top = 12;
  const bottom = 34;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = Math.max(0, ...points.map((p) => p.value));
  const ticks = niceTicks(max, 4, options.integer ?? true);
  const top_ = ticks[ticks.length - 1] ?? 1;
  const y = (v: number) => top + plotH - (v / top_) * plotH;
  const slot = points.length ? plotW / points.length : plotW;
  // Every n-th label, so that labels never overlap (about 6.5 units a character at the 11-unit font).
  const labelWidth = 6.5 * Math.max(1, ...points.map((p) => p.label.length)) + 10;
  const labelEvery = Math.max(1, Math.ceil(points.length / Math.max(1, Math.floor(plotW / labelWidth))));
  const id = `chart-${(chartCounter = (chartCounter + 1) % 1_000_000)}`;
  const desc = points.map((p) => p.detail ?? `${p.label}: ${format(p.value)}`).join('; ');

  const grid = ticks.map(
    (t) => html`<line class="grid" x1="${left}" x2="${width - right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"></line>
<text class="tick" x="${left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${format(t)}</text>`,
  );
  const labels = points.map((p, i) =>
    i % labelEvery === 0
      ? html`<text class="tick" x="${(left + slot * i + slot / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${p.label}</text>`
      : '',
  );
  let marks: Html[];
  if ((options.kind ?? 'bar') === 'bar') {
    const barW = Math.max(1, slot * 0.7);
    marks = points.map((p, i) => {
      const h = Math.max(p.value > 0 ? 1 : 0, (p.value / top_) * plotH);
      return html`<rect class="bar" x="${(left + slot * i + (slot - barW) / 2).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}"><title>${p.detail ?? `${p.label}: ${format(p.value)}`}</title></rect>`;
    });
  } else {
    const xy = points.map((p, i) => `${(left + slot * i + slot / 2).toFixed(1)},${y(p.value).toFixed(1)}`);
    marks = [
      html`<polyline class="line" fill="none" points="${xy.join(' ')}"></polyline>`,
      ...points.map(
        (p, i) =>
          html`<circle class="dot" cx="${(left + slot * i + slot / 2).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3"><title>${p.detail ?? `${p.label}: ${format(p.value)}`}</title></circle>`,
      ),
    ];
  }
  return html`<svg class="chart" role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMidYMid meet">
<title id="${id}-t">${title}</title><desc id="${id}-d">${desc}</desc>
${grid}
<line class="axis" x1="${left}" x2="${width - right}" y1="${y(0)}" y2="${y(0)}"></line>
${marks}
${labels}</svg>`;
}
