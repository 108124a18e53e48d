import {
  formatSlo,
  describeConfiguration,
  isRankable,
  rankByModel,
  type CellParams,
  type CellResult,
  type LoadFigures,
  type RunProgress,
  type RunSummary,
} from '@ortfleet/core';

/** Rows as aligned columns, numbers right-aligned; the first row is the header. */
function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells
    .map((row) => row.map((c, i) => (/^[\d.]/.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

/** A table with a header row, for commands that list things. */
export function renderTable(header: string[], rows: string[][]): string {
  return pad([header, ...rows]);
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** One line of progress: a bar, counts by status, and elapsed time. */
export function progressLine(p: RunProgress, elapsedMs: number, width = 30): string {
  const fraction = p.total > 0 ? p.done / p.total : 0;
  const filled = Math.round(fraction * width);
  const counts = Object.entries(p.byStatus)
    .map(([status, n]) => `${status} ${n}`)
    .join(' · ');
  const secs = Math.round(elapsedMs / 1000);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} cells${p.running ? ` · in flight ${p.running}` : ''}${counts ? ` · ${counts}` : ''} · ${Math.floor(secs / 60)}m${String(secs % 60).padStart(2, '0')}s`;
}

/** The knobs a cell sets away from ONNX Runtime's defaults, briefly ('-' when none). */
function knobs(p: CellParams): string {
  const set = [
    p.executionMode === 'parallel' ? `parallel/${p.interOpThreads || 'auto'}` : '',
    p.memoryPattern ? '' : 'no-mempattern',
    p.cpuArena ? '' : 'no-arena',
    p.epOptions
      ? Object.entries(p.epOptions)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(',')
      : '',
    p.freeDimensions
      ? Object.entries(p.freeDimensions)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
      : '',
    p.sessionConfig
      ? Object.entries(p.sessionConfig)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
      : '',
  ].filter(Boolean);
  return set.join(' ') || '-';
}

function cellLabel(c: CellResult): string {
  return `${c.params.model}: ${describeConfiguration(c.params)}`;
}

/** A decoder's cells: time to first token, inter-token latency and tokens/s, lowest median TTFT first. */
function generationTable(ranked: CellResult[]): string {
  const rows = [
    [
      '#',
      'hardware',
      'ep',
      'precision',
      'batch',
      'threads',
      'prompt',
      'new',
      'TTFT p50',
      'TTFT 95% CI',
      'TTFT p99',
      'ITL p50',
      'ITL p99',
      'prefill tok/s',
      'decode tok/s',
      'kv cache',
      'gens',
      'flags',
    ],
  ];
  const byTtft = [...ranked].sort(
    (a, b) => a.measurement!.generation!.ttft.p50Ms - b.measurement!.generation!.ttft.p50Ms,
  );
  byTtft.forEach((r, i) => {
    const g = r.measurement!.generation!;
    const p = r.params;
    rows.push([
      String(i + 1),
      p.hardwareClass,
      p.ep,
      p.precision,
      String(p.batch),
      p.intraOpThreads === 0 ? 'auto' : String(p.intraOpThreads),
      String(g.promptTokens),
      String(g.newTokens),
      fmt(g.ttft.p50Ms),
      `${fmt(g.ttft.p50CiLowMs)}-${fmt(g.ttft.p50CiHighMs)}`,
      fmt(g.ttft.p99Ms),
      fmt(g.itl.p50Ms),
      fmt(g.itl.p99Ms),
      g.prefillTokensPerS.toFixed(0),
      g.decodeTokensPerS.toFixed(1),
      g.kvCache.mode,
      String(g.generations),
      flags(r),
    ]);
  });
  return pad(rows);
}

/** Warnings a performance engineer should see next to a figure. */
function flags(r: CellResult): string {
  const m = r.measurement!;
  return (
    [
      m.unstable ? 'unstable' : '',
      // ORT keeps shape arithmetic on the CPU by design; only a noticeable share of time is worth a flag.
      r.profile?.fallback && r.profile.fallback.timeShare >= 0.01
        ? `cpu-fallback ${Math.round(r.profile.fallback.timeShare * 100)}%`
        : '',
      r.parity ? '' : 'no-parity',
    ]
      .filter(Boolean)
      .join(' ') || '-'
  );
}

/** The ranked table per model, then the cells that did not end ok, grouped by reason. */
export function renderSummary(summary: RunSummary): string {
  const out: string[] = [];
  for (const [model, ranked] of rankByModel(summary.cells)) {
    if (ranked.every((r) => r.measurement!.generation)) {
      out.push(
        `\n${model}: ${ranked.length} generation configuration${ranked.length === 1 ? '' : 's'}, lowest time to first token first (ms; ITL = inter-token latency)`,
      );
      out.push(generationTable(ranked));
      continue;
    }
    out.push(
      `\n${model}: ${ranked.length} configuration${ranked.length === 1 ? '' : 's'}, fastest first (latency in ms)`,
    );
    // Closed-loop columns only where some cell kept more than one request in flight: single-stream tables stay as they were.
    const closedLoop = ranked.some((r) => r.measurement!.concurrency);
    const loopHeader = closedLoop ? ['conc', 'in flight', 'req/s'] : [];
    const rows = [
      [
        '#',
        'hardware',
        'ep',
        'precision',
        'batch',
        'threads',
        'opt',
        'knobs',
        ...loopHeader,
        'p50',
        'p50 95% CI',
        'p99',
        'items/s',
        'GFLOP/s',
        'cpu%',
        'iters',
        'session',
        'first',
        'flags',
      ],
    ];
    ranked.forEach((r, i) => {
      const m = r.measurement!;
      const p = r.params;
      const c = m.concurrency;
      const loop = closedLoop
        ? [
            String(p.concurrency ?? 1),
            c ? c.meanInFlight.toFixed(2) : '1.00',
            (c ? c.requestsPerS : m.iterations / (m.durationMs / 1000)).toFixed(1),
          ]
        : [];
      rows.push([
        String(i + 1),
        p.hardwareClass,
        p.ep,
        p.precision,
        String(p.batch),
        p.intraOpThreads === 0 ? 'auto' : String(p.intraOpThreads),
        p.graphOptimization,
        knobs(p),
        ...loop,
        fmt(m.stats.p50Ms),
        `${fmt(m.stats.p50CiLowMs)}-${fmt(m.stats.p50CiHighMs)}`,
        fmt(m.stats.p99Ms),
        m.throughput.toFixed(1),
        m.achievedGflops === undefined ? '-' : m.achievedGflops.toFixed(1),
        m.telemetry ? m.telemetry.processCpuPercent.toFixed(0) : '-',
        String(m.iterations),
        fmt(m.sessionCreateMs),
        fmt(m.firstInferenceMs),
        flags(r),
      ]);
    });
    out.push(pad(rows));
    const loaded = ranked.filter((r) => r.measurement!.load);
    if (loaded.length > 0) out.push(`\nopen-loop load (latency from each request's scheduled arrival):`);
    for (const r of loaded) out.push(renderLoad(cellLabel(r), r.measurement!.load!));
  }
  const unranked = summary.cells.filter((c) => c.status === 'ok' && !isRankable(c));
  if (unranked.length > 0)
    out.push(
      `\nok but not ranked (outputs disagree with the fp32 CPU reference):\n${unranked.map((c) => `  ${cellLabel(c)}: ${c.parity?.reason ?? ''}`).join('\n')}`,
    );
  const notOk = new Map<string, CellResult[]>();
  for (const c of summary.cells) {
    if (c.status === 'ok') continue;
    const why = `${c.status}: ${c.reason ?? ''}`;
    notOk.set(why, [...(notOk.get(why) ?? []), c]);
  }
  if (notOk.size > 0) out.push('\ncells not ok, by reason:');
  for (const [why, cells] of notOk) out.push(`  ${cells.length} × ${why}\n      ${cells.map(cellLabel).join('; ')}`);
  const counts = summary.cells.reduce<Record<string, number>>(
    (acc, c) => ({ ...acc, [c.status]: (acc[c.status] ?? 0) + 1 }),
    {},
  );
  out.push(
    `\nrun ${summary.runId}: ${summary.status}; ${Object.entries(counts)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')}; fleet EPs: ${summary.fleetEps.join(', ') || 'none'}`,
  );
  return out.join('\n');
}

/** A cell's open-loop trials, a line each, and the peak rate at the SLO when it searched. */
function renderLoad(label: string, load: LoadFigures): string {
  const slo = load.slo ? formatSlo(load.slo) : 'no SLO';
  const lines = [`  ${label} (${slo}, ${load.servers} server${load.servers > 1 ? 's' : ''}, seed ${load.seed})`];
  for (const t of load.trials) {
    const verdict = t.pass === null ? '' : t.pass ? 'pass' : 'FAIL';
    const p99 = t.fromArrival
      ? `p99 ${fmt(t.fromArrival.p99Ms)} from arrival, ${fmt(t.fromDispatch!.p99Ms)} from dispatch`
      : 'nothing served';
    lines.push(
      `    ${t.search ? 'search ' : ''}${t.offeredQps.toFixed(1)} req/s offered, ${t.achievedQps.toFixed(1)} achieved, ${p99}, queue max ${t.queueDepth.max} ${verdict}${t.note ? ` (${t.note})` : ''}`,
    );
  }
  if (load.peak) {
    const [lo, hi] = load.peak.bracket;
    lines.push(
      load.peak.qps === null
        ? `    peak: no rate met ${slo} (lowest failing ${hi?.toFixed(1)} req/s)`
        : `    peak: ${load.peak.qps.toFixed(1)} req/s at ${slo} (bracket ${lo?.toFixed(1)}–${hi === null ? 'none failed' : hi.toFixed(1)}, ${load.peak.trials} trials)`,
    );
  }
  return lines.join('\n');
}
