/** A cell an agent is working on now, as Temporal reports it. */
export interface RunningCell {
  cellId: string | null;
  agentId: string | null;
  phase: string | null;
  attempt: number;
  startedAt: string | null;
}

/** What Temporal knows about a run in flight that the database does not: how many cells, and which run now. */
export interface LiveRun {
  total: number;
  running: RunningCell[];
  /** What keeps the run from going on, in words (a workflow task failing, no worker, no agent); empty when it moves. */
  problems: string[];
}

/**
 * The dashboard's handle on Temporal, given by `ortfleet serve` when it can reach one: starting runs and
 * following them live. Without it the dashboard reads the database only.
 */
export interface RunControl {
  /** Starts a run; throws BadInputError (with every problem) for a spec that does not validate. */
  start(spec: unknown, runId?: string): Promise<{ runId: string }>;
  /** The live state of a run's workflow, or undefined when Temporal does not know it (finished long ago, or another server). */
  live(workflowId: string): Promise<LiveRun | undefined>;
}
