import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel, mulberry32, tinyAddModel } from '@ortfleet/core';

/** Seeded weights in [-1, 1): almost none of them is exactly representable in fp16. */
function weights(seed: number, count: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: count }, () => 2 * rand() - 1);
}

/** y = x · W over x [batch, 64], W [64, 10]; fp16 `compute` casts in and out (IO stays fp32), `io` takes and gives fp16. */
function matmulModel(seed: number, half: 'none' | 'compute' | 'io') {
  const io = half === 'io' ? 'float16' : 'float32';
  // encodeModel writes float32 initializers only, so fp16 weights come from a Cast node.
  const toHalf = { op: 'Cast', inputs: ['W'], outputs: ['W16'], attributes: { to: 10 } };
  const nodes = {
    none: [{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }],
    io: [toHalf, { op: 'MatMul', inputs: ['x', 'W16'], outputs: ['y'] }],
    compute: [
      toHalf,
      { op: 'Cast', inputs: ['x'], outputs: ['x16'], attributes: { to: 10 } },
      { op: 'MatMul', inputs: ['x16', 'W16'], outputs: ['y16'] },
      { op: 'Cast', inputs: ['y16'], outputs: ['y'], attributes: { to: 1 } },
    ],
  }[half];
  return encodeModel({
    name: `matmul-${half}`,
    inputs: [{ name: 'x', type: io, shape: ['batch', 64] }],
    outputs: [{ name: 'y', type: io, shape: ['batch', 10] }],
    nodes,
    initializers: [{ name: 'W', dims: [64, 10], float32: weights(seed, 640) }],
  });
}

/**
 * Small generated ONNX models with particular shapes, written to `dir`: their paths by name. Real models
 * (PaddleOCR) are used where a test is about measurement; these exercise inputs and failure modes.
 */
export function writeTestModels(dir: string) {
  const paths = {
    add: join(dir, 'add.onnx'),
    /** Integer ids plus a float state tensor, two open dimensions: needs a shape from the spec. */
    stateful: join(dir, 'stateful.onnx'),
    /** Expands [batch, 1] to [batch, 4Mi] float32: 16 MiB of output per batch item. */
    memoryHog: join(dir, 'memory-hog.onnx'),
    /** x [batch, 64] · W [64, 10] in fp32: the reference for the three below. */
    matmulFp32: join(dir, 'matmul-fp32.onnx'),
    /** The same weights, computed in fp16 between Casts; IO stays fp32. */
    matmulFp16: join(dir, 'matmul-fp16.onnx'),
    /** The same weights with fp16 input and output. */
    matmulFp16Io: join(dir, 'matmul-fp16-io.onnx'),
    /** Other weights, same shapes: a model that disagrees with matmulFp32. */
    matmulWrong: join(dir, 'matmul-wrong.onnx'),
    /** y = log(−x) over [batch, 4]: NaN (or −Inf at 0) for inputs in [0, 1]. */
    nan: join(dir, 'nan.onnx'),
    empty: join(dir, 'empty.onnx'),
    notOnnx: join(dir, 'not-onnx.onnx'),
    missing: join(dir, 'missing.onnx'),
  };
  writeFileSync(paths.add, tinyAddModel());
  writeFileSync(
    paths.stateful,
    encodeModel({
      name: 'stateful',
      inputs: [
        { name: 'ids', type: 'int64', shape: ['batch', 'seq'] },
        { name: 'state', type: 'float32', shape: ['batch', 'seq'] },
      ],
      outputs: [{ name: 'next_state', type: 'float32', shape: ['batch', 'seq'] }],
      nodes: [
        { op: 'Cast', inputs: ['ids'], outputs: ['ids_f'], attributes: { to: 1 } },
        { op: 'Add', inputs: ['ids_f', 'state'], outputs: ['next_state'] },
      ],
    }),
  );
  writeFileSync(
    paths.memoryHog,
    encodeModel({
      name: 'memory-hog',
      inputs: [{ name: 'x', type: 'float32', shape: ['batch', 1] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['batch', 4194304] }],
      nodes: [{ op: 'Expand', inputs: ['x', 'shape'], outputs: ['y'] }],
      initializers: [{ name: 'shape', dims: [2], int64: [1, 4194304] }],
    }),
  );
  writeFileSync(paths.matmulFp32, matmulModel(1, 'none'));
  writeFileSync(paths.matmulFp16, matmulModel(1, 'compute'));
  writeFileSync(paths.matmulFp16Io, matmulModel(1, 'io'));
  writeFileSync(paths.matmulWrong, matmulModel(2, 'none'));
  writeFileSync(
    paths.nan,
    encodeModel({
      name: 'nan',
      inputs: [{ name: 'x', type: 'float32', shape: ['batch', 4] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['batch', 4] }],
      nodes: [
        { op: 'Neg', inputs: ['x'], outputs: ['neg'] },
        { op: 'Log', inputs: ['neg'], outputs: ['y'] },
      ],
    }),
  );
  writeFileSync(paths.empty, '');
  writeFileSync(paths.notOnnx, 'this is not an ONNX model\n');
  return paths;
}
