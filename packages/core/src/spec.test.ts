import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadInputError } from './errors';
import { formatPath, matrixSize, parseSpec, specJsonSchema } from './spec';

const VALID = `
name: t
models:
  - name: m
    file: m.onnx
    inputs:
      x: { shape: [batch, 3, 8, 8] }
      ids: { range: [0, 100] }
matrix:
  ep: [cpu]
  batch: [1, 2]
`;

function problems(text: string): string[] {
  try {
    parseSpec(text);
  } catch (err) {
    expect(err).toBeInstanceOf(BadInputError);
    return (err as BadInputError).problems;
  }
  throw new Error('expected the spec to be rejected');
}

describe('parseSpec', () => {
  it('fills defaults for measure, precision, optimization, threads and targets', () => {
    const spec = parseSpec(VALID);
    expect(spec.matrix.precision).toEqual(['fp32']);
    expect(spec.matrix.graphOptimization).toEqual(['all']);
    expect(spec.matrix.intraOpThreads).toEqual([0]);
    expect(spec.measure).toMatchObject({ warmup: 10, minIterations: 10, minDurationMs: 10_000 });
    expect(spec.targets).toEqual(['any']);
  });

  it('names the path and what was expected for a wrong value', () => {
    const text = VALID.replace('batch: [1, 2]', 'batch: [1, 2, -4]');
    expect(problems(text)).toEqual([expect.stringMatching(/^matrix\.batch\[2\]: .*(>0|positive|too small)/i)]);
  });

  it('names a missing key', () => {
    expect(problems(VALID.replace('  ep: [cpu]\n', ''))).toEqual([expect.stringMatching(/^matrix\.ep: /)]);
  });

  it('rejects unknown keys and EPs, naming them', () => {
    const p = problems(VALID.replace('ep: [cpu]', 'ep: [cpu, tpu]\n  colour: red'));
    expect(p.join('\n')).toMatch(/matrix\.ep\[1\]/);
    expect(p.join('\n')).toMatch(/colour/);
  });

  it('takes targets by class id or by labels, and names a bad one', () => {
    const spec = parseSpec(
      `${VALID}\ntargets: [amd-epyc-avx512-2c, { labels: { region: eu, price_per_hour: '1.2' } }]\n`,
    );
    expect(spec.targets).toEqual(['amd-epyc-avx512-2c', { labels: { region: 'eu', price_per_hour: '1.2' } }]);
    expect(problems(`${VALID}\ntargets: [Big GPU]\n`)).toEqual([
      expect.stringMatching(/^targets\[0\]: a target is 'any', a hardware class id/),
    ]);
    expect(problems(`${VALID}\ntargets: [{ labels: {} }]\n`).join('\n')).toMatch(/^targets\[0\]/);
    expect(problems(`${VALID}\ntargets: [{ class: x }]\n`).join('\n')).toMatch(/^targets\[0\]/);
  });

  it('rejects text that is not YAML, and YAML that is not a mapping', () => {
    expect(() => parseSpec('name: [unclosed')).toThrow(/not valid YAML/);
    expect(() => parseSpec('- just\n- a list')).toThrow(/must be a YAML mapping/);
  });

  it('rejects a model with both file and files, and duplicate names', () => {
    const p = problems(
      VALID.replace('file: m.onnx', 'file: m.onnx\n    files: { fp16: h.onnx }').replace(
        'models:\n',
        'models:\n  - { name: m, file: a.onnx }\n',
      ),
    );
    expect(p.join('\n')).toMatch(/models\[1\]: give exactly one of file or files/);
    expect(p.join('\n')).toMatch(/models\[1\]\.name: duplicate model name 'm'/);
  });

  it.each([
    ['executionMode: [sequential, turbo]', /^matrix\.executionMode\[1\]: .*"sequential"\|"parallel"/],
    ['memoryPattern: [yes]', /^matrix\.memoryPattern\[0\]: .*expected boolean/],
    ['threads: [4]', /^matrix: Unrecognized key: "threads"/],
    ['epOptions: { cuda: { device_id: 1 } }', /^matrix\.epOptions\.cuda: Unrecognized key: "device_id"/],
    [
      'epOptions: { webgpu: { preferredLayout: NHCW } }',
      /^matrix\.epOptions\.webgpu\.preferredLayout: .*"NCHW"\|"NHWC"/,
    ],
    ['epOptions: { tpu: {} }', /^matrix\.epOptions: Unrecognized key: "tpu"/],
    ["sessionConfig: { 'Bad Key': x }", /^matrix\.sessionConfig\.Bad Key: a session config key looks like/],
  ])('names a bad knob: %s', (line, expected) => {
    expect(problems(VALID.replace('batch: [1, 2]', `batch: [1, 2]\n  ${line}`))).toEqual([
      expect.stringMatching(expected),
    ]);
  });

  it('checks measure bounds against each other', () => {
    expect(problems(`${VALID}measure: { minDurationMs: 5000, maxDurationMs: 1000 }\n`)).toEqual([
      expect.stringMatching(/^measure\.maxDurationMs: must be >= measure\.minDurationMs/),
    ]);
  });

  it("checks a decoder's generate: positive lengths, a [low, high) vocabulary range, no inputs of its own", () => {
    const bad =
      (generate: string, extra = '') =>
      () =>
        parseSpec(
          `name: t\nmodels:\n  - { name: m, file: m.onnx, generate: ${generate}${extra} }\nmatrix:\n  ep: [cpu]\n  batch: [1]\n`,
        );
    expect(bad('{ promptTokens: [0], newTokens: [8], vocabRange: [0, 10] }')).toThrow(
      /models\[0\]\.generate\.promptTokens\[0\]/,
    );
    expect(bad('{ promptTokens: [8], newTokens: [], vocabRange: [0, 10] }')).toThrow(
      /models\[0\]\.generate\.newTokens/,
    );
    expect(bad('{ promptTokens: [8], newTokens: [8], vocabRange: [10, 10] }')).toThrow(
      /models\[0\]\.generate\.vocabRange: vocabRange must be \[low, high\) with low < high/,
    );
    expect(bad('{ promptTokens: [8], newTokens: [8], vocabRange: [0, 10] }', ', inputs: { x: { value: 1 } }')).toThrow(
      /models\[0\]\.inputs: a generate model takes no inputs/,
    );
  });

  it('refuses a matrix of more than 100,000 cells per target, naming the axes that make it', () => {
    const list = (n: number) => `[${Array.from({ length: n }, (_, i) => i + 1).join(', ')}]`;
    const spec = (batches: number) =>
      `name: t\nmodels:\n  - { name: a, file: a.onnx }\n  - { name: b, file: b.onnx }\nmatrix: { ep: [cpu, cuda], batch: ${list(batches)}, intraOpThreads: ${list(100)} }\n`;
    expect(matrixSize(parseSpec(spec(250)))).toEqual({
      cells: 100_000,
      axes: [
        ['models', 2],
        ['ep', 2],
        ['batch', 250],
        ['intraOpThreads', 100],
      ],
    });
    expect(() => parseSpec(spec(251))).toThrow(
      'matrix: expands to 100,400 cells per target, more than the 100,000 a run takes: models 2 × ep 2 × batch 251 × intraOpThreads 100',
    );
  });

  it('formats paths like matrix.batch[2]', () => {
    expect(formatPath(['matrix', 'batch', 2])).toBe('matrix.batch[2]');
    expect(formatPath(['models', 0, 'inputs', 'x'])).toBe('models[0].inputs.x');
  });

  it('takes a closed-loop concurrency axis, counts it in the matrix size, and names the key of a bad value', () => {
    const spec = (values: string, model = '') =>
      `name: t\nmodels:\n  - { name: a, file: a.onnx${model} }\nmatrix: { ep: [cpu], batch: [1], concurrency: ${values} }\n`;
    expect(parseSpec(VALID).matrix.concurrency).toEqual([1]);
    expect(matrixSize(parseSpec(spec('[1, 2, 4, 8]')))).toEqual({ cells: 4, axes: [['concurrency', 4]] });
    expect(problems(spec('[1, 0]'))).toEqual([expect.stringMatching(/^matrix\.concurrency\[1\]: .*>=1/)]);
    expect(problems(spec('[100000]'))).toEqual([expect.stringMatching(/^matrix\.concurrency\[0\]: .*<=64/)]);
    expect(problems(spec('[1.5]'))).toEqual([expect.stringMatching(/^matrix\.concurrency\[0\]: /)]);
    expect(problems(spec('[]'))).toEqual([expect.stringMatching(/^matrix\.concurrency: /)]);
    expect(problems(spec('[1, 2]', ', generate: { promptTokens: [8], newTokens: [4], vocabRange: [0, 10] }'))).toEqual([
      expect.stringMatching(/^matrix\.concurrency\[1\]: closed-loop concurrency is not measured for generating models/),
    ]);
  });

  it('takes a load block and names the key of each bad value', () => {
    const spec = (load: string, model = '') =>
      `name: t\nmodels:\n  - { name: a, file: a.onnx${model} }\nmatrix: { ep: [cpu], batch: [1] }\nload: ${load}\n`;
    expect(parseSpec(VALID).load).toBeUndefined();
    expect(parseSpec(spec('{ slo: p99<=30, qps: [20, 40], search: true }')).load).toEqual({
      slo: 'p99<=30',
      qps: [20, 40],
      search: true,
      durationMs: 20_000,
      seed: 1,
    });
    expect(problems(spec('{ slo: fast, qps: [10] }'))).toEqual([
      expect.stringMatching(/^load\.slo: "fast" is not a percentile bound/),
    ]);
    expect(problems(spec('{ slo: p100<=30, qps: [10] }'))).toEqual([expect.stringMatching(/^load\.slo: .*percentile/)]);
    expect(problems(spec('{ slo: p99<=0, qps: [10] }'))).toEqual([expect.stringMatching(/^load\.slo: .*above 0 ms/)]);
    expect(problems(spec('{ slo: p99<=30, qps: [10, -5] }'))).toEqual([expect.stringMatching(/^load\.qps\[1\]: .*>0/)]);
    expect(problems(spec('{ slo: p99<=30, qps: [0] }'))).toEqual([expect.stringMatching(/^load\.qps\[0\]: .*>0/)]);
    expect(problems(spec('{ search: true }'))).toEqual(['load.slo: a search needs an slo, e.g. "p99<=30"']);
    expect(problems(spec('{ slo: p99<=30 }'))).toEqual(['load.qps: give load.qps, load.search: true, or both']);
    expect(problems(spec('{ qps: [100000], durationMs: 20000 }'))).toEqual([
      expect.stringMatching(/^load\.qps\[0\]: .*more than the 1,000,000 requests/),
    ]);
    expect(problems(spec('{ slo: p99<=30, search: true, durationMs: 60000 }'))).toEqual([
      expect.stringMatching(/^load\.durationMs: 10 trials .* more than measure\.cellTimeoutMs/),
    ]);
    expect(
      problems(
        spec('{ slo: p99<=30, qps: [5] }', ', generate: { promptTokens: [8], newTokens: [4], vocabRange: [0, 10] }'),
      ),
    ).toEqual([expect.stringMatching(/^load: the open-loop scenario is not measured for generating models/)]);
  });

  it('takes the capacity example', () => {
    const text = readFileSync(new URL('../../../examples/capacity.yaml', import.meta.url), 'utf8');
    expect(parseSpec(text, 'examples/capacity.yaml').load).toMatchObject({ slo: 'p99<=20', search: true });
  });

  it('exports the committed JSON Schema', () => {
    const committed = JSON.parse(readFileSync(new URL('../spec.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(specJsonSchema());
    expect(committed.required).toEqual(expect.arrayContaining(['name', 'models', 'matrix']));
  });
});
