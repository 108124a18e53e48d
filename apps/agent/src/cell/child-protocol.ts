import type { CellOutcome, EpAvailability } from '@ortfleet/core';
import type { CellJob, PairsJob, PairsOutcome, Phase } from '@ortfleet/contracts';

/** What the agent asks a child process to do (a pairs job's model paths are local files). */
export type ChildJob = ({ kind: 'cell' } & CellJob) | ({ kind: 'pairs' } & PairsJob) | { kind: 'probe-eps' };

/** What a child process sends back over IPC. */
export type ChildMessage =
  /** Sent once the child has loaded its code, before it has a job: it can take one at once. */
  | { type: 'ready' }
  | { type: 'phase'; phase: Phase }
  /** The outcome as it stands after the timed loop, before the parity and profile passes. */
  | { type: 'measured'; outcome: CellOutcome }
  | { type: 'outcome'; outcome: CellOutcome }
  | { type: 'eps'; eps: EpAvailability[] }
  | { type: 'pairs'; outcome: Omit<PairsOutcome, 'agentId'> };
