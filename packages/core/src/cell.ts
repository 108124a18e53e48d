/** What a benchmark cell is: the session settings it runs with and the status it can end in. */
import { canonicalJson, fnv1a64 } from './hash';
import type { GenerationParams } from './generation';

export const CELL_STATUSES = ['ok', 'failed', 'unsupported', 'unschedulable', 'crashed', 'timeout'] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

export const GRAPH_OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type GraphOptimization = (typeof GRAPH_OPTIMIZATION_LEVELS)[number];

/** Precisions `ortfleet models prepare` can derive from a model's fp32 file. */
export const DERIVABLE_PRECISIONS = ['fp16', 'int8'] as const;
export type DerivablePrecision = (typeof DERIVABLE_PRECISIONS)[number];

export const EXECUTION_MODES = ['sequential', 'parallel'] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

/** Execution providers onnxruntime-node knows by name. Availability is decided by each agent's probe. */
export const EXECUTION_PROVIDERS = ['cpu', 'webgpu', 'cuda', 'tensorrt', 'coreml', 'dml', 'xnnpack', 'qnn'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

/** The canonical parameters of one benchmark cell; its id is derived from them alone. */
export interface CellParams {
  model: string;
  hardwareClass: string;
  ep: ExecutionProvider;
  precision: string;
  batch: number;
  graphOptimization: GraphOptimization;
  intraOpThreads: number;
  interOpThreads: number;
  executionMode: ExecutionMode;
  memoryPattern: boolean;
  cpuArena: boolean;
  /** Closed-loop requests in flight, when above 1; absent is the single-stream loop. */
  concurrency?: number;
  /** The spec's options for this cell's EP, when it gives any. */
  epOptions?: Record<string, unknown>;
  /** The model's free dimension values, when the spec gives any. */
  freeDimensions?: Record<string, number>;
  /** ONNX Runtime session config entries, when the spec gives any. */
  sessionConfig?: Record<string, string>;
  /** Present for a decoder's cells (the model's `generate`): the cell runs prefill + decode instead of one run per iteration. */
  generation?: GenerationParams;
}

export interface Cell {
  id: string;
  params: CellParams;
}

/** Knobs added after the first release, with the values every earlier cell implicitly had. */
const LATER_KNOB_DEFAULTS: Partial<CellParams> = {
  interOpThreads: 0,
  executionMode: 'sequential',
  memoryPattern: true,
  cpuArena: true,
  concurrency: 1,
};

/**
 * Stable id of a cell: the same canonical parameters always give the same id, in any process. Later knobs
 * at their defaults are left out of the hash, so ids already stored keep meaning the same cell.
 */
export function cellId(params: CellParams): string {
  const hashed: Record<string, unknown> = { ...params };
  for (const [key, value] of Object.entries(LATER_KNOB_DEFAULTS)) if (hashed[key] === value) delete hashed[key];
  return fnv1a64(canonicalJson(hashed));
}
