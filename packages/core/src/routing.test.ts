import { describe, expect, it } from 'vitest';
import type { FleetClass } from './fleet';
import { planCells } from './routing';
import { parseSpec } from './spec';

const spec = parseSpec(`
name: t
models:
  - { name: a, file: a.onnx }
  - { name: b, files: { fp32: b.onnx, fp16: b16.onnx } }
matrix:
  ep: [cpu, webgpu]
  precision: [fp32, fp16]
  batch: [1, 8]
  graphOptimization: [basic, all]
  intraOpThreads: [1, 2]
`);

const cpuOnly: FleetClass = {
  hardwareClass: 'x86-2c',
  taskQueue: 'q-x86',
  liveAgents: 1,
  eps: [
    { name: 'cpu', available: true },
    { name: 'webgpu', available: false, error: 'No supported adapters' },
  ],
};

describe('planCells', () => {
  it('dispatches what the class can run and settles the rest with a reason', () => {
    const planned = planCells(spec, [cpuOnly]);
    expect(planned).toHaveLength(64);
    const dispatched = planned.filter((p) => 'dispatch' in p);
    // cpu × (a:fp32, b:fp32, b:fp16) × 2 batch × 2 opt × 2 threads
    expect(dispatched).toHaveLength(3 * 8);
    const webgpu = planned.find((p) => p.cell.params.ep === 'webgpu' && 'settled' in p);
    expect(webgpu && 'settled' in webgpu && webgpu.settled).toMatchObject({
      status: 'unsupported',
      reason: expect.stringMatching(/webgpu.*No supported adapters.*fleet has: cpu/),
    });
    const noFp16 = planned.find(
      (p) => p.cell.params.model === 'a' && p.cell.params.precision === 'fp16' && p.cell.params.ep === 'cpu',
    );
    expect(noFp16 && 'settled' in noFp16 && noFp16.settled).toMatchObject({
      status: 'unsupported',
      reason:
        "model 'a' has no fp16 file (has: fp32); `ortfleet models prepare <spec>` derives fp16 and int8 files from the fp32 one",
    });
  });

  it('counts variant files found on disk next to the fp32 file', () => {
    const planned = planCells(spec, [cpuOnly], { a: ['fp32', 'fp16'], b: ['fp32', 'fp16'] });
    const aFp16 = planned.find(
      (p) => p.cell.params.model === 'a' && p.cell.params.precision === 'fp16' && p.cell.params.ep === 'cpu',
    );
    expect(aFp16 && 'dispatch' in aFp16).toBe(true);
  });

  it('selects classes by labels of their live agents, each class running the whole matrix', () => {
    const eu: FleetClass = {
      ...cpuOnly,
      hardwareClass: 'arm64-neoverse-n1-neon-4c',
      taskQueue: 'q-arm',
      labels: [{ region: 'eu', price_per_hour: '0.1' }],
    };
    const us: FleetClass = { ...cpuOnly, labels: [{ region: 'us' }, { region: 'eu', spot: 'yes' }] };
    const both = planCells({ ...spec, targets: [{ labels: { region: 'eu' } }] }, [eu, us]);
    expect(new Set(both.map((p) => p.cell.params.hardwareClass))).toEqual(
      new Set(['arm64-neoverse-n1-neon-4c', 'x86-2c']),
    );
    expect(both.filter((p) => p.cell.params.hardwareClass === 'x86-2c')).toHaveLength(64);
    const spot = planCells({ ...spec, targets: [{ labels: { region: 'eu', spot: 'yes' } }, 'x86-2c'] }, [eu, us]);
    expect(spot.every((p) => p.cell.params.hardwareClass === 'x86-2c')).toBe(true);
    expect(spot).toHaveLength(64);
    const none = planCells({ ...spec, targets: [{ labels: { region: 'ap' } }] }, [eu, us]);
    expect(
      none.every(
        (p) =>
          'settled' in p &&
          p.settled.status === 'unschedulable' &&
          /no live agent with labels region=ap/.test(p.settled.reason),
      ),
    ).toBe(true);
    expect(none[0]!.cell.params.hardwareClass).toBe('labels-region-ap');
  });

  it('makes every cell unschedulable when no agent of the target class is live', () => {
    const planned = planCells({ ...spec, targets: ['nvidia-h100-80gb'] }, [cpuOnly]);
    expect(planned).toHaveLength(64);
    expect(planned.every((p) => 'settled' in p && p.settled.status === 'unschedulable')).toBe(true);
    expect(planned[0]!.cell.params.hardwareClass).toBe('nvidia-h100-80gb');
    expect(
      planCells(spec, [{ ...cpuOnly, liveAgents: 0 }]).every(
        (p) => 'settled' in p && p.settled.status === 'unschedulable',
      ),
    ).toBe(true);
  });
});
