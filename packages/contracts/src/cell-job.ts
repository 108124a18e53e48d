import type { Cell, InputSpec, LoadSpec, MeasureSpec } from '@ortfleet/core';

/** One cell to measure: the model file of its precision, and the fp32 file that parity compares against. */
export interface CellJob {
  cell: Cell;
  modelPath: string;
  /** The file's content hash at planning: the agent runs only a file with this hash (see the agent's ModelCache). */
  modelSha256?: string;
  /** The same model's fp32 file; absent when the model has none, and then parity is not computed. */
  referenceModelPath?: string;
  referenceSha256?: string;
  inputs: Record<string, InputSpec>;
  measure: MeasureSpec;
  /** The spec's open-loop scenario, run after the timed loop; absent when the spec has none. */
  load?: LoadSpec;
}

/** Where a cell's child process is in measuring it. */
export type Phase =
  | 'waiting-for-host'
  | 'fetching-model'
  | 'session'
  | 'first-inference'
  | 'warmup'
  | 'timed-loop'
  | 'load'
  | 'parity'
  | 'profile';
