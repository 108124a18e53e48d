import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OCR_MODELS } from '../../../../test/support/env';
import { encodeModel, mulberry32 } from '@ortfleet/core';
import { profilePass, summarizeProfile } from './profile';

const CLS = join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
const cpuAll: ort.InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  intraOpNumThreads: 1,
  logSeverityLevel: 3,
};

function tensor(shape: number[], seed = 1): ort.Tensor {
  const next = mulberry32(seed);
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1);
  return new ort.Tensor('float32', data, shape);
}

/** A node event the way ORT writes it, with the fields summarizeProfile reads. */
function kernel(
  node: string,
  op: string,
  provider: string,
  dur: number,
  inputs: number[][] = [],
  outputs: number[][] = [],
) {
  return {
    cat: 'Node',
    name: `${node}_kernel_time`,
    ph: 'X',
    dur,
    args: {
      op_name: op,
      provider,
      input_type_shape: inputs.map((s) => ({ float: s })),
      output_type_shape: outputs.map((s) => ({ float: s })),
    },
  };
}

describe('summarizeProfile', () => {
  // Two runs of a three-node graph: the convolution on CUDA, a Resize and a NonMaxSuppression fell back to CPU.
  const run = (conv: number, resize: number) => [
    {
      cat: 'Node',
      name: 'conv_fence_before',
      ph: 'X',
      dur: 1,
      args: { op_name: 'Conv', provider: 'CUDAExecutionProvider' },
    },
    kernel('conv', 'Conv', 'CUDAExecutionProvider', conv, [[1, 3, 8, 8], [4, 3, 3, 3], [4]], [[1, 4, 6, 6]]),
    kernel('resize', 'Resize', 'CPUExecutionProvider', resize, [[1, 4, 6, 6]], [[1, 4, 12, 12]]),
    kernel('nms', 'NonMaxSuppression', 'CPUExecutionProvider', 10),
  ];
  const events = [
    { cat: 'Session', name: 'session_initialization', ph: 'X', dur: 50_000, args: {} },
    ...run(100, 30),
    ...run(60, 50),
  ];

  it('adds up time per operator type, sorted by time', () => {
    const p = summarizeProfile(events, 'cuda', 2);
    expect(p.iterations).toBe(2);
    expect(p.byOpType).toEqual([
      { opType: 'Conv', calls: 2, totalUs: 160, timeShare: 160 / 260 },
      { opType: 'Resize', calls: 2, totalUs: 80, timeShare: 80 / 260 },
      { opType: 'NonMaxSuppression', calls: 2, totalUs: 20, timeShare: 20 / 260 },
    ]);
    expect(p.topNodes).toEqual([
      { name: 'conv', opType: 'Conv', provider: 'CUDAExecutionProvider', meanUs: 80 },
      { name: 'resize', opType: 'Resize', provider: 'CPUExecutionProvider', meanUs: 40 },
      { name: 'nms', opType: 'NonMaxSuppression', provider: 'CPUExecutionProvider', meanUs: 10 },
    ]);
  });

  it('shows which EP ran which node and flags CPU fallback for an accelerator cell', () => {
    const p = summarizeProfile(events, 'cuda', 2);
    expect(p.byProvider).toEqual([
      { provider: 'CUDAExecutionProvider', nodes: 1, nodeShare: 1 / 3, timeShare: 160 / 260 },
      { provider: 'CPUExecutionProvider', nodes: 2, nodeShare: 2 / 3, timeShare: 100 / 260 },
    ]);
    expect(p.fallback).toEqual({ nodes: 2, nodeShare: 2 / 3, timeShare: 100 / 260 });
    expect(summarizeProfile(events, 'cpu', 2).fallback).toBeUndefined();
    expect(summarizeProfile(events.slice(0, 3), 'cuda', 1).fallback).toBeUndefined();
  });

  it('counts FLOPs per inference of the Conv and MatMul families only', () => {
    // 2 × (1·4·6·6 outputs) × (3·3·3 weights per output)
    expect(summarizeProfile(events, 'cuda', 2).flopsPerInference).toBe(2 * 144 * 27);
    const mm = [
      kernel(
        'mm',
        'MatMul',
        'CPUExecutionProvider',
        1,
        [
          [2, 5, 7],
          [7, 3],
        ],
        [[2, 5, 3]],
      ),
      // transA = 1: A is [K=6, M=4]
      kernel('gemm', 'Gemm', 'CPUExecutionProvider', 1, [[6, 4], [6, 5], [5]], [[4, 5]]),
      kernel(
        'qconv',
        'QLinearConv',
        'CPUExecutionProvider',
        1,
        [[1, 8, 5, 5], [], [], [2, 4, 1, 1], [], []],
        [[1, 2, 5, 5]],
      ),
      kernel(
        'deconv',
        'ConvTranspose',
        'CPUExecutionProvider',
        1,
        [
          [1, 2, 3, 3],
          [2, 1, 2, 2],
        ],
        [[1, 1, 6, 6]],
      ),
    ];
    expect(summarizeProfile(mm, 'cpu', 1).flopsPerInference).toBe(2 * 30 * 7 + 2 * 20 * 6 + 2 * 50 * 4 + 2 * 18 * 4);
    expect(
      summarizeProfile(
        events.filter((e) => e.name !== 'conv_kernel_time'),
        'cuda',
        2,
      ).flopsPerInference,
    ).toBeUndefined();
    // TensorRT hides its Conv and MatMul inside compiled nodes: a count of what is left would be wrong.
    const trt = [
      ...run(100, 30),
      kernel('TRTKernel_graph_0', 'TRTKernel_graph_main_1', 'TensorrtExecutionProvider', 500),
    ];
    expect(summarizeProfile(trt, 'tensorrt', 1).flopsPerInference).toBeUndefined();
  });

  it('skips malformed events instead of throwing', () => {
    const junk = [
      null,
      42,
      'Node',
      [],
      { cat: 'Node' },
      { cat: 'Node', name: 'a_kernel_time', dur: 'slow', args: { op_name: 'Add', provider: 'CPUExecutionProvider' } },
      { cat: 'Node', name: 'b_kernel_time', dur: -1, args: { op_name: 'Add', provider: 'CPUExecutionProvider' } },
      { cat: 'Node', name: 'c_kernel_time', dur: 5 },
      { cat: 'Node', name: 'd_kernel_time', dur: 5, args: { provider: 'CPUExecutionProvider' } },
      {
        cat: 'Node',
        name: 'e_kernel_time',
        dur: 5,
        args: { op_name: 'Conv', provider: 'CPUExecutionProvider', input_type_shape: 'x', output_type_shape: [null] },
      },
      {
        cat: 'Node',
        name: 'f_kernel_time',
        dur: 5,
        args: {
          op_name: 'MatMul',
          provider: 'CPUExecutionProvider',
          input_type_shape: [{ float: ['N', 3] }],
          output_type_shape: [{ float: [2, 3] }],
        },
      },
      kernel('add', 'Add', 'CPUExecutionProvider', 5),
    ];
    const p = summarizeProfile(junk, 'cuda', 1);
    expect(p.byOpType).toEqual([
      { opType: 'Conv', calls: 1, totalUs: 5, timeShare: 1 / 3 },
      { opType: 'MatMul', calls: 1, totalUs: 5, timeShare: 1 / 3 },
      { opType: 'Add', calls: 1, totalUs: 5, timeShare: 1 / 3 },
    ]);
    expect(p.flopsPerInference).toBeUndefined();
    expect(summarizeProfile([], 'cpu', 0)).toEqual({ iterations: 0, byOpType: [], topNodes: [], byProvider: [] });
    expect(summarizeProfile('not a list' as unknown as unknown[], 'cpu', 1).byOpType).toEqual([]);
  });
});

