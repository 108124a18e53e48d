import { describe, expect, it } from 'vitest';
import { describeConfiguration, type CellConfiguration } from './configuration';
import { expandMatrix } from './matrix';
import { parseSpec } from './spec';

const DEFAULTS: CellConfiguration = {
  ep: 'cpu',
  precision: 'fp32',
  batch: 1,
  graphOptimization: 'all',
  intraOpThreads: 4,
  interOpThreads: 0,
  executionMode: 'sequential',
  memoryPattern: true,
  cpuArena: true,
};

describe('describeConfiguration', () => {
  it('names EP, precision, batch, threads, graph optimization and execution mode of every cell', () => {
    expect(describeConfiguration(DEFAULTS)).toBe('cpu fp32, batch 1, 4 intra-op threads, optimization all, sequential');
    expect(describeConfiguration({ ...DEFAULTS, intraOpThreads: 0 })).toBe(
      'cpu fp32, batch 1, auto intra-op threads, optimization all, sequential',
    );
  });

  it('names the other knobs where they are away from their defaults', () => {
    const text = describeConfiguration({
      ...DEFAULTS,
      ep: 'cuda',
      precision: 'fp16',
      batch: 8,
      executionMode: 'parallel',
      interOpThreads: 2,
      memoryPattern: false,
      cpuArena: false,
      concurrency: 4,
      epOptions: { deviceId: 1, cudnnConvAlgoSearch: 'HEURISTIC' },
      freeDimensions: { seq: 128, batch: 8 },
      sessionConfig: { 'session.intra_op.allow_spinning': '0' },
    });
    expect(text).toBe(
      'cuda fp16, batch 8, 4 intra-op threads, optimization all, parallel with 2 inter-op threads, concurrency 4, ' +
        'no memory pattern, no CPU arena, EP options cudnnConvAlgoSearch=HEURISTIC,deviceId=1, ' +
        'free dimensions batch=8,seq=128, session config session.intra_op.allow_spinning=0',
    );
    expect(describeConfiguration({ ...DEFAULTS, executionMode: 'parallel' })).toContain(
      'parallel with auto inter-op threads',
    );
  });

  it('names a decoder cell by its prompt and new tokens', () => {
    expect(describeConfiguration({ ...DEFAULTS, generation: { promptTokens: 128, newTokens: 32 } })).toBe(
      'cpu fp32, batch 1, 4 intra-op threads, optimization all, sequential, prompt 128 + 32 new tokens',
    );
  });

  it('reads a results row, whose absent settings are null, like the cell it came from', () => {
    const row = {
      ...DEFAULTS,
      concurrency: null,
      epOptions: null,
      freeDimensions: null,
      sessionConfig: null,
      generation: null,
    };
    expect(describeConfiguration(row)).toBe(describeConfiguration(DEFAULTS));
    expect(describeConfiguration({ ...DEFAULTS, concurrency: 1, epOptions: {} })).toBe(describeConfiguration(DEFAULTS));
  });

  it('tells every cell of a matrix from every other', () => {
    const spec = parseSpec(`
name: t
models:
  - { name: a, file: a.onnx }
matrix:
  ep: [cpu, webgpu]
  precision: [fp32, fp16]
  batch: [1, 8]
  graphOptimization: [basic, all]
  intraOpThreads: [0, 2]
  executionMode: [sequential, parallel]
  interOpThreads: [0, 2]
  memoryPattern: [true, false]
  cpuArena: [true, false]
  concurrency: [1, 4]
`);
    const cells = expandMatrix(spec, 'x86-2c');
    expect(new Set(cells.map((c) => describeConfiguration(c.params))).size).toBe(cells.length);
  });
});
