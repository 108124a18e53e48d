/** Shared domain types: what a cell is, what an agent reports, what a run returns. */

export const CELL_STATUSES = ['ok', 'failed', 'unsupported', 'unschedulable', 'crashed', 'timeout'] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

export const GRAPH_OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type GraphOptimization = (typeof GRAPH_OPTIMIZATION_LEVELS)[number];

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
}

export interface Cell {
  id: string;
  params: CellParams;
}

/** Summary statistics of the timed loop, in milliseconds unless named otherwise. */
export interface LatencyStats {
  minMs: number;
  meanMs: number;
  stdMs: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** 95% confidence interval of the median, from order statistics. */
  p50CiLowMs: number;
  p50CiHighMs: number;
  /** Coefficient of variation (std / mean). */
  cv: number;
}

/** A sparse log-bucketed histogram of latencies; two of them merge by adding counts. */
export interface LatencyHistogram {
  /** Bucket i holds samples in [growth^i, growth^(i+1)) microseconds. */
  growth: number;
  counts: Record<string, number>;
}

export interface Measurement {
  sessionCreateMs: number;
  firstInferenceMs: number;
  warmupIterations: number;
  iterations: number;
  durationMs: number;
  /** Items per second: batch × iterations / duration. */
  throughput: number;
  stats: LatencyStats;
  histogram: LatencyHistogram;
  /** Why the loop stopped early (e.g. maxDurationMs reached before minIterations), when it did. */
  note?: string;
}

/** What an agent returns for a cell it attempted. */
export interface CellOutcome {
  status: CellStatus;
  reason?: string;
  agentId?: string;
  measurement?: Measurement;
  /** The session options the child really passed to onnxruntime-node. */
  sessionOptions?: Record<string, unknown>;
}

export interface CellResult extends CellOutcome {
  cellId: string;
  params: CellParams;
}

export interface EpAvailability {
  name: string;
  available: boolean;
  /** Whether the binary ships inside onnxruntime-node (from listSupportedBackends). */
  bundled?: boolean;
  /** Error text from onnxruntime-node when the EP could not create a session. */
  error?: string;
}

export interface MachineProbe {
  hostname: string;
  os: { platform: string; distro: string; release: string; kernel: string; arch: string };
  cpu: { vendor: string; brand: string; family: string; model: string; cores: number; physicalCores: number; flags: string[] };
  memoryBytes: number;
  gpus: { vendor: string; model: string; vramMb: number | null; driver: string | null }[];
  onnxruntimeVersion: string;
  nodeVersion: string;
  eps: EpAvailability[];
}

export interface AgentRegistration {
  agentId: string;
  hardwareClass: string;
  taskQueue: string;
  probe: MachineProbe;
}

/** A hardware class as the workflow sees it when routing: which EPs it has and how many agents poll it. */
export interface FleetClass {
  hardwareClass: string;
  taskQueue: string;
  liveAgents: number;
  eps: EpAvailability[];
}

export interface RunProgress {
  runId: string;
  total: number;
  done: number;
  running: number;
  byStatus: Partial<Record<CellStatus, number>>;
  finished: boolean;
}

export interface RunSummary {
  runId: string;
  name: string;
  status: 'completed' | 'completed_with_failures';
  startedAt: string;
  finishedAt: string;
  /** EPs available somewhere in the fleet, so an `unsupported` cell can be read against them. */
  fleetEps: string[];
  cells: CellResult[];
}