describe('profilePass', () => {
  it('profiles the real PaddleOCR classifier on CPU: every node on CPU, no fallback, plausible FLOPs', async () => {
    const feeds = [1, 2, 3].map((seed) => ({ x: tensor([1, 3, 48, 192], seed) }));
    const p = await profilePass(CLS, cpuAll, feeds, 6);
    expect(p.iterations).toBe(6);
    expect(p.byProvider).toEqual([
      { provider: 'CPUExecutionProvider', nodes: expect.any(Number), nodeShare: 1, timeShare: 1 },
    ]);
    expect(p.fallback).toBeUndefined();
    const convs = p.byOpType.filter((o) => ['Conv', 'FusedConv'].includes(o.opType));
    expect(convs.length).toBeGreaterThan(0);
    // Every node ran once per iteration.
    for (const o of p.byOpType) expect(o.calls % 6).toBe(0);
    expect(p.byOpType.reduce((s, o) => s + o.timeShare, 0)).toBeCloseTo(1, 9);
    expect(p.topNodes.length).toBe(10);
    // The model's own graph (level 'disabled': 53 Conv and one Gemm as exported) does 32.6 MFLOPs; at 'all'
    // ORT's NCHWc layout pads channels to its CPU's block size, so the kernels do somewhat more.
    const unoptimized = await profilePass(CLS, { ...cpuAll, graphOptimizationLevel: 'disabled' }, feeds, 1);
    expect(unoptimized.byOpType.find((o) => o.opType === 'Conv')?.calls).toBe(53);
    expect(unoptimized.flopsPerInference).toBeGreaterThan(2e7);
    expect(unoptimized.flopsPerInference).toBeLessThan(5e7);
    expect(p.flopsPerInference).toBeGreaterThanOrEqual(unoptimized.flopsPerInference!);
    expect(p.flopsPerInference).toBeLessThan(1.5 * unoptimized.flopsPerInference!);
  });

  it('counts the exact FLOPs of a single convolution', async () => {
    // Cin 16 → Cout 32, 3×3 kernel, stride 1, no padding: 10×12 → 8×10. Channel counts are multiples of
    // ORT's NCHWc block (8 or 16), so the optimized kernel computes exactly this.
    const w = tensor([32, 16, 3, 3], 9);
    const model = encodeModel({
      name: 'conv',
      inputs: [{ name: 'x', type: 'float32', shape: [1, 16, 10, 12] }],
      outputs: [{ name: 'y', type: 'float32', shape: [1, 32, 8, 10] }],
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attributes: { kernel_shape: [3, 3] } }],
      initializers: [{ name: 'w', dims: [32, 16, 3, 3], float32: [...(w.data as Float32Array)] }],
    });
    const p = await profilePass(model, cpuAll, [{ x: tensor([1, 16, 10, 12]) }], 3);
    expect(p.flopsPerInference).toBe(2 * 32 * 8 * 10 * 16 * 3 * 3);
    expect(p.byOpType.find((o) => o.opType === 'Conv')?.calls).toBe(3);
  });

  it('leaves no files behind: its temp dir is gone and no profile lands in the cwd', async () => {
    const ours = () => readdirSync(tmpdir()).filter((f) => f.startsWith('ortfleet-profile-'));
    const json = () => readdirSync(process.cwd()).filter((f) => f.endsWith('.json'));
    const before = { tmp: ours(), cwd: json() };
    await profilePass(CLS, cpuAll, [{ x: tensor([1, 3, 48, 192]) }], 2);
    await expect(profilePass(CLS, cpuAll, [{ wrong: tensor([1, 3, 48, 192]) }], 2)).rejects.toThrow();
    expect(ours()).toEqual(before.tmp);
    expect(json()).toEqual(before.cwd);
  });
});
