/**
 * The control workload on this agent (docs/regressions.md, "Machine drift"): which control positions a cell of
 * a run asks for, and running the pinned control cell in its own child process like any cell.
 */
import type { CellJob } from '@ortfleet/contracts';
import {
  CONTROL_INPUTS,
  CONTROL_MEASURE,
  CONTROL_MODEL_FILE,
  controlCell,
  type ControlMeasurement,
  type ControlPosition,
} from '@ortfleet/core';
import { hashFile } from '@ortfleet/model-store';
import { findShippedFile } from './shipped-file';
import { runCellIsolated } from './cell/isolated';

/** Runs a run is remembered for: far more than one agent works on at once. */
const REMEMBERED_RUNS = 64;

/** Which control positions this agent has taken in each recent run. */
export class ControlPositions {
  private readonly taken = new Map<string, Set<ControlPosition>>();

  /** The positions to run before the job's cell: `start` on the agent's first cell of the run, then `middle`. */
  before(job: CellJob): ControlPosition[] {
    if (!job.control) return [];
    return this.claim(job.control.runId, ['start', ...(job.control.middle ? (['middle'] as const) : [])]);
  }

  /** The positions to run after the job's cell: `end` on one of the share's last cells. */
  after(job: CellJob): ControlPosition[] {
    return job.control?.end ? this.claim(job.control.runId, ['end']) : [];
  }

  private claim(runId: string, wanted: ControlPosition[]): ControlPosition[] {
    let taken = this.taken.get(runId);
    if (!taken) {
      taken = new Set();
      this.taken.set(runId, taken);
      if (this.taken.size > REMEMBERED_RUNS) this.taken.delete(this.taken.keys().next().value!);
    }
    const fresh = wanted.filter((p) => !taken.has(p));
    for (const p of fresh) taken.add(p);
    return fresh;
  }
}

let shipped: Promise<{ path: string; sha256: string }> | undefined;

/** The control model shipped beside this agent, hashed once. */
function controlModel(): Promise<{ path: string; sha256: string }> {
  shipped ??= (async () => {
    const path = findShippedFile(CONTROL_MODEL_FILE);
    if (!path) throw new Error(`the control model ${CONTROL_MODEL_FILE} is not installed next to this agent`);
    return { path, sha256: await hashFile(path) };
  })();
  return shipped;
}

/**
 * The control to run beside the job's cell in its process (docs/regressions.md), for a cell on the CPU EP of a
 * run with controls: a single-stream cell (an inference against a control run), a decoder's (a generation
 * against one) or a closed loop's (a round of its concurrency of requests against a round of as many control
 * runs). The control runs on the CPU, so it stands for the machine's speed only where the cell's work is on the
 * CPU too. Undefined for other cells, or when the control model is not installed (the night's controls say why).
 */
export async function interleavedControlFor(job: CellJob): Promise<CellJob['interleavedControl']> {
  if (!job.control || job.cell.params.ep !== 'cpu') return undefined;
  return controlModel().then(
    (model) => ({ modelPath: model.path }),
    () => undefined,
  );
}

/** Measures the control once on this machine; throws when it cannot (the cell around it goes on regardless). */
export async function measureControl(
  position: ControlPosition,
  hardwareClass: string,
  limits: { memoryLimitBytes: number; signal?: AbortSignal },
): Promise<ControlMeasurement> {
  const model = await controlModel();
  const outcome = await runCellIsolated(
    {
      kind: 'cell',
      cell: controlCell(hardwareClass),
      modelPath: model.path,
      inputs: CONTROL_INPUTS,
      measure: CONTROL_MEASURE,
    },
    { timeoutMs: CONTROL_MEASURE.cellTimeoutMs, ...limits },
  );
  const m = outcome.measurement;
  if (outcome.status !== 'ok' || !m) throw new Error(`the control ended ${outcome.status}: ${outcome.reason ?? ''}`);
  return {
    position,
    p50Ms: m.stats.p50Ms,
    samplesMs: m.samplesMs,
    iterations: m.iterations,
    modelSha256: model.sha256,
    recordedAt: new Date().toISOString(),
  };
}
