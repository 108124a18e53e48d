/** Shared domain types: what a cell is, what an agent reports, what a run returns. */

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

/** One generation cell's shape: how long the prompt is, how many tokens to generate, where prompt ids come from. */
export interface GenerationParams {
  promptTokens: number;
  newTokens: number;
  /** Prompt token ids are drawn, seeded, from [lo, hi). */
  vocabRange: [number, number];
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

/** Median of one slice of the timed loop; the cell is `unstable` when slices disagree by more than 10%. */
export interface LatencyWindow {
  startMs: number;
  iterations: number;
  p50Ms: number;
}

/** Resource use sampled over the timed loop only (not session creation, warm-up, profiling or parity). */
export interface Telemetry {
  /** CPU time of the benchmarking process divided by wall time; 100 = one core busy. */
  processCpuPercent: number;
  /** Share of all cores' time that was not idle, 0–100, whoever used it. */
  systemCpuPercent: number;
  /** Peak resident memory of the benchmarking process up to the end of the timed loop. */
  peakRssBytes: number;
  /** From nvidia-smi, sampled while the loop ran, on machines that have it. */
  gpu?: {
    samples: number;
    utilizationPercentMean: number;
    utilizationPercentMax: number;
    memoryUsedMbMax: number;
    powerWMean: number | null;
  };
  /** CPU package energy over the loop from RAPL (Linux powercap), where readable. */
  cpuEnergyJ?: number;
  /** Energy per inferred item over the loop, summed over every power source that was readable. */
  energyPerInferenceJ?: number;
  /** Which power sources contributed: 'rapl', 'nvidia-smi'. Empty when none was readable. */
  powerSources: string[];
}

/** How one output of the cell compares with the fp32 CPU reference on the same seeded inputs. */
export interface OutputParity {
  name: string;
  maxAbsError: number;
  meanRelError: number;
  cosine: number;
  /** Share of rows whose argmax agrees, for classifier-shaped outputs ([batch, classes]). */
  top1Agreement?: number;
  /** NaN or ±Inf values in the cell's output. */
  nonFinite: number;
}

export interface Parity {
  reference: string;
  outputs: OutputParity[];
  /** Worst figures over all outputs. */
  maxAbsError: number;
  meanRelError: number;
  cosine: number;
  top1Agreement?: number;
  nonFinite: number;
  /** Generation cells: the greedy tokens against the reference's (`outputs` then holds the prefill's logits). */
  tokens?: TokenParity;
  /** False when outputs hold NaN/Inf or drift past the thresholds; such a cell is not ranked. */
  ok: boolean;
  reason?: string;
}

/** Per-operator profile from a separate, untimed pass with ORT profiling on. */
export interface OperatorProfile {
  iterations: number;
  byOpType: { opType: string; calls: number; totalUs: number; timeShare: number }[];
  topNodes: { name: string; opType: string; provider: string; meanUs: number }[];
  byProvider: { provider: string; nodes: number; nodeShare: number; timeShare: number }[];
  /** Nodes that ran on the CPU EP although the cell asked for another EP (silent fallback). */
  fallback?: { nodes: number; nodeShare: number; timeShare: number };
  /** FLOPs per inference of Conv/MatMul/Gemm-family nodes, from the shapes ORT reports for each node. */
  flopsPerInference?: number;
}

/** Facts read from the ONNX graph itself. */
export interface ModelFacts {
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  parameters: number;
  nodes: number;
  operators: Record<string, number>;
  inputs: { name: string; type: string; shape: (number | string)[] }[];
  outputs: { name: string; type: string; shape: (number | string)[] }[];
  /** The model's metadata_props (e.g. `max_position_embeddings`), when it has any. */
  metadata?: Record<string, string>;
}

/** Where a figure came from: software and machine versions at the time of the measurement. */
export interface Provenance {
  ortfleetVersion: string;
  ortfleetCommit: string | null;
  onnxruntimeVersion: string;
  nodeVersion: string;
  os: { platform: string; distro: string; release: string; kernel: string; arch: string };
  cpu: { brand: string; flags: string[] };
  gpus: { model: string; driver: string | null; vramMb: number | null }[];
  cudaVersion: string | null;
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
  windows: LatencyWindow[];
  unstable: boolean;
  /** 256 to 512 latencies taken at even steps through the loop (all of them for shorter loops), in order. */
  samplesMs: number[];
  telemetry?: Telemetry;
  /** profile.flopsPerInference (one run, the whole batch) / p50, in GFLOP/s, when the profile could estimate FLOPs. */
  achievedGflops?: number;
  /** A closed-loop cell's figures (concurrency above 1); then an iteration is one request and `stats` its latency. */
  concurrency?: ConcurrencyFigures;
  /** A generation cell's figures; then an iteration is one whole generation (prefill + decode) and `stats` its end-to-end latency. */
  generation?: GenerationFigures;
}

/**
 * How a closed-loop cell kept its requests in flight. onnxruntime-node 1.30's `session.run` runs the model on
 * the calling JavaScript thread (after a setImmediate), so overlapping runs on one session only take turns:
 * each request gets a worker thread with a session of its own ('worker-sessions').
 */
export interface ConcurrencyFigures {
  /** Requests the cell kept in flight. */
  requested: number;
  mode: 'worker-sessions';
  /** Sum of the request latencies / loop duration: about `requested` when nothing else held the requests back. */
  meanInFlight: number;
  /** Requests completed per second (throughput is items per second: × batch). */
  requestsPerS: number;
}

/** Where a decoder's KV cache lives between steps: CPU memory, or the device ('gpu-buffer', WebGPU only). */
export type KvCacheMode = 'cpu' | 'gpu-buffer';

/** Figures of a generation cell (prefill + greedy decode with the KV cache fed back), in milliseconds unless named otherwise. */
export interface GenerationFigures {
  promptTokens: number;
  newTokens: number;
  /** Decoder layout read from the model's inputs. */
  layers: number;
  kvHeads: number;
  headSize: number;
  /** Timed generations (each one prefill + newTokens - 1 decode steps, over the whole batch). */
  generations: number;
  /** Time to first token: the prefill run and the argmax of its last logits. */
  ttft: LatencyStats;
  /** Inter-token latency: every decode step of every timed generation. */
  itl: LatencyStats;
  /** End-to-end latency of one generation. */
  e2e: LatencyStats;
  /** batch × promptTokens / median TTFT. */
  prefillTokensPerS: number;
  /** batch × decode steps / total decode time, over all timed generations. */
  decodeTokensPerS: number;
  /** Median decode step latency at positions spread over the generation (at most 32 points), to see how it grows. */
  stepCurve: { position: number; p50Ms: number }[];
  kvCache: { mode: KvCacheMode; note: string };
  /** Greedy tokens of the first prompt's first sequence (the ones parity compares). */
  tokens: number[];
}

/** What the results table keeps of a decoder cell: its parameters always, its figures when it ran. */
export interface StoredGeneration {
  params: GenerationParams;
  figures?: GenerationFigures;
}

/** The generated token ids of a cell against those of the fp32 CPU reference on the same prompt. */
export interface TokenParity {
  compared: number;
  /** Share of positions whose token is the reference's. */
  agreement: number;
  /** First position (0 = the token from prefill) where the tokens differ; null when all agree. */
  firstMismatch: number | null;
}

/** What an agent returns for a cell it attempted. */
export interface CellOutcome {
  status: CellStatus;
  reason?: string;
  agentId?: string;
  measurement?: Measurement;
  /** The session options the child really passed to onnxruntime-node. */
  sessionOptions?: Record<string, unknown>;
  parity?: Parity;
  profile?: OperatorProfile;
  modelFacts?: ModelFacts;
  provenance?: Provenance;
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
  /** Version of onnxruntime-node whose session decided `available` (absent in probes recorded before it was kept). */
  onnxruntimeVersion?: string;
  /** Why the machine cannot have this EP (e.g. 'no NVIDIA GPU'), when that is known without trying it. */
  reason?: string;
}

/**
 * What an agent knows about its machine. Fields marked optional were added after agents first registered:
 * rows stored before then lack them.
 */
export interface MachineProbe {
  hostname: string;
  os: { platform: string; distro: string; release: string; kernel: string; arch: string };
  cpu: {
    vendor: string;
    brand: string;
    family: string;
    model: string;
    cores: number;
    physicalCores: number;
    /** As the process reads them (x86 flags, ARM Features); under qemu-user those are the host's. */
    flags: string[];
    /** The vector extensions this process can use, from the flags; aarch64 always has NEON. */
    simd?: ('avx2' | 'avx512' | 'amx' | 'neon' | 'sve' | 'sve2')[];
    /** ARM core(s) named from /proc/cpuinfo's CPU implementer/part, e.g. 'Neoverse-N1' or 'Cortex-A55 + Cortex-A76'. */
    core?: string;
  };
  memoryBytes: number;
  gpus: { vendor: string; model: string; vramMb: number | null; driver: string | null }[];
  /** The newest CUDA version the NVIDIA driver supports, from nvidia-smi. */
  cudaVersion?: string;
  onnxruntimeVersion: string;
  nodeVersion: string;
  eps: EpAvailability[];
  /** True when the agent runs under an emulator: its timings say nothing about the hardware it claims to be. */
  emulated?: boolean;
  /** Which emulation was seen: 'qemu-user' (host's /proc/cpuinfo shows through), 'qemu' (QEMU's own CPU), 'rosetta', 'prism'. */
  emulator?: string;
}

export interface AgentRegistration {
  agentId: string;
  hardwareClass: string;
  taskQueue: string;
  probe: MachineProbe;
  /** Operator labels, e.g. region or price_per_hour. */
  labels?: Record<string, string>;
}

/** A hardware class as the workflow sees it when routing: which EPs it has and how many agents poll it. */
export interface FleetClass {
  hardwareClass: string;
  taskQueue: string;
  liveAgents: number;
  eps: EpAvailability[];
  /** Operator labels of each live agent of the class, which label targets match. */
  labels?: Record<string, string>[];
}

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
