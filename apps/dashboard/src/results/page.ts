import { Hono } from 'hono';
import { html } from 'hono/html';
import {
  capacityAtSlo,
  formatSlo,
  type LatencyHistogram,
  type LatencyWindow,
  type LoadFigures,
  type LoadTrial,
  type ModelFacts,
  type OperatorProfile,
  type Parity,
  type Provenance,
  type StoredGeneration,
  type Telemetry,
} from '@ortfleet/core';
import { getResult } from '@ortfleet/db';
import type { DashboardDeps } from '../deps';
import { NotFound } from '../errors';
import { joined, pageFrame, table, type Html } from '../page-frame';
import { axis, chart } from '../page-charts';
import { href, parseQuery } from '../query';
import { bytes, ms, num, pct, sig, when } from '../format';
import { curve, line, sloLine } from '../load-curves';
import { flags, modeText } from '../result-cells';
import { ResultIdParam } from './schemas';

type Result = NonNullable<Awaited<ReturnType<typeof getResult>>>;

/** Most bars a histogram chart draws: 1% buckets are merged in runs so a wide distribution stays readable. */
const MAX_BARS = 60;
/** Most operator types in the profile chart; the rest are summed into one bar. */
const MAX_OP_TYPES = 15;

/** GET /results/:id: everything measured for one cell, each section present only when its data is. */
export function resultPages(deps: DashboardDeps): Hono {
  const app = new Hono();
  app.get('/results/:id', async (c) => {
    const { id } = parseQuery(ResultIdParam, { id: c.req.param('id') });
    const r = await getResult(deps.db, id);
    if (!r) throw new NotFound(`no result ${id}`);
    const decoder = r.generation ? generation(r.generation, r.batch) : '';
    const measured = joined`
      ${header(r)}${coldStart(r)}${decoder}${stats(r)}${charts(r)}${windows(r.windows, r.unstable)}${machine(r)}
      ${r.load ? openLoop(r.load) : ''}
    `;
    const profiled = r.profile ? profile(r.profile, r.ep, r.achievedGflops) : '';
    const options = r.sessionOptions
      ? joined`
          <h2>Session options</h2><p class="muted">The object passed to onnxruntime-node.</p>
          <pre>${JSON.stringify(r.sessionOptions, null, 2)}</pre>
        `
      : '';
    const body = html`${measured}
${r.telemetry ? telemetry(r.telemetry) : ''}${r.parity ? parity(r.parity) : ''}${profiled}
${r.modelFacts ? modelFacts(r.modelFacts) : ''}${r.provenance ? provenance(r.provenance) : ''}
${options}`;
    const hasCharts =
      !!r.generation?.figures ||
      !!r.histogram ||
      (r.samplesMs?.length ?? 0) > 0 ||
      (r.profile?.byOpType.length ?? 0) > 0 ||
      (r.load?.trials.length ?? 0) > 0;
    return c.html(pageFrame(`Result ${r.id}: ${r.model}`, body, { charts: hasCharts }));
  });
  return app;
}

