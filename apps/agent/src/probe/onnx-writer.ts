/**
 * A minimal ONNX ModelProto encoder: enough protobuf to write small graphs of standard operators. The agent
 * uses it for the model it probes each EP with; tests use it for models with particular inputs.
 */

/** ONNX TensorProto.DataType numbers of the element types ortfleet generates. */
export const ONNX_TYPES = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 } as const;
export type OnnxElementType = keyof typeof ONNX_TYPES;

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

class Writer {
  private bytes: number[] = [];

  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.bytes.push(Number((v & 0x7fn) | 0x80n));
      v >>= 7n;
    }
    this.bytes.push(Number(v));
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }

  int(field: number, value: number): this {
    return this.tag(field, 0).varint(value);
  }

  bytesField(field: number, data: Uint8Array | number[]): this {
    this.tag(field, 2).varint(data.length);
    // One push per byte: spreading a large initializer's bytes would overflow the call stack.
    for (const b of data) this.bytes.push(b);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytesField(field, new TextEncoder().encode(text));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function valueInfo(w: Writer, v: ValueInfo): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ONNX_TYPES[v.type]);
      tensor.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** Encodes a single-graph model at the given opset (default 17), with optional metadata_props entries. */
export function encodeModel(
  graph: { name: string; inputs: ValueInfo[]; outputs: ValueInfo[]; nodes: NodeDef[]; initializers?: Initializer[] },
  opset = 17,
  metadata: Record<string, string> = {},
): Uint8Array {
  const model = new Writer()
    .int(1, 8) // ir_version
    .string(2, 'ortfleet')
    .message(7, (g) => {
      graph.nodes.forEach((n, i) =>
        g.message(1, (node) => {
          n.inputs.forEach((x) => node.string(1, x));
          n.outputs.forEach((x) => node.string(2, x));
          node.string(3, `${n.op}_${i}`).string(4, n.op);
          for (const [name, value] of Object.entries(n.attributes ?? {}))
            node.message(5, (a) => {
              a.string(1, name);
              if (Array.isArray(value)) {
                value.forEach((v) => a.int(8, v));
                a.int(20, 7); // AttributeType INTS
              } else {
                a.int(3, value).int(20, 2); // AttributeType INT
              }
            });
        }),
      );
      g.string(2, graph.name);
      for (const init of graph.initializers ?? [])
        g.message(5, (t) => {
          init.dims.forEach((d) => t.int(1, d));
          if (init.int64) {
            t.int(2, ONNX_TYPES.int64);
            init.int64.forEach((v) => t.int(7, v));
          } else {
            t.int(2, ONNX_TYPES.float32);
            t.bytesField(9, new Uint8Array(Float32Array.from(init.float32 ?? []).buffer));
          }
          t.string(8, init.name);
        });
      graph.inputs.forEach((v) => g.message(11, (m) => valueInfo(m, v)));
      graph.outputs.forEach((v) => g.message(12, (m) => valueInfo(m, v)));
    })
    .message(8, (o) => o.string(1, '').int(2, opset));
  for (const [key, value] of Object.entries(metadata)) model.message(14, (entry) => entry.string(1, key).string(2, value));
  return model.finish();
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
