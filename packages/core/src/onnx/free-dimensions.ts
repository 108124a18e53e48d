import { BadInputError } from '../errors';
import type { ModelFacts } from './model-facts';
import { readModelFacts } from './model-facts';
import { concatBytes, decodeString, encodeVarintField, fields, LENGTH_DELIMITED, rewriteFields } from './protobuf';

/** The sorted distinct named (free) dimensions of a model's graph inputs. */
export function freeDimensionNames(facts: ModelFacts): string[] {
  const names = new Set<string>();
  for (const input of facts.inputs) for (const d of input.shape) if (typeof d === 'string' && d !== '?') names.add(d);
  return [...names].sort();
}

/** The names in `overrides` that are not named dimensions of the model's graph inputs. */
export function unknownFreeDimensions(facts: ModelFacts, overrides: Record<string, number>): string[] {
  const known = freeDimensionNames(facts);
  return Object.keys(overrides).filter((name) => !known.includes(name));
}

/**
 * Fixes named input dimensions by rewriting the model: onnxruntime-node 1.30's binding ignores the
 * `freeDimensionOverrides` session option, so the model itself must say `batch = 4`.
 */
export function overrideFreeDimensions(bytes: Uint8Array, overrides: Record<string, number>): Uint8Array {
  const bad = Object.entries(overrides).filter(([, n]) => !Number.isSafeInteger(n) || n < 1);
  if (bad.length > 0)
    throw new BadInputError(
      bad.map(([name, n]) => `free dimension '${name}' must be a positive integer, not ${n}`).join('; '),
    );
  const facts = readModelFacts(bytes);
  const unknown = unknownFreeDimensions(facts, overrides);
  if (unknown.length > 0) {
    const known = freeDimensionNames(facts);
    const names = unknown.map((name) => `'${name}'`).join(', ');
    const theirs = known.length > 0 ? `its free dimensions: ${known.join(', ')}` : 'it has no free dimensions';
    throw new BadInputError(
      `free dimension${unknown.length > 1 ? 's' : ''} ${names} ${unknown.length > 1 ? 'are' : 'is'} not in the model (${theirs})`,
    );
  }
  // Only the messages on the path to a graph input's dims are re-encoded; weights and nodes are copied as they are.
  const dim = (d: Uint8Array) => fixDimension(d, overrides);
  const shape = (s: Uint8Array) => rewriteFields(s, 1, dim);
  const tensorType = (t: Uint8Array) => rewriteFields(t, 2, shape);
  const type = (t: Uint8Array) => rewriteFields(t, 1, tensorType);
  const valueInfo = (v: Uint8Array) => rewriteFields(v, 2, type);
  const graph = (g: Uint8Array) => rewriteFields(g, 11, valueInfo);
  return rewriteFields(bytes, 7, graph);
}

function fixDimension(dim: Uint8Array, overrides: Record<string, number>): Uint8Array {
  const parts = [...fields(dim)];
  const param = parts.find((f) => f.number === 2 && f.wireType === LENGTH_DELIMITED);
  const name = param && decodeString(param.data);
  if (name === undefined || !Object.hasOwn(overrides, name)) return dim;
  // dim_value and dim_param are a oneof: drop the param, keep anything else (a denotation).
  const rest = parts.filter((f) => f.number !== 1 && f.number !== 2).map((f) => dim.subarray(f.start, f.end));
  return concatBytes([encodeVarintField(1, overrides[name]!), ...rest]);
}
