/** A cell's configuration in words: every setting that tells one cell of a model on a class from another. */

/** The settings of a cell, as its parameters or a results row carry them (rows give null where a cell gives nothing). */
export interface CellConfiguration {
  ep: string;
  precision: string;
  batch: number;
  graphOptimization: string;
  intraOpThreads: number;
  interOpThreads: number;
  executionMode: string;
  memoryPattern: boolean;
  cpuArena: boolean;
  concurrency?: number | null;
  epOptions?: Record<string, unknown> | null;
  freeDimensions?: Record<string, number> | null;
  sessionConfig?: Record<string, string> | null;
  generation?: { promptTokens: number; newTokens: number } | null;
}

/**
 * One line naming a configuration's settings, e.g. 'cuda fp16, batch 8, 4 intra-op threads, optimization all,
 * parallel with 2 inter-op threads, concurrency 4'. EP, precision, batch, threads, graph optimization and
 * execution mode are always named; the other knobs only away from the value every cell had before they existed,
 * as the cell id leaves them out, so two cells of one model on one class never read the same.
 */
export function describeConfiguration(c: CellConfiguration): string {
  const parts = [
    `${c.ep} ${c.precision}`,
    `batch ${c.batch}`,
    `${threads(c.intraOpThreads)} intra-op threads`,
    `optimization ${c.graphOptimization}`,
    // ORT ignores inter-op threads in sequential mode, so only parallel mode names them.
    c.executionMode === 'parallel' ? `parallel with ${threads(c.interOpThreads)} inter-op threads` : c.executionMode,
  ];
  if (c.concurrency != null && c.concurrency > 1) parts.push(`concurrency ${c.concurrency}`);
  if (c.generation) parts.push(`prompt ${c.generation.promptTokens} + ${c.generation.newTokens} new tokens`);
  if (!c.memoryPattern) parts.push('no memory pattern');
  if (!c.cpuArena) parts.push('no CPU arena');
  for (const [label, entries] of [
    ['EP options', c.epOptions],
    ['free dimensions', c.freeDimensions],
    ['session config', c.sessionConfig],
  ] as const) {
    const text = settings(entries);
    if (text) parts.push(`${label} ${text}`);
  }
  return parts.join(', ');
}

function threads(n: number): string {
  // 0 leaves the count to ONNX Runtime: one thread per physical core.
  return n === 0 ? 'auto' : String(n);
}

/** `key=value` pairs in key order, so the same settings always read the same; empty for none. */
function settings(entries: Record<string, unknown> | null | undefined): string {
  if (!entries) return '';
  return Object.keys(entries)
    .sort()
    .map((key) => {
      const value = entries[key];
      return `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
    })
    .join(',');
}
