/** The console's stylesheet, served by the app at /console/assets/console.css (the CSP allows no inline style). */
export const CONSOLE_CSS = `
:root { color-scheme: light; --ink: #1f2430; --muted: #5b6272; --line: #e3e6ec; --bg: #f6f7f9; --card: #fff;
  --accent: #4338ca; --accent-soft: #eef0ff; --ok: #137333; --warn: #b45309; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
header.top { display: flex; align-items: center; gap: 24px; padding: 10px 24px; background: #1e1b4b; color: #fff; flex-wrap: wrap; }
header.top .brand { font-weight: 600; font-size: 16px; white-space: nowrap; }
header.top .brand small { font-weight: 400; opacity: .75; margin-left: 6px; }
header.top nav { display: flex; gap: 4px; flex-wrap: wrap; flex: 1; }
header.top nav a { color: #e0e7ff; text-decoration: none; padding: 6px 10px; border-radius: 6px; }
header.top nav a[aria-current="page"], header.top nav a:hover { background: rgba(255,255,255,.14); color: #fff; }
header.top .who { display: flex; align-items: center; gap: 10px; font-size: 13px; }
header.top .who button { background: transparent; border: 1px solid rgba(255,255,255,.5); color: #fff; padding: 4px 10px; border-radius: 6px; cursor: pointer; }
.dev-banner { background: #fef3c7; color: #78350f; border-bottom: 1px solid #f59e0b; padding: 6px 24px; font-size: 13px; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 24px; margin: 4px 0 16px; }
h2 { font-size: 17px; margin: 0 0 10px; }
.lede { color: var(--muted); margin-top: -8px; }
.grid-cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin-bottom: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; margin-bottom: 16px; }
.kpi .label { color: var(--muted); font-size: 13px; }
.kpi .value { font-size: 26px; font-weight: 600; margin-top: 2px; font-variant-numeric: tabular-nums; }
.kpi .sub { color: var(--muted); font-size: 12px; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 860px) { .two { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 7px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.mono, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; overflow-wrap: anywhere; }
tr:last-child td { border-bottom: none; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; background: #eceff3; color: #374151; white-space: nowrap; }
.badge.Subscribed, .badge.Accepted, .badge.Applied, .badge.Resolved { background: #e6f4ea; color: var(--ok); }
.badge.Suspended, .badge.Held, .badge.Retry, .badge.Ignored, .badge.PendingFulfillmentStart, .badge.InFlight, .badge.Open { background: #fef3c7; color: var(--warn); }
.badge.Unsubscribed, .badge.Failed, .badge.Conflict, .badge.Rejected, .badge.Expired { background: #fde8e7; color: var(--bad); }
.empty { color: var(--muted); font-style: italic; }
.notice { padding: 10px 14px; border-radius: 8px; margin-bottom: 16px; border: 1px solid; }
.notice.ok { background: #e6f4ea; border-color: #a8d5b5; color: #0f5223; }
.notice.bad { background: #fde8e7; border-color: #f1b0ab; color: #7f1d1d; }
.notice.info { background: var(--accent-soft); border-color: #c7cbfb; color: #312e81; }
form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 3px; }
input[type=search], input[type=text], select, textarea { font: inherit; padding: 6px 8px; border: 1px solid #c9ced8; border-radius: 6px; background: #fff; color: var(--ink); }
input[type=search] { min-width: 280px; }
button, .button { font: inherit; background: var(--accent); color: #fff; border: none; border-radius: 6px; padding: 7px 14px; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: #fff; color: var(--accent); border: 1px solid var(--accent); }
.actions { display: flex; flex-direction: column; gap: 6px; min-width: 220px; }
.actions form { display: flex; gap: 6px; align-items: center; }
.actions input[type=text] { flex: 1; min-width: 0; }
.pager { display: flex; gap: 12px; align-items: center; margin-top: 12px; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
ol.timeline { list-style: none; margin: 0; padding: 0; }
ol.timeline li { padding: 8px 0 8px 16px; border-left: 2px solid var(--line); position: relative; }
ol.timeline li::before { content: ""; position: absolute; left: -6px; top: 13px; width: 10px; height: 10px; border-radius: 50%; background: var(--accent); }
ol.timeline .when { color: var(--muted); font-size: 12.5px; }
.meter { height: 8px; background: #eceff3; border-radius: 4px; overflow: hidden; }
.meter span { display: block; height: 100%; background: var(--accent); }
.meter span.over { background: var(--bad); }
svg.chart { display: block; max-width: 100%; height: auto; }
svg.chart .grid { stroke: #eceff3; }
svg.chart .axis { stroke: #9aa1ad; }
svg.chart .tick { fill: #5b6272; font-size: 11px; font-family: system-ui, sans-serif; }
svg.chart .bar { fill: #6366f1; }
svg.chart .bar:hover { fill: #4338ca; }
svg.chart .line { stroke: #4338ca; stroke-width: 2; }
svg.chart .dot { fill: #4338ca; }
.home { max-width: 760px; margin: 48px auto; }
.home .card { padding: 24px; }
.health { display: inline-flex; align-items: center; gap: 8px; }
.health .dot { width: 10px; height: 10px; border-radius: 50%; background: var(--ok); display: inline-block; }
.health .dot.down { background: var(--bad); }
.signin { max-width: 440px; margin: 64px auto; }
.signin .card { padding: 24px; }
.signin form { margin-top: 12px; }
.muted { color: var(--muted); }
.card table + h2, .card p + h2 { margin-top: 18px; }
.card .two { margin-top: 16px; }
.card form.filters { margin-bottom: 12px; }
table.narrow { max-width: 640px; }
tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
.card.alert { border-left: 4px solid var(--warn); }
/* The billed-vs-sent section (src/web/console/billed-vs-sent-section.ts of its branch) uses these names. */
.billed-vs-sent td.number, .billed-vs-sent th.number { text-align: right; font-variant-numeric: tabular-nums; }
.billed-vs-sent tr.problem td, .billed-vs-sent .summary.problem { color: var(--bad); }
.billed-vs-sent dl.counts { display: flex; flex-wrap: wrap; gap: 8px 24px; }
.billed-vs-sent dl.counts dd { margin: 0; font-weight: 600; }
progress { width: 120px; height: 8px; vertical-align: middle; accent-color: var(--accent); }
`;
