import type { Cell, CellOutcome, EpAvailability, InputSpec, MeasureSpec } from '@ortfleet/core';

/** One cell to measure: the model file of its precision, and the fp32 file that parity compares against. */
export interface CellJob {
  cell: Cell;
  modelPath: string;
  /** The file's content hash at planning: the agent runs only a file with this hash (see ModelCache). */
  modelSha256?: string;
  /** The same model's fp32 file; absent when the model has none, and then parity is not computed. */
  referenceModelPath?: string;
  referenceSha256?: string;
  inputs: Record<string, InputSpec>;
  measure: MeasureSpec;
}

export type Phase = 'waiting-for-host' | 'fetching-model' | 'session' | 'first-inference' | 'warmup' | 'timed-loop' | 'parity' | 'profile';

/** What the agent asks a child process to do. */
export type ChildJob = ({ kind: 'cell' } & CellJob) | { kind: 'probe-eps' };

/** What a child process sends back over IPC. */
export type ChildMessage =
  /** Sent once the child has loaded its code, before it has a job: it can take one at once. */
  | { type: 'ready' }
  | { type: 'phase'; phase: Phase }
  /** The outcome as it stands after the timed loop, before the parity and profile passes. */
  | { type: 'measured'; outcome: CellOutcome }
  | { type: 'outcome'; outcome: CellOutcome }
  | { type: 'eps'; eps: EpAvailability[] };
