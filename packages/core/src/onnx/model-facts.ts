import { BadInputError } from '../errors';
import { decodeString, type Field, fields, LENGTH_DELIMITED, packedVarints, VARINT } from './protobuf';

/** Facts read from the ONNX graph itself. */
export interface ModelFacts {
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  parameters: number;
  nodes: number;
  operators: Record<string, number>;
  inputs: { name: string; type: string; shape: (number | string)[] }[];
  outputs: { name: string; type: string; shape: (number | string)[] }[];
  /** The model's metadata_props (e.g. `max_position_embeddings`), when it has any. */
  metadata?: Record<string, string>;
}

type ValueFacts = ModelFacts['inputs'][number];

// TensorProto.DataType numbers, named as onnxruntime-node names tensor types.
const ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

// TypeProto's non-tensor kinds: ortfleet only feeds tensors, so their inner types are not read.
const OTHER_VALUE_KINDS: Record<number, string> = { 4: 'sequence', 5: 'map', 9: 'optional' };

/** Reads what ortfleet reports about a model (producer, opsets, size, operators, inputs, outputs) from its bytes. */
export function readModelFacts(bytes: Uint8Array): ModelFacts {
  try {
    return modelFacts(bytes);
  } catch (err) {
    // Every failure below comes from bytes that do not decode as a ModelProto.
    throw new BadInputError(`not an ONNX model: ${(err as Error).message}`);
  }
}

