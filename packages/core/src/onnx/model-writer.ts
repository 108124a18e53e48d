import { concatBytes, encodeLengthDelimited, encodeVarintField } from './protobuf';

/**
 * A minimal ONNX ModelProto encoder, on the same protobuf wire format code that reads models: enough to write
 * small graphs of standard operators. The agent uses it for the model it probes each EP with; tests use it
 * for models with particular inputs.
 */

/** ONNX TensorProto.DataType numbers of the element types ortfleet generates. */
const ONNX_TYPES = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 } as const;
type OnnxElementType = keyof typeof ONNX_TYPES;

export interface ValueInfo {
  name: string;
  type: OnnxElementType;
  /** A number is a fixed dimension, a string a named (open) one. */
  shape: (number | string)[];
}

export interface NodeDef {
  op: string;
  inputs: string[];
  outputs: string[];
  /** Integer or integer-list attributes (e.g. Cast's `to`). */
  attributes?: Record<string, number | number[]>;
}

export interface Initializer {
  name: string;
  dims: number[];
  int64?: number[];
  float32?: number[];
}

const text = new TextEncoder();
const int = (field: number, value: number) => encodeVarintField(field, value);
const bytes = (field: number, data: Uint8Array) => encodeLengthDelimited(field, data);
const str = (field: number, value: string) => bytes(field, text.encode(value));
const message = (field: number, parts: Uint8Array[]) => bytes(field, concatBytes(parts));

function valueInfo(v: ValueInfo): Uint8Array[] {
  const dims = v.shape.map((d) => message(1, [typeof d === 'number' ? int(1, d) : str(2, d)]));
  return [str(1, v.name), message(2, [message(1, [int(1, ONNX_TYPES[v.type]), message(2, dims)])])];
}

function attribute(name: string, value: number | number[]): Uint8Array {
  // AttributeType INTS (7) or INT (2).
  if (Array.isArray(value)) return message(5, [str(1, name), ...value.map((v) => int(8, v)), int(20, 7)]);
  return message(5, [str(1, name), int(3, value), int(20, 2)]);
}

function initializer(init: Initializer): Uint8Array {
  const dims = init.dims.map((d) => int(1, d));
  const data = init.int64
    ? [int(2, ONNX_TYPES.int64), ...init.int64.map((v) => int(7, v))]
    : [int(2, ONNX_TYPES.float32), bytes(9, new Uint8Array(Float32Array.from(init.float32 ?? []).buffer))];
  return message(5, [...dims, ...data, str(8, init.name)]);
}

/** Encodes a single-graph model at the given opset (default 17), with optional metadata_props entries. */
export function encodeModel(
  graph: { name: string; inputs: ValueInfo[]; outputs: ValueInfo[]; nodes: NodeDef[]; initializers?: Initializer[] },
  opset = 17,
  metadata: Record<string, string> = {},
): Uint8Array {
  const nodes = graph.nodes.map((n, i) =>
    message(1, [
      ...n.inputs.map((x) => str(1, x)),
      ...n.outputs.map((x) => str(2, x)),
      str(3, `${n.op}_${i}`),
      str(4, n.op),
      ...Object.entries(n.attributes ?? {}).map(([name, value]) => attribute(name, value)),
    ]),
  );
  const body = [
    ...nodes,
    str(2, graph.name),
    ...(graph.initializers ?? []).map(initializer),
    ...graph.inputs.map((v) => message(11, valueInfo(v))),
    ...graph.outputs.map((v) => message(12, valueInfo(v))),
  ];
  return concatBytes([
    int(1, 8), // ir_version
    str(2, 'ortfleet'),
    message(7, body),
    message(8, [str(1, ''), int(2, opset)]),
    ...Object.entries(metadata).map(([key, value]) => message(14, [str(1, key), str(2, value)])),
  ]);
}

/** y = a + b over float32 [n, 4]: the model every EP is probed with. */
export function tinyAddModel(): Uint8Array {
  return encodeModel({
    name: 'ortfleet-probe',
    inputs: [
      { name: 'a', type: 'float32', shape: ['n', 4] },
      { name: 'b', type: 'float32', shape: ['n', 4] },
    ],
    outputs: [{ name: 'y', type: 'float32', shape: ['n', 4] }],
    nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }],
  });
}
