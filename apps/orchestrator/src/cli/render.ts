import { rankByModel, type CellResult, type RunProgress, type RunSummary } from '@ortfleet/core';

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((c, i) => (/^[\d.]/.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** One line of progress: a bar, counts by status, and elapsed time. */
export function progressLine(p: RunProgress, elapsedMs: number, width = 30): string {
  const fraction = p.total > 0 ? p.done / p.total : 0;
  const filled = Math.round(fraction * width);
  const counts = Object.entries(p.byStatus).map(([status, n]) => `${status} ${n}`).join(' · ');
  const secs = Math.round(elapsedMs / 1000);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} cells${p.running ? ` · running ${p.running}` : ''}${counts ? ` · ${counts}` : ''} · ${Math.floor(secs / 60)}m${String(secs % 60).padStart(2, '0')}s`;
}

function cellLabel(c: CellResult): string {
  const p = c.params;
  return `${p.model}/${p.ep}/${p.precision}/b${p.batch}/t${p.intraOpThreads}/${p.graphOptimization}`;
}

/** The ranked table per model, then the cells that did not end ok, grouped by reason. */
export function renderSummary(summary: RunSummary): string {
  const out: string[] = [];
  for (const [model, ranked] of rankByModel(summary.cells)) {
    out.push(`\n${model}: ${ranked.length} configuration${ranked.length === 1 ? '' : 's'}, fastest first (latency in ms)`);
    const rows = [['#', 'hardware', 'ep', 'precision', 'batch', 'threads', 'opt', 'p50', 'p50 95% CI', 'p99', 'items/s', 'iters', 'session', 'first']];
    ranked.forEach((r, i) => {
      const m = r.measurement!;
      const p = r.params;
      rows.push([
        String(i + 1), p.hardwareClass, p.ep, p.precision, String(p.batch), p.intraOpThreads === 0 ? 'auto' : String(p.intraOpThreads), p.graphOptimization,
        fmt(m.stats.p50Ms), `${fmt(m.stats.p50CiLowMs)}-${fmt(m.stats.p50CiHighMs)}`, fmt(m.stats.p99Ms), m.throughput.toFixed(1), String(m.iterations), fmt(m.sessionCreateMs), fmt(m.firstInferenceMs),
      ]);
    });
    out.push(pad(rows));
  }
  const notOk = new Map<string, CellResult[]>();
  for (const c of summary.cells) {
    if (c.status === 'ok') continue;
    const why = `${c.status}: ${c.reason ?? ''}`;
    notOk.set(why, [...(notOk.get(why) ?? []), c]);
  }
  if (notOk.size > 0) out.push('\ncells not ok, by reason:');
  for (const [why, cells] of notOk) out.push(`  ${cells.length} × ${why}\n      ${cells.map(cellLabel).join(', ')}`);
  const counts = summary.cells.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.status]: (acc[c.status] ?? 0) + 1 }), {});
  out.push(`\nrun ${summary.runId}: ${summary.status}; ${Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ')}; fleet EPs: ${summary.fleetEps.join(', ') || 'none'}`);
  return out.join('\n');
}
