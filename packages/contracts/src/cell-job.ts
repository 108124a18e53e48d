import type { Cell, InputSpec, LoadSpec, MeasureSpec, MeasuredPair, PairOrder } from '@ortfleet/core';

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
  /**
   * The run's control workload (docs/regressions.md): the agent runs the control before its first cell of
   * `runId` by itself, before this cell when `middle` (the cell is in the second half of its class's share)
   * and after it when `end` (one of the share's last cells). Each position runs once per agent and run.
   */
  control?: { runId: string; middle: boolean; end: boolean };
  /**
   * The control model on this agent, set by the agent for a cell that interleaves it (a single-stream cell on
   * the CPU EP): the child runs it beside the cell after the timed loop.
   */
  interleavedControl?: { modelPath: string };
}

/**
 * A same-night A/B confirmation (docs/regressions.md): the cell's previous model file (A) and its new one (B),
 * measured in one child process, pair by pair in the given orders, on one agent under its host lock.
 */
export interface PairsJob {
  cell: Cell;
  previous: { modelPath: string; modelSha256: string };
  current: { modelPath: string; modelSha256?: string };
  inputs: Record<string, InputSpec>;
  measure: MeasureSpec;
  orders: PairOrder[];
}

/** What `runPairs` answers: the pairs it measured, by which agent; a side that did not end ok ends the pairs. */
export interface PairsOutcome {
  agentId: string;
  pairs: MeasuredPair[];
  /** Why fewer pairs than asked were measured. */
  reason?: string;
}

/** Where a cell's child process is in measuring it. */
export type Phase =
  | 'waiting-for-host'
  | 'control'
  | 'fetching-model'
  | 'session'
  | 'first-inference'
  | 'warmup'
  | 'timed-loop'
  | 'load'
  | 'parity'
  | 'profile';
