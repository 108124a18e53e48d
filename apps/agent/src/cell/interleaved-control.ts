import {
  CONTROL_INPUTS,
  CONTROL_MEASURE,
  controlCell,
  medianOf,
  type CellOutcome,
  type InterleavedControl,
  type MeasureSpec,
} from '@ortfleet/core';
import type { CellJob } from '@ortfleet/contracts';
import { openContender, timedRun } from './contender';

/** Runs of each side before the interleaved runs are timed: the control's session is new. */
const WARMUP = 5;

/**
 * Runs the pinned control beside a cell whose timed loop is done, in the cell's process (docs/regressions.md,
 * "Machine drift"): a session on the control model, a few warm-up runs of each, then the two alternate run by
 * run by the timed loop's rule (each side `minIterations` and `minDurationMs` passed, at most `maxDurationMs`).
 * Run by run, both meet the machine as it is at that moment (the core, the clock, a noisy neighbour's phase),
 * which a control in a process of its own, minutes apart, does not. The ratio is the median over pairs of a
 * cell run over the control run after it: the cell's speed in units of the machine's at that moment. Over
 * nights of a noisy machine it is steadier than the two sides' p50s over each other (bench/detection.ts).
 * `runCell` runs the cell once, timed as its timed loop times it: one inference, or one whole generation, or
 * in a closed loop one round of a request on each of its servers at once (their median latency).
 */
async function measureInterleavedControl(
  runCell: () => Promise<number>,
  controlModelPath: string,
  hardwareClass: string,
  measure: MeasureSpec,
): Promise<InterleavedControl> {
  const control = await openContender(
    controlModelPath,
    controlCell(hardwareClass),
    CONTROL_INPUTS,
    CONTROL_MEASURE.seed,
  );
  try {
    const { minIterations, minDurationMs, maxDurationMs } = measure;
    for (let i = 0; i < WARMUP; i++) {
      await runCell();
      await timedRun(control);
    }
    const times = { cell: [] as number[], control: [] as number[] };
    const ratios: number[] = [];
    const start = performance.now();
    let elapsed = 0;
    while ((ratios.length < minIterations || elapsed < minDurationMs) && elapsed < maxDurationMs) {
      const cellMs = await runCell();
      const controlMs = await timedRun(control);
      times.cell.push(cellMs);
      times.control.push(controlMs);
      ratios.push(cellMs / controlMs);
      elapsed = performance.now() - start;
    }
    return {
      cellP50Ms: medianOf(times.cell),
      controlP50Ms: medianOf(times.control),
      ratio: medianOf(ratios),
      runs: ratios.length,
      durationMs: elapsed,
    };
  } finally {
    await control.session.release();
  }
}

/**
 * The control beside a measured cell, as the job asks (`job.interleavedControl`), put on its outcome: true when it
 * was. One that cannot run leaves the outcome as it was and says why in `notes`.
 */
export async function interleaveControl(
  outcome: CellOutcome,
  job: CellJob,
  runCell: () => Promise<number>,
  notes: string[],
): Promise<boolean> {
  try {
    outcome.measurement!.interleavedControl = await measureInterleavedControl(
      runCell,
      job.interleavedControl!.modelPath,
      job.cell.params.hardwareClass,
      job.measure,
    );
    return true;
  } catch (err) {
    notes.push(`control not interleaved: ${(err as Error).message}`);
    return false;
  }
}
