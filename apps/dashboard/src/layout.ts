import { html, raw } from 'hono/html';
import type { ZodType } from 'zod';
import { badRequest } from './errors';

/** A piece of HTML built with `html`; interpolated values are escaped unless they are HTML already. */
export type Html = ReturnType<typeof html>;

// Tables never squeeze below their content: their wrapper scrolls sideways instead, so a phone shows every
// column. No element has a fixed width; charts have a fixed height only.
const CSS = `
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fff}
header{background:#1f3a5f;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline}
header a{color:#fff;text-decoration:none}
header .brand{font-weight:700;margin-right:.5rem}
header nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem}
header .docs{margin-left:auto;opacity:.85}
main{padding:.75rem 1rem 2rem;max-width:80rem}
h1{font-size:1.4rem;margin:.4rem 0;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:1.5rem 0 .4rem}
h3{font-size:1rem;margin:1rem 0 .3rem}
a{color:#0b57d0}
.scroll{overflow-x:auto;max-width:100%;margin:.3rem 0}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top;white-space:nowrap}
td.wrap{white-space:normal;min-width:12rem;overflow-wrap:anywhere}
th{background:#f3f5f8}
td.num,th.num{text-align:right}
.flag{display:inline-block;padding:0 .35rem;border-radius:3px;font-size:.85em;background:#fde2e1;color:#8a1c17;white-space:normal}
.flag.warn{background:#fff1c2;color:#6b4e00}
.alert{background:#fff1c2;color:#4a3600;border:1px solid #e0c060;padding:.5em 1em;margin:.5em 0}
.flag.good{background:#dcf3e3;color:#14532d}
.muted{color:#5f6b7a}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;margin:.5rem 0;padding:.5rem;background:#f6f8fa;border-radius:4px}
form.filters label{display:flex;flex-direction:column;font-size:.85rem}
form.filters input,form.filters select{font:inherit;padding:2px 4px;max-width:100%}
.chart{position:relative;height:300px;width:100%;margin:.5rem 0 1rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));gap:0 1.5rem}
.legend{display:flex;flex-wrap:wrap;gap:.25rem .75rem;font-size:.85rem;margin:.3rem 0}
.swatch{display:inline-block;width:1.1em;height:1.1em;vertical-align:-.2em;border:1px solid #999;margin-right:.25rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.3rem 0}
dl.facts dt{color:#5f6b7a}
dl.facts dd{margin:0;overflow-wrap:anywhere}
pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;font-size:.85rem}
@media (max-width:40rem){main{padding:.5rem}td,th{padding:2px 5px}header .docs{margin-left:0}}
`;

/** The page around every dashboard view: navigation, styles, and Chart.js when the page draws charts. */
export function layout(title: string, body: Html, opts: { refreshSeconds?: number; charts?: boolean } = {}): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">
${opts.refreshSeconds ? html`<meta http-equiv="refresh" content="${opts.refreshSeconds}">` : ''}
<title>${title} · ortfleet</title><style>${raw(CSS)}</style></head>
<body><header><a class="brand" href="/">ortfleet</a><nav><a href="/leaderboard">Leaderboards</a><a href="/runs">Runs</a><a href="/compare">Compare</a><a href="/regressions">Regressions</a><a href="/fleet">Fleet</a></nav><a class="docs" href="/api/docs">API docs</a></header>
<main><h1>${title}</h1>
${body}
</main>
${opts.charts ? html`<script src="/assets/chart.umd.js"></script><script src="/assets/charts.js"></script>` : ''}
</body></html>`;
}

/** A table inside a wrapper that scrolls sideways on narrow screens. */
export function table(head: Html, rows: Html[], empty = 'none'): Html {
  if (rows.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`<div class="scroll"><table><thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
}

/**
 * A chart: a canvas and its Chart.js configuration as JSON, drawn by /assets/charts.js. The JSON is made
 * safe inside <script>: `<` cannot close the element and U+2028/2029 cannot end a line in older parsers.
 */
export function chart(id: string, config: ChartConfig): Html {
  const json = JSON.stringify(config).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return html`<div class="chart"><canvas data-chart="${id}" role="img" aria-label="${config.options.plugins.title.text}"></canvas></div><script type="application/json" id="${id}">${raw(json)}</script>`;
}