function modelFacts(bytes: Uint8Array): ModelFacts {
  let irVersion = 0;
  let producerName = '';
  let producerVersion = '';
  const opsets: ModelFacts['opsets'] = [];
  const metadata: Record<string, string> = {};
  let graph: Uint8Array | undefined;
  for (const f of fields(bytes)) {
    if (f.number === 1) irVersion = varint(f, 'ModelProto.ir_version');
    else if (f.number === 2) producerName = string(f, 'ModelProto.producer_name');
    else if (f.number === 3) producerVersion = string(f, 'ModelProto.producer_version');
    else if (f.number === 7) graph = message(f, 'ModelProto.graph');
    else if (f.number === 8) opsets.push(opset(message(f, 'ModelProto.opset_import')));
    else if (f.number === 14) {
      const [key, value] = metadataEntry(message(f, 'ModelProto.metadata_props'));
      metadata[key] = value;
    }
  }
  if (!graph) throw new Error('it has no graph');
  return {
    irVersion,
    producer: `${producerName} ${producerVersion}`.trim(),
    opsets,
    ...graphFacts(graph),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

function metadataEntry(data: Uint8Array): [string, string] {
  let key = '';
  let value = '';
  for (const f of fields(data)) {
    if (f.number === 1) key = string(f, 'StringStringEntryProto.key');
    else if (f.number === 2) value = string(f, 'StringStringEntryProto.value');
  }
  return [key, value];
}

function opset(data: Uint8Array): ModelFacts['opsets'][number] {
  let domain = '';
  let version = 0;
  for (const f of fields(data)) {
    if (f.number === 1) domain = string(f, 'OperatorSetIdProto.domain');
    else if (f.number === 2) version = varint(f, 'OperatorSetIdProto.version');
  }
  return { domain, version };
}

function graphFacts(graph: Uint8Array): Pick<ModelFacts, 'parameters' | 'nodes' | 'operators' | 'inputs' | 'outputs'> {
  let parameters = 0;
  let nodes = 0;
  const operators: Record<string, number> = {};
  const initializers = new Set<string>();
  const inputs: ValueFacts[] = [];
  const outputs: ValueFacts[] = [];
  for (const f of fields(graph)) {
    if (f.number === 1) {
      const node = nodeFacts(message(f, 'GraphProto.node'));
      operators[node.op] = (operators[node.op] ?? 0) + 1;
      parameters += node.elements;
      nodes++;
    } else if (f.number === 5) {
      const tensor = tensorFacts(message(f, 'GraphProto.initializer'));
      parameters += tensor.elements;
      initializers.add(tensor.name);
    } else if (f.number === 15) {
      const tensor = sparseTensorFacts(message(f, 'GraphProto.sparse_initializer'));
      parameters += tensor.elements;
      initializers.add(tensor.name);
    } else if (f.number === 11) inputs.push(valueFacts(message(f, 'GraphProto.input')));
    else if (f.number === 12) outputs.push(valueFacts(message(f, 'GraphProto.output')));
  }
  // Before IR version 4 every initializer was also listed as a graph input; those are weights, not inputs to feed.
  return { parameters, nodes, operators, inputs: inputs.filter((i) => !initializers.has(i.name)), outputs };
}

function nodeFacts(node: Uint8Array): { op: string; elements: number } {
  let opType = '';
  let domain = '';
  const attributes: Uint8Array[] = [];
  for (const f of fields(node)) {
    if (f.number === 4) opType = string(f, 'NodeProto.op_type');
    else if (f.number === 7) domain = string(f, 'NodeProto.domain');
    else if (f.number === 5) attributes.push(message(f, 'NodeProto.attribute'));
  }
  const standard = domain === '' || domain === 'ai.onnx';
  // Some exporters (paddle2onnx among them) store the weights as Constant nodes rather than initializers.
  const elements = standard && opType === 'Constant' ? attributes.reduce((n, a) => n + constantElements(a), 0) : 0;
  return { op: standard ? opType : `${domain}.${opType}`, elements };
}

function constantElements(attribute: Uint8Array): number {
  let elements = 0;
  for (const f of fields(attribute)) {
    if (f.number === 5) elements += tensorFacts(message(f, 'AttributeProto.t')).elements;
    else if (f.number === 22) elements += sparseTensorFacts(message(f, 'AttributeProto.sparse_tensor')).elements;
  }
  return elements;
}

function tensorFacts(tensor: Uint8Array): { name: string; elements: number } {
  let name = '';
  const dims: number[] = [];
  for (const f of fields(tensor)) {
    // raw_data (field 9) and the typed value fields are skipped: only the shape counts.
    if (f.number === 1) dims.push(...repeatedVarint(f, 'TensorProto.dims'));
    else if (f.number === 8) name = string(f, 'TensorProto.name');
  }
  return { name, elements: product(dims) };
}

// A sparse initializer counts at its dense size: the parameters the model computes with, not the ones it stores.
function sparseTensorFacts(sparse: Uint8Array): { name: string; elements: number } {
  let name = '';
  const dims: number[] = [];
  for (const f of fields(sparse)) {
    if (f.number === 1) name = tensorFacts(message(f, 'SparseTensorProto.values')).name;
    else if (f.number === 3) dims.push(...repeatedVarint(f, 'SparseTensorProto.dims'));
  }
  return { name, elements: product(dims) };
}

function valueFacts(valueInfo: Uint8Array): ValueFacts {
  const value: ValueFacts = { name: '', type: 'unknown', shape: [] };
  for (const f of fields(valueInfo)) {
    if (f.number === 1) value.name = string(f, 'ValueInfoProto.name');
    else if (f.number === 2) Object.assign(value, typeFacts(message(f, 'ValueInfoProto.type')));
  }
  return value;
}

function typeFacts(type: Uint8Array): Omit<ValueFacts, 'name'> {
  for (const f of fields(type)) {
    // tensor_type (1) and sparse_tensor_type (8) share their layout: elem_type and shape.
    if (f.number === 1 || f.number === 8) return tensorTypeFacts(message(f, 'TypeProto.tensor_type'));
    const kind = OTHER_VALUE_KINDS[f.number];
    if (kind) return { type: kind, shape: [] };
  }
  return { type: 'unknown', shape: [] };
}

function tensorTypeFacts(tensorType: Uint8Array): Omit<ValueFacts, 'name'> {
  let elemType = 0;
  const shape: ValueFacts['shape'] = [];
  for (const f of fields(tensorType)) {
    if (f.number === 1) elemType = varint(f, 'TypeProto.Tensor.elem_type');
    else if (f.number === 2) {
      for (const dim of fields(message(f, 'TypeProto.Tensor.shape')))
        if (dim.number === 1) shape.push(dimension(message(dim, 'TensorShapeProto.dim')));
    }
  }
  return { type: ELEMENT_TYPES[elemType] ?? `type${elemType}`, shape };
}

function dimension(dim: Uint8Array): number | string {
  let value: number | string = '?';
  for (const f of fields(dim)) {
    if (f.number === 1) value = varint(f, 'Dimension.dim_value');
    else if (f.number === 2) value = string(f, 'Dimension.dim_param');
  }
  return value;
}

function product(dims: number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

function varint(f: Field, name: string): number {
  expectWireType(f, VARINT, name);
  return f.value;
}

function string(f: Field, name: string): string {
  expectWireType(f, LENGTH_DELIMITED, name);
  return decodeString(f.data);
}

function message(f: Field, name: string): Uint8Array {
  expectWireType(f, LENGTH_DELIMITED, name);
  return f.data;
}

// Repeated scalars come packed (proto3's default) or one field per value.
function repeatedVarint(f: Field, name: string): number[] {
  return f.wireType === LENGTH_DELIMITED ? packedVarints(f.data) : [varint(f, name)];
}

function expectWireType(f: Field, wireType: number, name: string): void {
  if (f.wireType !== wireType)
    throw new Error(`${name} (field ${f.number}) has wire type ${f.wireType}, expected ${wireType}`);
}
