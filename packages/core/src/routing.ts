/** Decides where each cell of a run goes: a hardware class's task queue, or settled now as unsupported or unschedulable. */
import { DERIVABLE_PRECISIONS, type Cell, type CellStatus } from './cell';
import { fleetEps, type FleetClass } from './fleet';
import { expandMatrix } from './matrix';
import { modelFiles, type Spec } from './spec';

/** A cell together with what the workflow should do with it: send it to a class's queue, or settle it now. */
export type PlannedCell =
  | { cell: Cell; dispatch: { taskQueue: string } }
  | { cell: Cell; settled: { status: Extract<CellStatus, 'unsupported' | 'unschedulable'>; reason: string } };

/** Whether a spec target selects a class: 'any', its id, or labels that one of its live agents carries. */
function targetMatches(target: Spec['targets'][number], fleetClass: FleetClass): boolean {
  if (target === 'any') return true;
  if (typeof target === 'string') return fleetClass.hardwareClass === target;
  return (fleetClass.labels ?? []).some((agent) => Object.entries(target.labels).every(([k, v]) => agent[k] === v));
}

/** The stand-in class id of a label target that no live agent matches (`labels-region-eu`), so its cells say what was asked. */
function labelClass(labels: Record<string, string>): string {
  return `labels-${Object.entries(labels).flat().join('-')}`.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
}

/**
 * Expands the spec for each targeted hardware class and decides each cell's fate up front: a cell whose class
 * has no live agent is unschedulable, one whose class lacks the EP or whose model lacks the precision is
 * unsupported, the rest go to the class's task queue. `precisions` lists each model's files by precision as
 * found on disk (variants next to the fp32 file included); without it, the spec's own files count.
 */
export function planCells(spec: Spec, fleet: FleetClass[], precisions?: Record<string, string[]>): PlannedCell[] {
  const live = fleet.filter((c) => c.liveAgents > 0);
  const liveNames = live.map((c) => c.hardwareClass).join(', ') || 'none';
  const planned: PlannedCell[] = [];
  const seen = new Set<string>();
  const targets: { hardwareClass: string; fleetClass?: FleetClass; wanted?: string }[] = [];
  for (const target of spec.targets) {
    const matches = live.filter((c) => targetMatches(target, c));
    if (matches.length === 0 && typeof target === 'string')
      targets.push({
        hardwareClass: target === 'any' ? 'none' : target,
        wanted: target === 'any' ? 'at all' : `of hardware class '${target}'`,
      });
    else if (matches.length === 0 && typeof target !== 'string')
      targets.push({
        hardwareClass: labelClass(target.labels),
        wanted: `with labels ${Object.entries(target.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}`,
      });
    for (const m of matches) targets.push({ hardwareClass: m.hardwareClass, fleetClass: m });
  }
  for (const { hardwareClass, fleetClass, wanted } of targets) {
    if (seen.has(hardwareClass)) continue;
    seen.add(hardwareClass);
    for (const cell of expandMatrix(spec, hardwareClass)) {
      if (!fleetClass) {
        planned.push({
          cell,
          settled: { status: 'unschedulable', reason: `no live agent ${wanted} (live classes: ${liveNames})` },
        });
        continue;
      }
      const model = spec.models.find((m) => m.name === cell.params.model);
      const has = precisions?.[cell.params.model] ?? Object.keys(model ? modelFiles(model) : {});
      const ep = fleetClass.eps.find((e) => e.name === cell.params.ep);
      if (!has.includes(cell.params.precision)) {
        const hint =
          (DERIVABLE_PRECISIONS as readonly string[]).includes(cell.params.precision) && has.includes('fp32')
            ? '; `ortfleet models prepare <spec>` derives fp16 and int8 files from the fp32 one'
            : '';
        planned.push({
          cell,
          settled: {
            status: 'unsupported',
            reason: `model '${cell.params.model}' has no ${cell.params.precision} file (has: ${has.join(', ')})${hint}`,
          },
        });
      } else if (!ep?.available) {
        const why = ep?.error ? `: ${ep.error}` : ep ? '' : ' (not in this onnxruntime-node build)';
        const classEps = fleetClass.eps
          .filter((e) => e.available)
          .map((e) => e.name)
          .join(', ');
        planned.push({
          cell,
          settled: {
            status: 'unsupported',
            reason: `EP '${cell.params.ep}' is not available on ${hardwareClass}${why}; this class has: ${classEps}; fleet has: ${fleetEps(fleet).join(', ')}`,
          },
        });
      } else {
        planned.push({ cell, dispatch: { taskQueue: fleetClass.taskQueue } });
      }
    }
  }
  return planned;
}
