import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { OperatorProfile } from '@ortfleet/core';
import { createSession } from './session-options';

const CONV_OPS = new Set(['Conv', 'FusedConv', 'NhwcConv', 'QLinearConv', 'ConvInteger', 'ConvTranspose']);
const MATMUL_OPS = new Set(['MatMul', 'FusedMatMul', 'MatMulInteger', 'QLinearMatMul', 'MatMulNBits', 'Gemm']);
const TOP_NODES = 10;

interface NodeEvent {
  node: string;
  opType: string;
  provider: string;
  us: number;
  inputs: unknown;
  outputs: unknown;
}

/** The kernel-time event of one node run, or undefined for anything else (session events, fences, junk). */
function nodeEvent(event: unknown): NodeEvent | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { cat, name, dur, args } = event as Record<string, unknown>;
  if (cat !== 'Node' || typeof name !== 'string' || !name.endsWith('_kernel_time')) return undefined;
  if (typeof dur !== 'number' || !Number.isFinite(dur) || dur < 0) return undefined;
  if (typeof args !== 'object' || args === null) return undefined;
  const { op_name, provider, input_type_shape, output_type_shape } = args as Record<string, unknown>;
  if (typeof op_name !== 'string' || typeof provider !== 'string') return undefined;
  return {
    node: name.slice(0, -'_kernel_time'.length),
    opType: op_name,
    provider,
    us: dur,
    inputs: input_type_shape,
    outputs: output_type_shape,
  };
}

/** The i-th shape of an `[{"float": [1, 3, 224, 224]}, ...]` list, or undefined when it is not all whole numbers. */
function shapeAt(list: unknown, i: number): number[] | undefined {
  if (!Array.isArray(list) || typeof list[i] !== 'object' || list[i] === null) return undefined;
  const dims = Object.values(list[i] as Record<string, unknown>)[0];
  return Array.isArray(dims) && dims.every((d) => Number.isInteger(d) && d >= 0) ? (dims as number[]) : undefined;
}

const product = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);

/** Multiply-adds × 2 of one Conv- or MatMul-family node run, from the shapes ORT reports; undefined for other ops. */
function flopsOf(e: NodeEvent): number | undefined {
  const out = shapeAt(e.outputs, 0);
  const a = shapeAt(e.inputs, 0);
  if (!out || !a) return undefined;
  if (CONV_OPS.has(e.opType)) {
    // QLinearConv's inputs are x, x_scale, x_zero_point, w, ...
    const w = shapeAt(e.inputs, e.opType === 'QLinearConv' ? 3 : 1);
    if (!w || w.length < 2) return undefined;
    // A transposed conv scatters every input element over Cout/group × kH × kW outputs.
    return 2 * product(e.opType === 'ConvTranspose' ? a : out) * product(w.slice(1));
  }
  if (MATMUL_OPS.has(e.opType)) {
    if (out.length === 0 || a.length === 0) return undefined;
    let k = a[a.length - 1]!;
    // transA is an attribute the profile leaves out; A's size over M gives K either way.
    if (e.opType === 'Gemm') k = product(a) / out[0]!;
    else if (e.opType === 'FusedMatMul' && a.length >= 2 && out.length >= 2)
      k = (a[a.length - 2]! * a[a.length - 1]!) / out[out.length - 2]!;
    return Number.isFinite(k) ? 2 * product(out) * k : undefined;
  }
  return undefined;
}

/**
 * EPs that compile whole subgraphs into one opaque node: the Conv and MatMul inside are invisible to the
 * profile, so a FLOP count would cover only what they left to other EPs.
 */
const COMPILING_PROVIDERS = new Set([
  'TensorrtExecutionProvider',
  'CoreMLExecutionProvider',
  'QNNExecutionProvider',
  'NnapiExecutionProvider',
  'OpenVINOExecutionProvider',
  'VitisAIExecutionProvider',
]);

