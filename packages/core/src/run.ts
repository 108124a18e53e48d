/** A run's progress and its outcome, as its workflows report them. */
import type { CellResult } from './cell-result';
import type { CellStatus } from './cell';

export interface RunProgress {
  runId: string;
  total: number;
  done: number;
  running: number;
  byStatus: Partial<Record<CellStatus, number>>;
  finished: boolean;
  /** The workflows that run the dispatched cells, one per hardware class (absent in runs started before them). */
  shards?: string[];
}

/** The counts of one hardware class's share of a run, as that share's workflow knows them. */
export interface ShardProgress {
  hardwareClass: string;
  /** Cells of the class in the run. */
  total: number;
  /** Cells whose results are written. */
  done: number;
  /** Cells sent to agents and not back yet: running, or queued behind a running cell. */
  running: number;
  byStatus: Partial<Record<CellStatus, number>>;
  /** How many cells may be in flight now: the agents of the class polling at the last look. */
  liveAgents: number;
}

/** What a run's workflow returns: counts only, however large the run; its cells are in the database. */
export interface RunTotals {
  runId: string;
  name: string;
  status: 'completed' | 'completed_with_failures';
  startedAt: string;
  finishedAt: string;
  /** EPs available somewhere in the fleet, so an `unsupported` cell can be read against them. */
  fleetEps: string[];
  /** Cells the run planned; each ended with exactly one result. */
  total: number;
  byStatus: Partial<Record<CellStatus, number>>;
}

/** A finished run with its cells (compacted), as `ortfleet run --json` prints it, read back from the database. */
export interface RunSummary extends RunTotals {
  cells: CellResult[];
}
