import { describe, expect, it } from 'vitest';
import { cellId } from './cell';
import { expandMatrix } from './matrix';
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

describe('expandMatrix', () => {
  it('produces every combination once, with distinct ids', () => {
    const cells = expandMatrix(spec, 'h');
    expect(cells).toHaveLength(2 * 2 * 2 * 2 * 2 * 2);
    expect(new Set(cells.map((c) => c.id)).size).toBe(cells.length);
  });

  it("makes each prompt length × new-token count of a decoder's generate a cell, and leaves other models' ids alone", () => {
    const withDecoder = parseSpec(`
name: t
models:
  - { name: a, file: a.onnx }
  - { name: llm, file: llm.onnx, generate: { promptTokens: [128, 1024], newTokens: [64], vocabRange: [0, 32000] } }
matrix:
  ep: [cpu]
  batch: [1, 4]
`);
    const cells = expandMatrix(withDecoder, 'h');
    const plain = expandMatrix(
      parseSpec('name: t\nmodels:\n  - { name: a, file: a.onnx }\nmatrix:\n  ep: [cpu]\n  batch: [1, 4]\n'),
      'h',
    );
    expect(cells.filter((c) => c.params.model === 'a').map((c) => c.id)).toEqual(plain.map((c) => c.id));
    const llm = cells.filter((c) => c.params.model === 'llm');
    expect(llm.map((c) => [c.params.generation!.promptTokens, c.params.batch])).toEqual([
      [128, 1],
      [128, 4],
      [1024, 1],
      [1024, 4],
    ]);
    expect(llm[0]!.params.generation).toEqual({ promptTokens: 128, newTokens: 64, vocabRange: [0, 32000] });
    expect(new Set(llm.map((c) => c.id)).size).toBe(4);
  });

  it('derives the id from the canonical parameters only, whatever the key order', () => {
    const knobs = { interOpThreads: 0, executionMode: 'sequential', memoryPattern: true, cpuArena: true } as const;
    const p = {
      model: 'a',
      hardwareClass: 'h',
      ep: 'cpu',
      precision: 'fp32',
      batch: 1,
      graphOptimization: 'all',
      intraOpThreads: 2,
      ...knobs,
    } as const;
    const reordered = {
      ...knobs,
      intraOpThreads: 2,
      batch: 1,
      graphOptimization: 'all',
      precision: 'fp32',
      ep: 'cpu',
      hardwareClass: 'h',
      model: 'a',
    } as const;
    expect(cellId(p)).toBe(cellId(reordered));
    expect(cellId(p)).toMatch(/^[0-9a-f]{16}$/);
    expect(cellId({ ...p, batch: 2 })).not.toBe(cellId(p));
    // Pinned: ids already stored in databases must not change between versions.
    expect(cellId(p)).toBe('2f4b1c848554c0fe');
    expect(cellId({ ...p, concurrency: 1 })).toBe('2f4b1c848554c0fe');
    expect(cellId({ ...p, concurrency: 2 })).not.toBe(cellId(p));
  });

  it('keeps the single-stream cell as it was and gives each concurrency its own cell', () => {
    const spec = parseSpec(
      `name: c\nmodels: [{ name: a, file: a.onnx }]\nmatrix: { ep: [cpu], batch: [1], intraOpThreads: [2], concurrency: [1, 2, 4, 8] }\n`,
    );
    const cells = expandMatrix(spec, 'h');
    expect(cells.map((c) => c.params.concurrency)).toEqual([undefined, 2, 4, 8]);
    expect(cells[0]!.id).toBe('2f4b1c848554c0fe');
    expect(new Set(cells.map((c) => c.id)).size).toBe(4);
  });

  it('gives every knob its own ids, and repeats no cell when inter-op threads only matter in parallel mode', () => {
    const knobs = parseSpec(`
name: k
models: [{ name: a, file: a.onnx, freeDimensions: { seq: 128 } }]
matrix:
  ep: [cpu, cuda]
  batch: [1]
  executionMode: [sequential, parallel]
  interOpThreads: [1, 2]
  memoryPattern: [true, false]
  cpuArena: [true, false]
  epOptions: { cuda: { deviceId: 1 } }
  sessionConfig: { session.intra_op.allow_spinning: '0' }
`);
    const cells = expandMatrix(knobs, 'h');
    // per EP: sequential (1 inter-op value) + parallel (2) = 3 modes, × 2 × 2
    expect(cells).toHaveLength(2 * 3 * 2 * 2);
    expect(new Set(cells.map((c) => c.id)).size).toBe(cells.length);
    const cuda = cells.find((c) => c.params.ep === 'cuda')!.params;
    expect(cuda).toMatchObject({
      epOptions: { deviceId: 1 },
      freeDimensions: { seq: 128 },
      sessionConfig: { 'session.intra_op.allow_spinning': '0' },
    });
    expect(cells.find((c) => c.params.ep === 'cpu')!.params.epOptions).toBeUndefined();
  });
});
