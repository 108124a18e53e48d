/**
 * A chain of `layers` seeded random MatMul + Tanh layers over an input x [rows, width], written as ONNX: a model
 * whose cost is set by its layer count, for tests that need a new model file that is really slower (more
 * layers) or one that is not (the same graph and weights, another `version` in its metadata: other bytes, the
 * same work; other weights would not do, as they can change the speed by a few percent).
 */
import { writeFileSync } from 'node:fs';
import { encodeModel, type Initializer, type NodeDef } from '@ortfleet/core';
import { mulberry32 } from '../../packages/core/src/random';

export function writeChainModel(
  path: string,
  shape: { layers: number; seed: number; version?: string; width?: number; rows?: number },
): string {
  const { layers, seed, version = '1', width = 256, rows = 32 } = shape;
  const random = mulberry32(seed);
  const scale = 1 / Math.sqrt(width);
  const nodes: NodeDef[] = [];
  const initializers: Initializer[] = [];
  let from = 'x';
  for (let i = 0; i < layers; i++) {
    const weights = Array.from({ length: width * width }, () => (random() * 2 - 1) * scale);
    initializers.push({ name: `w${i}`, dims: [width, width], float32: weights });
    const to = i === layers - 1 ? 'y' : `h${i}`;
    nodes.push({ op: 'MatMul', inputs: [from, `w${i}`], outputs: [`m${i}`] });
    nodes.push({ op: 'Tanh', inputs: [`m${i}`], outputs: [to] });
    from = to;
  }
  const model = encodeModel(
    {
      name: 'ortfleet-test-chain',
      inputs: [{ name: 'x', type: 'float32', shape: [rows, width] }],
      outputs: [{ name: 'y', type: 'float32', shape: [rows, width] }],
      nodes,
      initializers,
    },
    17,
    { version },
  );
  writeFileSync(path, model);
  return path;
}
