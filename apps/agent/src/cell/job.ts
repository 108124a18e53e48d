import type { Cell, CellOutcome, EpAvailability, InputSpec, MeasureSpec } from '@ortfleet/core';

/** What the agent asks a child process to do. */
export type ChildJob =
  | { kind: 'cell'; cell: Cell; modelPath: string; inputs: Record<string, InputSpec>; measure: MeasureSpec }
  | { kind: 'probe-eps' };

/** What a child process sends back over IPC. */
export type ChildMessage =
  | { type: 'phase'; phase: 'session' | 'first-inference' | 'warmup' | 'timed-loop' }
  | { type: 'outcome'; outcome: CellOutcome }
  | { type: 'eps'; eps: EpAvailability[] };