interface Axis {
  type?: 'linear' | 'logarithmic' | 'category';
  title: { display: true; text: string };
  [option: string]: unknown;
}

/** A Chart.js configuration that says what it shows: a title and both axis titles (with units) are required. */
export interface ChartConfig {
  type: 'line' | 'bar' | 'scatter';
  data: { labels?: (string | number)[]; datasets: Record<string, unknown>[] };
  options: { plugins: { title: { display: true; text: string }; [plugin: string]: unknown }; scales: { x: Axis; y: Axis }; [option: string]: unknown };
}

/** An axis with its title shown. */
export function axis(text: string, more: Omit<Axis, 'title'> = {}): Axis {
  return { ...more, title: { display: true, text } };
}

/** Parses a page's query with its API schema, so a page URL means what the API URL means; throws a 400 naming the parameter. */
export function parseQuery<T>(schema: ZodType<T>, query: Record<string, string>): T {
  // A GET form sends its empty fields too ("ep=&batch="): an empty field means no filter, not a bad value.
  const given = Object.fromEntries(Object.entries(query).filter(([, v]) => v.trim() !== ''));
  const parsed = schema.safeParse(given);
  if (!parsed.success) throw badRequest(parsed.error);
  return parsed.data;
}

/** A URL with a query, leaving out empty values. */
export function href(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** Milliseconds with about three significant digits; empty when unknown. */
export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  return v.toFixed(a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 3 : 4);
}

/** A number with a fixed count of decimals and thousands separators; empty when unknown. */
export function num(v: number | null | undefined, decimals = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A number to three significant digits (errors, scores of any size); empty when unknown. */
export function sig(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/** A share in [0, 1] as a percentage; empty when unknown. */
export function pct(v: number | null | undefined, decimals = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '' : `${(v * 100).toFixed(decimals)}%`;
}

/** Bytes in binary units. */
export function bytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = v;
  while (x >= 1024 && i < units.length - 1) [x, i] = [x / 1024, i + 1];
  return `${x.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** A time in UTC to the second, the same on every viewer's screen. */
export function when(d: Date | string | null | undefined): string {
  if (!d) return '';
  return new Date(d).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** The knobs that tell one configuration of a model from another, as results rows carry them. */
export interface ConfigurationKnobs {
  ep: string;
  precision: string;
  batch: number;
  graphOptimization: string;
  intraOpThreads: number;
  interOpThreads: number;
  executionMode: string;
  memoryPattern: boolean;
  cpuArena: boolean;
  epOptions: Record<string, unknown> | null;
}

/** Header cells matching `configurationCells`. */
export const configurationHead = html`<th>ep</th><th>precision</th><th class="num">batch</th><th>threads</th><th>opt</th><th>mode</th>`;

/** A configuration's knobs as table cells: EP, precision, batch, intra-op threads, graph optimization, execution mode and the rest. */
export function configurationCells(r: ConfigurationKnobs): Html {
  return html`<td>${r.ep}</td><td>${r.precision}</td><td class="num">${r.batch}</td><td>${r.intraOpThreads === 0 ? 'auto' : r.intraOpThreads}</td><td>${r.graphOptimization}</td><td>${modeText(r)}</td>`;
}

/** Execution mode and the knobs left off their defaults, in one line. */
export function modeText(r: ConfigurationKnobs): string {
  const parts = [r.executionMode === 'parallel' ? `parallel/${r.interOpThreads === 0 ? 'auto' : r.interOpThreads} inter-op` : r.executionMode];
  if (!r.memoryPattern) parts.push('no-mempattern');
  if (!r.cpuArena) parts.push('no-arena');
  if (r.epOptions && Object.keys(r.epOptions).length > 0) parts.push(JSON.stringify(r.epOptions));
  return parts.join(' ');
}

/** Why a result's figure should not be trusted or ranked, as visible flags: failed parity, unstable. */
export function flags(r: { status: string; valid: boolean; unstable: boolean | null; parityReason: string | null }): Html {
  return html`${r.status === 'ok' && !r.valid ? html`<span class="flag">parity failed: ${r.parityReason ?? 'outputs differ from the fp32 reference'}</span> ` : ''}${r.unstable ? html`<span class="flag warn" title="window medians differ by more than 10%">unstable</span>` : ''}`;
}