/** Summarizes ORT profile trace events of `iterations` runs: time per operator type, slowest nodes, EP placement, fallback, FLOPs. */
export function summarizeProfile(events: unknown[], cellEp: string, iterations: number): OperatorProfile {
  const byOp = new Map<string, { calls: number; totalUs: number }>();
  const byNode = new Map<string, { opType: string; provider: string; calls: number; totalUs: number }>();
  const byProvider = new Map<string, { nodes: Set<string>; totalUs: number }>();
  let totalUs = 0;
  let flops: number | undefined;

  for (const raw of Array.isArray(events) ? events : []) {
    const e = nodeEvent(raw);
    if (!e) continue;
    totalUs += e.us;
    const op = byOp.get(e.opType) ?? { calls: 0, totalUs: 0 };
    op.calls++;
    op.totalUs += e.us;
    byOp.set(e.opType, op);
    const node = byNode.get(e.node) ?? { opType: e.opType, provider: e.provider, calls: 0, totalUs: 0 };
    node.calls++;
    node.totalUs += e.us;
    byNode.set(e.node, node);
    const provider = byProvider.get(e.provider) ?? { nodes: new Set<string>(), totalUs: 0 };
    provider.nodes.add(e.node);
    provider.totalUs += e.us;
    byProvider.set(e.provider, provider);
    const f = flopsOf(e);
    if (f !== undefined) flops = (flops ?? 0) + f;
  }

  const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
  const providers = [...byProvider]
    .map(([provider, p]) => ({
      provider,
      nodes: p.nodes.size,
      nodeShare: share(p.nodes.size, byNode.size),
      timeShare: share(p.totalUs, totalUs),
    }))
    .sort((x, y) => y.timeShare - x.timeShare);
  const cpu = providers.find((p) => p.provider === 'CPUExecutionProvider');

  return {
    iterations,
    byOpType: [...byOp]
      .map(([opType, o]) => ({ opType, calls: o.calls, totalUs: o.totalUs, timeShare: share(o.totalUs, totalUs) }))
      .sort((x, y) => y.totalUs - x.totalUs),
    topNodes: [...byNode]
      .map(([name, n]) => ({ name, opType: n.opType, provider: n.provider, meanUs: n.totalUs / n.calls }))
      .sort((x, y) => y.meanUs - x.meanUs)
      .slice(0, TOP_NODES),
    byProvider: providers,
    ...(cellEp !== 'cpu' && cpu
      ? { fallback: { nodes: cpu.nodes, nodeShare: cpu.nodeShare, timeShare: cpu.timeShare } }
      : {}),
    ...(flops !== undefined && iterations > 0 && !providers.some((p) => COMPILING_PROVIDERS.has(p.provider))
      ? { flopsPerInference: flops / iterations }
      : {}),
  };
}

/**
 * Drops the events of the first run: it pays for lazy allocations and kernel selection, which would skew
 * per-operator times of a short profile.
 */
function afterFirstRun(events: unknown[]): unknown[] {
  const runs = events
    .filter(
      (e): e is { name: string; ts: number; dur: number } =>
        typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'model_run',
    )
    .sort((a, b) => a.ts - b.ts);
  if (runs.length === 0) return events;
  const firstEnd = runs[0]!.ts + runs[0]!.dur;
  return events.filter(
    (e) =>
      !(
        typeof e === 'object' &&
        e !== null &&
        typeof (e as { ts?: unknown }).ts === 'number' &&
        (e as { ts: number }).ts < firstEnd
      ),
  );
}

/**
 * Profiles `iterations` runs (after one more that is left out) in a fresh session of its own, so profiling
 * never slows a timed session, and summarizes them.
 */
export async function profilePass(
  model: string | Uint8Array,
  options: ort.InferenceSession.SessionOptions,
  feeds: Record<string, ort.Tensor>[],
  iterations: number,
): Promise<OperatorProfile> {
  if (feeds.length === 0) throw new Error('profilePass needs at least one set of feeds');
  const dir = await mkdtemp(join(tmpdir(), 'ortfleet-profile-'));
  let session: ort.InferenceSession | undefined;
  try {
    // ORT appends _<timestamp>.json to the prefix and writes the file when profiling ends.
    const profiled = { ...options, enableProfiling: true, profileFilePrefix: join(dir, 'profile') };
    session = await createSession(model, profiled);
    for (let i = 0; i <= iterations; i++) await session.run(feeds[i % feeds.length]!);
    session.endProfiling();
    const file = (await readdir(dir)).find((f) => f.endsWith('.json'));
    if (!file) throw new Error(`onnxruntime wrote no profile file under ${dir}`);
    const events: unknown = JSON.parse(await readFile(join(dir, file), 'utf8'));
    return summarizeProfile(Array.isArray(events) ? afterFirstRun(events) : [], epName(options), iterations);
  } finally {
    await session?.release();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The cell's EP is the first in the options: a cell names exactly one. */
function epName(options: ort.InferenceSession.SessionOptions): string {
  const first = options.executionProviders?.[0];
  if (first === undefined) return 'cpu';
  return typeof first === 'string' ? first : first.name;
}
