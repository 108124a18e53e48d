import { canonicalJson, fnv1a64 } from './hash';
import type { Spec } from './spec';
import { DERIVABLE_PRECISIONS, type Cell, type CellParams, type CellStatus, type FleetClass, type GenerationParams } from './types';

/** A cell together with what the workflow should do with it: send it to a class's queue, or settle it now. */
export type PlannedCell =
  | { cell: Cell; dispatch: { taskQueue: string } }
  | { cell: Cell; settled: { status: Extract<CellStatus, 'unsupported' | 'unschedulable'>; reason: string } };

/** Knobs added after the first release, with the values every earlier cell implicitly had. */
const LATER_KNOB_DEFAULTS: Partial<CellParams> = { interOpThreads: 0, executionMode: 'sequential', memoryPattern: true, cpuArena: true, concurrency: 1 };

/**
 * Stable id of a cell: the same canonical parameters always give the same id, in any process. Later knobs
 * at their defaults are left out of the hash, so ids already stored keep meaning the same cell.
 */
export function cellId(params: CellParams): string {
  const hashed: Record<string, unknown> = { ...params };
  for (const [key, value] of Object.entries(LATER_KNOB_DEFAULTS)) if (hashed[key] === value) delete hashed[key];
  return fnv1a64(canonicalJson(hashed));
}

/** Files a model provides, by precision. */
export function modelFiles(model: Spec['models'][number]): Record<string, string> {
  return model.files ?? { fp32: model.file as string };
}

function nonEmpty<T extends object>(value: T | undefined): T | undefined {
  return value && Object.keys(value).length > 0 ? value : undefined;
}

/** Cartesian product of named axes, the first axis varying slowest. */
function product<T extends Record<string, readonly unknown[]>>(axes: T): { [K in keyof T]: T[K][number] }[] {
  return Object.entries(axes).reduce<Record<string, unknown>[]>(
    (rows, [key, values]) => rows.flatMap((row) => values.map((v) => ({ ...row, [key]: v }))),
    [{}],
  ) as { [K in keyof T]: T[K][number] }[];
}

/** A generate model's prompt × new-token combinations; one undefined entry for any other model. */
function generationAxes(model: Spec['models'][number]): (GenerationParams | undefined)[] {
  const g = model.generate;
  if (!g) return [undefined];
  return g.promptTokens.flatMap((promptTokens) => g.newTokens.map((newTokens) => ({ promptTokens, newTokens, vocabRange: g.vocabRange })));
}

/**
 * Every combination of the matrix for one hardware class, in spec order. The inter-op thread count only
 * matters in parallel execution mode, so sequential cells are not repeated for each value.
 */
export function expandMatrix(spec: Spec, hardwareClass: string): Cell[] {
  const m = spec.matrix;
  const cells: Cell[] = [];
  const seen = new Set<string>();
  for (const model of spec.models)
    for (const generation of generationAxes(model))
    for (const row of product({
      ep: m.ep,
      precision: m.precision,
      batch: m.batch,
      graphOptimization: m.graphOptimization,
      intraOpThreads: m.intraOpThreads,
      executionMode: m.executionMode,
      interOpThreads: m.interOpThreads,
      memoryPattern: m.memoryPattern,
      cpuArena: m.cpuArena,
      concurrency: m.concurrency,
    })) {
      const { concurrency, ...knobs } = row;
      const params: CellParams = {
        model: model.name,
        hardwareClass,
        ...knobs,
        // ORT ignores inter-op threads in sequential mode; 0 says so instead of recording a value with no effect.
        interOpThreads: row.executionMode === 'parallel' ? row.interOpThreads : 0,
        epOptions: nonEmpty(m.epOptions[row.ep]),
        freeDimensions: nonEmpty(model.freeDimensions),
        sessionConfig: nonEmpty(m.sessionConfig),
        generation,
        // Absent at 1, as in every cell stored before the axis existed.
        ...(concurrency > 1 ? { concurrency } : {}),
      };
      const id = cellId(params);
      if (seen.has(id)) continue;
      seen.add(id);
      cells.push({ id, params });
    }
  return cells;
}

/** Every EP name available on at least one live class. */
export function fleetEps(fleet: FleetClass[]): string[] {
  const names = new Set<string>();
  for (const c of fleet) if (c.liveAgents > 0) for (const ep of c.eps) if (ep.available) names.add(ep.name);
  return [...names].sort();
}

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
    if (matches.length === 0 && typeof target === 'string') targets.push({ hardwareClass: target === 'any' ? 'none' : target, wanted: target === 'any' ? 'at all' : `of hardware class '${target}'` });
    else if (matches.length === 0 && typeof target !== 'string') targets.push({ hardwareClass: labelClass(target.labels), wanted: `with labels ${Object.entries(target.labels).map(([k, v]) => `${k}=${v}`).join(',')}` });
    for (const m of matches) targets.push({ hardwareClass: m.hardwareClass, fleetClass: m });
  }
  for (const { hardwareClass, fleetClass, wanted } of targets) {
    if (seen.has(hardwareClass)) continue;
    seen.add(hardwareClass);
    for (const cell of expandMatrix(spec, hardwareClass)) {
      if (!fleetClass) {
        planned.push({ cell, settled: { status: 'unschedulable', reason: `no live agent ${wanted} (live classes: ${liveNames})` } });
        continue;
      }
      const model = spec.models.find((m) => m.name === cell.params.model);
      const has = precisions?.[cell.params.model] ?? Object.keys(model ? modelFiles(model) : {});
      const ep = fleetClass.eps.find((e) => e.name === cell.params.ep);
      if (!has.includes(cell.params.precision)) {
        const hint = (DERIVABLE_PRECISIONS as readonly string[]).includes(cell.params.precision) && has.includes('fp32') ? '; `ortfleet models prepare <spec>` derives fp16 and int8 files from the fp32 one' : '';
        planned.push({ cell, settled: { status: 'unsupported', reason: `model '${cell.params.model}' has no ${cell.params.precision} file (has: ${has.join(', ')})${hint}` } });
      } else if (!ep?.available) {
        const why = ep?.error ? `: ${ep.error}` : ep ? '' : ' (not in this onnxruntime-node build)';
        const classEps = fleetClass.eps.filter((e) => e.available).map((e) => e.name).join(', ');
        planned.push({ cell, settled: { status: 'unsupported', reason: `EP '${cell.params.ep}' is not available on ${hardwareClass}${why}; this class has: ${classEps}; fleet has: ${fleetEps(fleet).join(', ')}` } });
      } else {
        planned.push({ cell, dispatch: { taskQueue: fleetClass.taskQueue } });
      }
    }
  }
  return planned;
}
