import { html, raw } from 'hono/html';

/** A piece of HTML built with `html`; interpolated values are escaped unless they are HTML already. */
export type Html = ReturnType<typeof html>;

// Tables never squeeze below their content: their wrapper scrolls sideways instead, so a phone shows every
// column. No element has a fixed width; charts have a fixed height only. A rule too long for one line goes on
// on the next, indented, and is joined back into one line.
const CSS = `
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fff}
header{background:#1f3a5f;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;
  align-items:baseline}
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
.flag{display:inline-block;padding:0 .35rem;border-radius:3px;font-size:.85em;background:#fde2e1;color:#8a1c17;
  white-space:normal}
.flag.warn{background:#fff1c2;color:#6b4e00}
.alert{background:#fff1c2;color:#4a3600;border:1px solid #e0c060;padding:.5em 1em;margin:.5em 0}
.flag.good{background:#dcf3e3;color:#14532d}
.muted{color:#5f6b7a}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;margin:.5rem 0;padding:.5rem;
  background:#f6f8fa;border-radius:4px}
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
`.replace(/\n {2}/g, '');

const NAV = joined`
  <nav><a href="/leaderboard">Leaderboards</a><a href="/plan">Capacity plan</a><a href="/runs">Runs</a>
  <a href="/compare">Compare</a>
  <a href="/regressions">Regressions</a><a href="/fleet">Fleet</a></nav>
`;

/** The page around every dashboard view: navigation, styles, and Chart.js when the page draws charts. */
export function pageFrame(title: string, body: Html, opts: { refreshSeconds?: number; charts?: boolean } = {}): Html {
  const head = joined`
    <meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
    <link rel="icon" href="data:,">
  `;
  return html`<!doctype html>
<html lang="en"><head>${head}
${opts.refreshSeconds ? html`<meta http-equiv="refresh" content="${opts.refreshSeconds}">` : ''}
<title>${title} · ortfleet</title><style>${raw(CSS)}</style></head>
<body><header><a class="brand" href="/">ortfleet</a>${NAV}<a class="docs" href="/api/docs">API docs</a></header>
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
 * `html` for markup written over several lines: every line break and the indentation after it are left out
 * of the output, so a long row of cells reads well here and goes out as one line. Break only between tags or
 * around a `${…}`, never inside text.
 */
export function joined(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const parts = strings.map((s) => s.replace(/\n[ \t]*/g, ''));
  return html(Object.assign(parts, { raw: parts }), ...values);
}
