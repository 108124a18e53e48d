import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel, tinyAddModel } from '@ortfleet/agent';

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
  writeFileSync(paths.empty, '');
  writeFileSync(paths.notOnnx, 'this is not an ONNX model\n');
  return paths;
}
