import type * as ort from 'onnxruntime-node';
import type { Cell, InputSpec } from '@ortfleet/core';
import { generateInputPool } from './inputs';
import { modelSource } from './model-source';
import { createSession, sessionOptionsFor } from './session-options';

/** A session measured run by run beside another in the same process, with its seeded inputs. */
export interface Contender {
  session: ort.InferenceSession;
  pool: Record<string, ort.Tensor>[];
  runs: number;
  /** The model and options the session was opened with, for more sessions of it (worker sessions). */
  source: Awaited<ReturnType<typeof modelSource>>;
}

/** Opens a session on `modelPath` with the cell's session options and seeded inputs of its batch. */
export async function openContender(
  modelPath: string,
  cell: Cell,
  inputs: Record<string, InputSpec>,
  seed: number,
): Promise<Contender> {
  const source = await modelSource(modelPath, sessionOptionsFor(cell), cell.params.freeDimensions);
  const session = await createSession(source.model, source.options);
  return { session, pool: generateInputPool(session, inputs, cell.params.batch, seed), runs: 0, source };
}

/** One run of a contender, timed from the call to the outputs back in CPU memory. */
export async function timedRun(side: Pick<Contender, 'session' | 'pool' | 'runs'>): Promise<number> {
  const feeds = side.pool[side.runs++ % side.pool.length]!;
  const t0 = process.hrtime.bigint();
  await side.session.run(feeds);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
