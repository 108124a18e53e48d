import {
  CONTROL_INPUTS,
  CONTROL_MEASURE,
  INTERLEAVED_RATIOS_LIMIT,
  controlCell,
  medianOf,
  type CellOutcome,
  type InterleavedControl,
  type MeasureSpec,
} from '@ortfleet/core';
import type { CellJob } from '@ortfleet/contracts';
import { openContender, timedRun } from './contender';
import { OpenLoopServer } from './open-loop';

/** Runs of each side before the interleaved runs are timed: the control's session is new. */
const WARMUP = 5;

/** The control's side of the pairs: `run` times one run of it (or one round), `close` frees its sessions. */
interface ControlSide {
  run(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens the pinned control as wide as the cell runs: one session, or beside a closed loop of `servers`
 * requests in flight, `servers` worker sessions whose run is a round of one request on each at once, timed as
 * the cell's round is (until its last request ends). A core taken away then slows both sides' rounds, where a
 * control run alone would not see it.
 */
async function openControl(
  modelPath: string,
  hardwareClass: string,
  servers: number,
  roundLimitMs: number,
): Promise<ControlSide> {
  const control = await openContender(modelPath, controlCell(hardwareClass), CONTROL_INPUTS, CONTROL_MEASURE.seed);
  if (servers === 1) return { run: () => timedRun(control), close: () => control.session.release() };
  try {
    const { model, options } = control.source;
    const server = await OpenLoopServer.start(model, options, control.pool, servers, 0);
    return { run: () => server.round(roundLimitMs), close: () => server.close() };
  } finally {
    // Its seeded inputs are all the servers need of it.
    await control.session.release();
  }
}

/** Every k-th of `xs`, k as small as keeps at most `limit` of them: evenly spread over the whole loop. */
function thinned(xs: number[], limit: number): number[] {
  const stride = Math.ceil(xs.length / limit);
  return stride <= 1 ? xs : xs.filter((_, i) => i % stride === 0);
}

/**
 * Runs the pinned control beside a cell whose timed loop is done, in the cell's process (docs/regressions.md,
 * "Machine drift"): the control as wide as the cell (openControl), a few warm-up runs of each, then the two
 * alternate run by run by the timed loop's rule (each side `minIterations` and `minDurationMs` passed, at most
 * `maxDurationMs`). Run by run, both meet the machine as it is at that moment (the core, the clock, a noisy
 * neighbour's phase), which a control in a process of its own, minutes apart, does not. The ratio is the median
 * over pairs of a cell run over the control run after it: the cell's speed in units of the machine's at that
 * moment. Over nights of a noisy machine it is steadier than the two sides' p50s over each other
 * (bench/detection.ts). `runCell` runs the cell once, timed as its timed loop times it: one inference, or one
 * whole generation, or in a closed loop of `servers` in flight one round of a request on each of its servers
 * at once (until the last ends).
 */
async function measureInterleavedControl(
  runCell: () => Promise<number>,
  servers: number,
  controlModelPath: string,
  hardwareClass: string,
  measure: MeasureSpec,
): Promise<InterleavedControl> {
  const { minIterations, minDurationMs, maxDurationMs } = measure;
  const control = await openControl(controlModelPath, hardwareClass, servers, maxDurationMs);
  try {
    for (let i = 0; i < WARMUP; i++) {
      await runCell();
      await control.run();
    }
    const times = { cell: [] as number[], control: [] as number[] };
    const ratios: number[] = [];
    const start = performance.now();
    let elapsed = 0;
    while ((ratios.length < minIterations || elapsed < minDurationMs) && elapsed < maxDurationMs) {
      const cellMs = await runCell();
      const controlMs = await control.run();
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
      width: servers,
      ratios: thinned(ratios, INTERLEAVED_RATIOS_LIMIT).map((r) => Math.round(r * 1e5) / 1e5),
    };
  } finally {
    await control.close();
  }
}

/**
 * The control beside a measured cell, as the job asks (`job.interleavedControl`), put on its outcome: true when it
 * was. `servers` is how many requests the cell's run keeps in flight (a closed loop's concurrency; else 1). One
 * that cannot run leaves the outcome as it was and says why in `notes`.
 */
export async function interleaveControl(
  outcome: CellOutcome,
  job: CellJob,
  runCell: () => Promise<number>,
  notes: string[],
  servers = 1,
): Promise<boolean> {
  try {
    outcome.measurement!.interleavedControl = await measureInterleavedControl(
      runCell,
      servers,
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