function facts(rows: [string, unknown][]): Html {
  const known = rows.filter(([, v]) => v !== null && v !== undefined && v !== '');
  return html`<dl class="facts">${known.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

function json(v: Record<string, unknown> | null): string {
  return v && Object.keys(v).length > 0 ? JSON.stringify(v) : '';
}

function header(r: Result): Html {
  const history = html`<a href="${href('/history', { cell: r.cellId })}">history of this configuration</a>`;
  const leaderboard = html`<a href="${href('/leaderboard', { model: r.model })}">leaderboard</a>`;
  const jsonLink = html`<a href="/api/v1/results/${r.id}">JSON</a>`;
  const links = html`<a href="/runs/${r.runId}">run ${r.runId}</a> · ${history} · ${leaderboard} · ${jsonLink}`;
  const workers =
    r.concurrencyMode === 'worker-sessions' ? ', a worker thread with a session of its own per request' : '';
  return html`<p><strong>${r.status}</strong> ${flags({ ...r, parityReason: r.parity?.reason ?? null })}</p>
${r.reason ? html`<p class="wrap">${r.reason}</p>` : ''}
${r.note ? html`<p class="muted">Note: ${r.note}</p>` : ''}
<p>${links}</p>
<h2>Configuration</h2>
${facts([
  ['model', r.model],
  ['model sha256', r.modelSha256],
  ['hardware class', r.hardwareClass],
  ['agent', r.agentId],
  ['execution provider', r.ep],
  ['precision', r.precision],
  ['batch', r.batch],
  ['graph optimization', r.graphOptimization],
  ['intra-op threads', r.intraOpThreads === 0 ? 'auto (one per physical core)' : r.intraOpThreads],
  [
    'concurrency',
    r.concurrency > 1 ? `${r.concurrency} requests in flight (closed loop${workers})` : '1 (single stream)',
  ],
  ['execution mode', modeText({ ...r, epOptions: null })],
  ['EP options', json(r.epOptions)],
  ['free dimensions', json(r.freeDimensions)],
  ['session config', json(r.sessionConfig)],
  ['cell id', r.cellId],
  ['recorded (UTC)', when(r.recordedAt)],
])}`;
}

function coldStart(r: Result): Html {
  if (r.sessionCreateMs === null && r.firstInferenceMs === null) return html``;
  return html`<h2>Cold start</h2>${facts([
    ['session creation', r.sessionCreateMs === null ? null : `${ms(r.sessionCreateMs)} ms`],
    ['first inference', r.firstInferenceMs === null ? null : `${ms(r.firstInferenceMs)} ms`],
  ])}`;
}

/** The machine's speed around this cell: the control beside it, run by run, and its agent's factor that run. */
function machine(r: Result): Html {
  const c = r.interleavedControl;
  if (!c && r.controlFactor === null) return html``;
  return html`<h2>Machine drift</h2>
<p class="muted">The pinned control workload measures the machine, so that the nightly judge can divide a
machine's drift out of its models' results (docs/regressions.md, "Machine drift").</p>
${facts([
  [
    'control beside the cell',
    c
      ? `cell / control ${num(c.ratio, 4)} (median of ${num(c.runs, 0)} pairs ${(c.width ?? 1) > 1 ? `of rounds of ${c.width} requests at once` : 'run by run'} over ${num(c.durationMs / 1000, 1)} s; p50s ${ms(c.cellP50Ms)} ms and ${ms(c.controlP50Ms)} ms)`
      : null,
  ],
  [
    "agent's speed factor that run",
    r.controlFactor === null
      ? null
      : `${num(r.controlFactor, 3)} (its control p50 over its earlier runs'; above 1: slower)`,
  ],
])}`;
}

/**
 * A decoder cell: prefill and decode figures, and decode step latency against position (flat when the KV
 * cache works).
 */
function generation(g: StoredGeneration, batch: number): Html {
  const { params, figures: f } = g;
  const [low, high] = params.vocabRange;
  const shape = html`<p>Prompt ${params.promptTokens} tokens (ids drawn from [${low}, ${high})),
${params.newTokens} new tokens, batch ${batch}, greedy.</p>`;
  if (!f) return html`<h2>Generation</h2>${shape}`;
  const row = (
    name: string,
    s: { p50Ms: number; p90Ms: number; p99Ms: number; p50CiLowMs: number; p50CiHighMs: number },
  ) =>
    joined`
      <tr><th>${name}</th><td class="num">${ms(s.p50Ms)}</td><td class="num">${ms(s.p90Ms)}</td>
      <td class="num">${ms(s.p99Ms)}</td><td>95% CI of p50 ${ms(s.p50CiLowMs)}–${ms(s.p50CiHighMs)} ms</td></tr>
    `;
  return html`<h2>Generation</h2>${shape}
<p>${num(f.generations, 0)} timed generations · prefill <strong>${num(f.prefillTokensPerS)} tokens/s</strong>
· decode <strong>${num(f.decodeTokensPerS)} tokens/s</strong> · ${f.layers} layers, ${f.kvHeads} KV heads of
${f.headSize} · KV cache: ${f.kvCache.mode} (${f.kvCache.note})</p>
${table(
  joined`
    <tr><th>figure</th><th class="num">p50 ms</th><th class="num">p90 ms</th><th class="num">p99 ms</th><th></th></tr>
  `,
  [
    row('time to first token (prefill)', f.ttft),
    row('inter-token latency (each decode step)', f.itl),
    row('end-to-end generation', f.e2e),
  ],
)}
${f.stepCurve.length > 0 ? html`<div class="charts"><div>${stepCurveChart(f.stepCurve)}</div></div>` : ''}`;
}

function stepCurveChart(curve: { position: number; p50Ms: number }[]): Html {
  return chart('chart-step-curve', {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'median decode step',
          unit: 'ms',
          data: curve.map((c) => ({ x: c.position, y: c.p50Ms })),
          showLine: true,
          pointRadius: 2,
          borderColor: '#4e79a7',
          borderWidth: 2,
        },
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'Decode step latency against position' } },
      scales: {
        x: axis('position (tokens in the sequence)', { type: 'linear' }),
        y: axis('step latency (ms)', { type: 'linear', beginAtZero: true }),
      },
    },
  });
}

function stats(r: Result): Html {
  if (r.p50Ms === null) return html``;
  const row = (name: string, v: number | null, extra: Html | string = '') =>
    html`<tr><th>${name}</th><td class="num">${ms(v)}</td><td>${extra}</td></tr>`;
  const many = r.concurrency > 1;
  const timed = html`${num(r.iterations, 0)} timed ${many ? 'requests' : 'iterations'} over ${ms(r.durationMs)} ms`;
  const loop = html`${timed} after ${num(r.warmupIterations, 0)} warm-ups${many ? ' per worker' : ''}`;
  const inFlight = html`${num(r.meanInFlight)} requests in flight on average (of ${r.concurrency})`;
  const requests =
    r.requestsPerS !== null ? html` · <strong>${num(r.requestsPerS)} requests/s</strong> · ${inFlight}` : '';
  const gflops = r.achievedGflops !== null ? html` · ${num(r.achievedGflops)} GFLOP/s` : '';
  const energy = r.energyPerInferenceJ !== null ? html` · ${sig(r.energyPerInferenceJ)} J per item` : '';
  return html`<h2>Latency</h2>
<p>${loop} · throughput <strong>${num(r.throughput)} items/s</strong>${requests}${gflops}${energy}</p>
${table(html`<tr><th>figure</th><th class="num">ms</th><th></th></tr>`, [
  row('min', r.minMs),
  row('mean', r.meanMs, r.stdMs !== null ? `std ${ms(r.stdMs)} ms, cv ${pct(r.cv)}` : ''),
  row('p50', r.p50Ms, r.p50CiLowMs !== null ? `95% CI ${ms(r.p50CiLowMs)}–${ms(r.p50CiHighMs)} ms` : ''),
  row('p90', r.p90Ms),
  row('p95', r.p95Ms),
  row('p99', r.p99Ms),
  row('p99.9', r.p999Ms),
  row('max', r.maxMs),
])}`;
}

function charts(r: Result): Html {
  const parts: Html[] = [];
  if (r.histogram && Object.keys(r.histogram.counts).length > 0) parts.push(...histogramCharts(r.histogram));
  if (r.samplesMs && r.samplesMs.length > 0) parts.push(samplesChart(r.samplesMs, r.iterations, r.windows));
  return parts.length > 0
    ? html`<h2>Distribution</h2><div class="charts">${parts.map((p) => html`<div>${p}</div>`)}</div>`
    : html``;
}

/** Histogram and CDF from the log buckets: bucket i holds [growth^i, growth^(i+1)) µs. */
function histogramCharts(h: LatencyHistogram): Html[] {
  const buckets = Object.entries(h.counts)
    .map(([k, v]) => [Number(k), v] as const)
    .sort((a, b) => a[0] - b[0]);
  const first = buckets[0]![0];
  const width = Math.max(1, Math.ceil((buckets.at(-1)![0] - first + 1) / MAX_BARS));
  const bars = new Map<number, number>();
  for (const [bucket, count] of buckets) {
    const bar = first + Math.floor((bucket - first) / width) * width;
    bars.set(bar, (bars.get(bar) ?? 0) + count);
  }
  const edge = (bucket: number) => h.growth ** bucket / 1000;
  const starts: number[] = [];
  for (let b = first; b <= buckets.at(-1)![0]; b += width) starts.push(b);
  const total = buckets.reduce((s, [, v]) => s + v, 0);
  let seen = 0;
  const cdf = [{ x: edge(first), y: 0 }];
  for (const [bucket, count] of buckets) {
    seen += count;
    cdf.push({ x: edge(bucket + 1), y: (100 * seen) / total });
  }
  return [
    chart('chart-histogram', {
      type: 'bar',
      data: {
        labels: starts.map((b) => ms(edge(b))),
        datasets: [
          {
            label: 'samples',
            unit: 'samples',
            data: starts.map((b) => bars.get(b) ?? 0),
            backgroundColor: '#4e79a7',
            barPercentage: 1,
            categoryPercentage: 1,
          },
        ],
      },
      options: {
        plugins: { title: { display: true, text: 'Latency histogram' }, legend: { display: false } },
        scales: {
          x: axis('latency (ms, lower edge of each bucket)', { type: 'category' }),
          y: axis('samples (count)', { beginAtZero: true }),
        },
      },
    }),
    chart('chart-cdf', {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: 'share of samples at or below',
            unit: '%',
            data: cdf,
            showLine: true,
            pointRadius: 0,
            borderColor: '#4e79a7',
            borderWidth: 2,
          },
        ],
      },
      options: {
        plugins: { title: { display: true, text: 'Latency CDF' } },
        scales: {
          x: axis('latency (ms)', { type: 'linear' }),
          y: axis('samples at or below (%)', { type: 'linear', min: 0, max: 100 }),
        },
      },
    }),
  ];
}

/**
 * The timeline of the loop: samples are taken at even steps of iterations, so sample i stands for about
 * iteration i × iterations / samples. Window medians are drawn over the iterations each window covers.
 */
function samplesChart(samples: number[], iterations: number | null, windows: LatencyWindow[] | null): Html {
  const step = iterations && iterations > 0 ? iterations / samples.length : 1;
  const medians: { x: number; y: number | null }[] = [];
  let start = 0;
  for (const w of windows ?? []) {
    // A null point breaks the line between windows.
    medians.push(
      { x: start, y: w.p50Ms },
      { x: start + w.iterations, y: w.p50Ms },
      { x: start + w.iterations, y: null },
    );
    start += w.iterations;
  }
  return chart('chart-samples', {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'latency of one run',
          unit: 'ms',
          data: samples.map((y, i) => ({ x: Math.round(i * step), y })),
          pointRadius: 2,
          backgroundColor: 'rgba(78,121,167,0.6)',
        },
        ...(medians.length > 0
          ? [
              {
                label: 'window median',
                unit: 'ms',
                data: medians,
                showLine: true,
                pointRadius: 0,
                borderColor: '#e15759',
                borderWidth: 2,
                spanGaps: false,
              },
            ]
          : []),
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'Latency over the timed loop' } },
      scales: {
        x: axis(step === 1 ? 'iteration' : 'iteration (samples are evenly spaced through the loop)', {
          type: 'linear',
        }),
        y: axis('latency (ms)', { type: 'linear' }),
      },
    },
  });
}

function windows(ws: LatencyWindow[] | null, unstable: boolean | null): Html {
  if (!ws || ws.length === 0) return html``;
  const medians = ws.map((w) => w.p50Ms);
  const spread = Math.max(...medians) / Math.min(...medians) - 1;
  const verdict = unstable
    ? html`<span class="flag warn">unstable</span> `
    : html`<span class="flag good">stable</span> `;
  return html`<h2>Stability</h2>
<p>${verdict}The largest window median is ${pct(spread)} above the smallest; above 10% the result is flagged
unstable.</p>
${table(
  joined`
    <tr><th>window</th><th class="num">starts at (ms into the loop)</th><th class="num">iterations</th>
    <th class="num">p50 ms</th></tr>
  `,
  ws.map(
    (w, i) =>
      joined`
        <tr><td>${i + 1}</td><td class="num">${num(w.startMs, 0)}</td><td class="num">${num(w.iterations, 0)}</td>
        <td class="num">${ms(w.p50Ms)}</td></tr>
      `,
  ),
)}`;
}

/** The open-loop scenario: every offered rate's latency from arrival and from dispatch, the SLO and the peak. */
function openLoop(load: LoadFigures): Html {
  const capacity = capacityAtSlo(load);
  const rate = (qps: number | null) => (qps === null ? 'none' : `${num(qps)} requests/s`);
  const peak = load.peak;
  const found = peak
    ? ` (the peak-rate search's answer after ${peak.trials} trials: passed at ${rate(peak.bracket[0])}, failed at ${rate(peak.bracket[1])})`
    : ' (the highest passing offered rate below every failing one, a lower bound: no search ran)';
  const verdict = (pass: boolean | null) =>
    pass === null ? '' : pass ? html`<span class="flag good">pass</span>` : html`<span class="flag">fail</span>`;
  const row = (t: LoadTrial) =>
    joined`
      <tr><td class="num">${num(t.offeredQps)}</td><td>${t.search ? 'search' : 'spec'}</td>
      <td class="num">${num(t.achievedQps)}</td><td class="num">${num(t.served, 0)} / ${num(t.requests, 0)}</td>
      <td class="num">${ms(t.fromArrival?.p50Ms)}</td><td class="num">${ms(t.fromArrival?.p99Ms)}</td>
      <td class="num">${ms(t.fromDispatch?.p99Ms)}</td><td class="num">${num(t.queueDepth.mean, 2)}</td>
      <td class="num">${t.queueDepth.max}</td><td>${verdict(t.pass)}</td><td class="wrap">${t.note ?? ''}</td></tr>
    `;
  return html`<h2>Open-loop load</h2>
<p class="muted">Requests arrived on a seeded Poisson schedule at each offered rate whatever the earlier ones did;
latency from arrival counts the wait in the queue, latency from dispatch the run alone.</p>
${facts([
  ['SLO', load.slo ? `${formatSlo(load.slo)} ms from scheduled arrival` : 'none (trials are not judged)'],
  ['servers', `${load.servers} (requests served at once, a worker session each)`],
  ['arrival seed', load.seed],
  ['capacity at the SLO', load.slo ? `${rate(capacity)}${capacity === null ? '' : found}` : null],
])}
${table(
  joined`
    <tr><th class="num">offered req/s</th><th>trial</th><th class="num">achieved req/s</th>
    <th class="num">served</th><th class="num">p50 from arrival ms</th><th class="num">p99 from arrival ms</th>
    <th class="num">p99 from dispatch ms</th><th class="num">queue mean</th><th class="num">queue max</th>
    <th>SLO</th><th>note</th></tr>
  `,
  load.trials.map(row),
)}
${load.trials.length > 0 ? html`<div class="charts"><div>${loadChart(load, capacity)}</div></div>` : ''}`;
}

/** Latency against offered rate, with the SLO's bound and a vertical line at the capacity: the knee. */
function loadChart(load: LoadFigures, capacity: number | null): Html {
  const trace = (label: string, figure: (t: LoadTrial) => number | undefined, colour: string, dash?: number[]) =>
    line(label, curve(load.trials, figure), colour, dash);
  const figures = [
    trace('p50 from arrival', (t) => t.fromArrival?.p50Ms, '#76b7b2'),
    trace('p99 from arrival', (t) => t.fromArrival?.p99Ms, '#4e79a7'),
    trace('p99 from dispatch', (t) => t.fromDispatch?.p99Ms, '#59a14f', [2, 3]),
  ];
  const rates = load.trials.map((t) => t.offeredQps);
  const latencies = figures.flatMap((f) => f.data.flatMap((p) => (p.y === null ? [] : [p.y])));
  if (load.slo) latencies.push(load.slo.boundMs);
  const kneeAt = (x: number) => [Math.min(...latencies), Math.max(...latencies)].map((y) => ({ x, y }));
  const knee =
    capacity === null
      ? []
      : [{ ...line(`capacity ${num(capacity)} requests/s`, kneeAt(capacity), '#f28e2b', [6, 4]), pointRadius: 0 }];
  return chart('chart-load', {
    type: 'scatter',
    data: { datasets: [...figures, ...(load.slo ? [sloLine(load.slo, rates)] : []), ...knee] },
    options: {
      plugins: { title: { display: true, text: 'Latency against offered rate' } },
      scales: {
        x: axis('offered rate (requests/s)', { type: 'linear', beginAtZero: true }),
        // Past the knee latency grows by orders of magnitude; a log axis keeps the part below the bound readable.
        y: axis('latency (ms)', { type: 'logarithmic' }),
      },
    },
  });
}

function telemetry(t: Telemetry): Html {
  return html`<h2>Telemetry</h2><p class="muted">Sampled over the timed loop only.</p>${facts([
    ['process CPU', `${num(t.processCpuPercent)}% (100% = one core busy)`],
    ['system CPU', `${num(t.systemCpuPercent)}% of all cores`],
    ['peak resident memory', bytes(t.peakRssBytes)],
    [
      'GPU utilization',
      t.gpu
        ? `mean ${num(t.gpu.utilizationPercentMean)}%, max ${num(t.gpu.utilizationPercentMax)}% ` +
          `(${t.gpu.samples} samples)`
        : null,
    ],
    ['GPU memory used (max)', t.gpu ? `${num(t.gpu.memoryUsedMbMax, 0)} MB` : null],
    ['GPU power (mean)', t.gpu?.powerWMean != null ? `${num(t.gpu.powerWMean)} W` : null],
    ['CPU package energy', t.cpuEnergyJ !== undefined ? `${sig(t.cpuEnergyJ)} J` : null],
    ['energy per item', t.energyPerInferenceJ !== undefined ? `${sig(t.energyPerInferenceJ)} J` : null],
    ['power sources', t.powerSources.length > 0 ? t.powerSources.join(', ') : 'none readable'],
  ])}`;
}

function parity(p: Parity): Html {
  const verdict = p.ok
    ? html`<span class="flag good">passed</span>`
    : html`<span class="flag">parity failed: ${p.reason ?? ''}</span>`;
  const top1 = p.top1Agreement !== undefined ? `, top-1 agreement ${pct(p.top1Agreement)}` : '';
  return html`<h2>Parity</h2>
<p>${verdict} against ${p.reference}. Worst over outputs: max abs error ${sig(p.maxAbsError)}, mean rel error
${sig(p.meanRelError)}, cosine ${sig(p.cosine)}${top1}, non-finite ${p.nonFinite}.</p>
${table(
  joined`
    <tr><th>output</th><th class="num">max abs error</th><th class="num">mean rel error</th>
    <th class="num">cosine</th><th class="num">top-1 agreement</th><th class="num">NaN/Inf values</th></tr>
  `,
  p.outputs.map(
    (o) =>
      joined`
        <tr><td>${o.name}</td><td class="num">${sig(o.maxAbsError)}</td><td class="num">${sig(o.meanRelError)}</td>
        <td class="num">${sig(o.cosine)}</td><td class="num">${pct(o.top1Agreement)}</td>
        <td class="num">${o.nonFinite}</td></tr>
      `,
  ),
  'no per-output figures',
)}`;
}

function profile(p: OperatorProfile, ep: string, achievedGflops: number | null): Html {
  const byTime = [...p.byOpType].sort((a, b) => b.totalUs - a.totalUs);
  const shown = byTime.slice(0, MAX_OP_TYPES);
  const rest = byTime.slice(MAX_OP_TYPES);
  const bars = [
    ...shown.map((o) => ({ label: o.opType, us: o.totalUs })),
    ...(rest.length > 0
      ? [{ label: `${rest.length} other op types`, us: rest.reduce((s, o) => s + o.totalUs, 0) }]
      : []),
  ];
  const perRun = (us: number) => us / Math.max(1, p.iterations);
  const flops =
    p.flopsPerInference !== undefined
      ? ` About ${sig(p.flopsPerInference / 1e9)} GFLOP per run (Conv and MatMul families)${
          achievedGflops !== null ? `, ${num(achievedGflops)} GFLOP/s achieved` : ''
        }.`
      : '';
  const f = p.fallback;
  const fallback =
    f && f.nodes > 0
      ? html`<p><span class="flag">CPU fallback: ${f.nodes} nodes (${pct(f.nodeShare)} of nodes, ${pct(
          f.timeShare,
        )} of node time) ran on the CPU although the cell asked for ${ep}</span></p>`
      : '';
  return html`<h2>Operator profile</h2>
<p class="muted">From ${p.iterations} profiled runs in a separate session (profiling slows ONNX Runtime down, so
these times are not the latency above).${flops}</p>
${fallback}
${
  bars.length > 0
    ? chart('chart-profile', {
        type: 'bar',
        data: {
          labels: bars.map((b) => b.label),
          datasets: [
            { label: 'time per run', unit: 'µs', data: bars.map((b) => perRun(b.us)), backgroundColor: '#59a14f' },
          ],
        },
        options: {
          indexAxis: 'y',
          plugins: { title: { display: true, text: 'Node time by operator type' }, legend: { display: false } },
          scales: {
            x: axis('time per run (µs)', { type: 'linear', beginAtZero: true }),
            y: axis('operator type', { type: 'category' }),
          },
        },
      })
    : ''
}
${table(
  joined`
    <tr><th>op type</th><th class="num">calls per run</th><th class="num">µs per run</th>
    <th class="num">share of node time</th></tr>
  `,
  byTime.map(
    (o) =>
      joined`
        <tr><td>${o.opType}</td><td class="num">${num(o.calls / Math.max(1, p.iterations), 1)}</td>
        <td class="num">${num(perRun(o.totalUs), 1)}</td><td class="num">${pct(o.timeShare)}</td></tr>
      `,
  ),
)}
<h3>Slowest nodes</h3>
${table(
  html`<tr><th>node</th><th>op type</th><th>provider</th><th class="num">mean µs per call</th></tr>`,
  p.topNodes.map(
    (n) =>
      joined`
        <tr><td class="wrap">${n.name}</td><td>${n.opType}</td><td>${n.provider}</td>
        <td class="num">${num(n.meanUs, 1)}</td></tr>
      `,
  ),
)}
<h3>Placement by execution provider</h3>
${table(
  joined`
    <tr><th>provider</th><th class="num">nodes</th><th class="num">share of nodes</th>
    <th class="num">share of node time</th></tr>
  `,
  p.byProvider.map(
    (b) =>
      joined`
        <tr><td>${b.provider}</td><td class="num">${b.nodes}</td><td class="num">${pct(b.nodeShare)}</td>
        <td class="num">${pct(b.timeShare)}</td></tr>
      `,
  ),
)}`;
}

function modelFacts(m: ModelFacts): Html {
  const io = (rows: ModelFacts['inputs']) =>
    table(
      html`<tr><th>name</th><th>type</th><th>shape</th></tr>`,
      rows.map((t) => html`<tr><td>${t.name}</td><td>${t.type}</td><td>[${t.shape.join(', ')}]</td></tr>`),
    );
  const operators = Object.entries(m.operators).sort((a, b) => b[1] - a[1]);
  return html`<h2>Model</h2>${facts([
    ['IR version', m.irVersion],
    ['producer', m.producer],
    ['opsets', m.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')],
    ['parameters', num(m.parameters, 0)],
    ['nodes', num(m.nodes, 0)],
    ['operators', operators.map(([op, n]) => `${op} ×${n}`).join(', ')],
  ])}<h3>Inputs</h3>${io(m.inputs)}<h3>Outputs</h3>${io(m.outputs)}`;
}

function provenance(p: Provenance): Html {
  return html`<h2>Provenance</h2>${facts([
    ['ortfleet', `${p.ortfleetVersion}${p.ortfleetCommit ? ` (${p.ortfleetCommit})` : ''}`],
    ['onnxruntime-node', p.onnxruntimeVersion],
    ['Node.js', p.nodeVersion],
    ['OS', `${p.os.distro} ${p.os.release} (${p.os.platform}, kernel ${p.os.kernel}, ${p.os.arch})`],
    ['CPU', p.cpu.brand],
    ['CPU flags', p.cpu.flags.join(' ')],
    [
      'GPUs',
      p.gpus
        .map((g) => `${g.model}${g.vramMb !== null ? `, ${g.vramMb} MB` : ''}${g.driver ? `, driver ${g.driver}` : ''}`)
        .join('; ') || 'none',
    ],
    ['CUDA', p.cudaVersion],
  ])}`;
}
