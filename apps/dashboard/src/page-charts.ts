import { html, raw } from 'hono/html';
import type { Html } from './page-frame';

/**
 * A chart: a canvas and its Chart.js configuration as JSON, drawn by /assets/charts.js. The JSON is made
 * safe inside <script>: `<` cannot close the element and U+2028/2029 cannot end a line in older parsers.
 */
export function chart(id: string, config: ChartConfig): Html {
  const json = JSON.stringify(config)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const label = config.options.plugins.title.text;
  const canvas = html`<canvas data-chart="${id}" role="img" aria-label="${label}"></canvas>`;
  return html`<div class="chart">${canvas}</div><script type="application/json" id="${id}">${raw(json)}</script>`;
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
  options: {
    plugins: { title: { display: true; text: string }; [plugin: string]: unknown };
    scales: { x: Axis; y: Axis };
    [option: string]: unknown;
  };
}

/** An axis with its title shown. */
export function axis(text: string, more: Omit<Axis, 'title'> = {}): Axis {
  return { ...more, title: { display: true, text } };
}
