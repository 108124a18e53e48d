/** Expands a spec's matrix into the cells it names for one hardware class. */
import { cellId, type Cell, type CellParams } from './cell';
import type { GenerationParams } from './generation';
import type { ModelSpec, Spec } from './spec';

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
function generationAxes(model: ModelSpec): (GenerationParams | undefined)[] {
  const g = model.generate;
  if (!g) return [undefined];
  return g.promptTokens.flatMap((promptTokens) =>
    g.newTokens.map((newTokens) => ({ promptTokens, newTokens, vocabRange: g.vocabRange })),
  );
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
