import { describe, expect, it } from 'vitest';
import { parsePrometheus, sampleSum, sampleValue } from './prometheus';

const GOOD = `# HELP cells_total Cells run
# TYPE cells_total counter
cells_total{status="ok",ep="cpu"} 2
cells_total{status="failed",ep="cpu"} 1
# a comment
# HELP duration_seconds How long
# TYPE duration_seconds histogram
duration_seconds_bucket{status="ok",le="1"} 1
duration_seconds_bucket{status="ok",le="5"} 2
duration_seconds_bucket{status="ok",le="+Inf"} 2
duration_seconds_sum{status="ok"} 3.5
duration_seconds_count{status="ok"} 2
# TYPE running gauge
running{note="say \\"hi\\"\\n"} -1 1700000000000
untyped_thing 1e3
`;

describe('parsePrometheus', () => {
  it('reads families, their help, type and samples, and label escapes', () => {
    const families = parsePrometheus(GOOD);
    expect([...families.keys()]).toEqual(['cells_total', 'duration_seconds', 'running', 'untyped_thing']);
    expect(families.get('cells_total')).toMatchObject({ type: 'counter', help: 'Cells run' });
    expect(sampleValue(families, 'cells_total', { status: 'ok' })).toBe(2);
    expect(sampleSum(families, 'cells_total')).toBe(3);
    expect(sampleValue(families, 'duration_seconds_count', { status: 'ok' })).toBe(2);
    expect(families.get('running')!.samples[0]).toEqual({ name: 'running', labels: { note: 'say "hi"\n' }, value: -1 });
    expect(sampleValue(families, 'untyped_thing')).toBe(1000);
    expect(sampleValue(families, 'nothing')).toBeUndefined();
  });

  it.each([
    ['no final newline', 'a 1'],
    ['a blank line', 'a 1\n\nb 2\n'],
    ['a bad metric name', '1a 1\n'],
    ['a bad value', 'a one\n'],
    ['an unquoted label', 'a{x=1} 1\n'],
    ['a bad escape', 'a{x="\\t"} 1\n'],
    ['an unterminated label', 'a{x="1} 1\n'],
    ['a label given twice', 'a{x="1",x="2"} 1\n'],
    ['a series given twice', 'a{x="1"} 1\na{x="1"} 2\n'],
    ['a second TYPE', '# TYPE a gauge\n# TYPE a gauge\na 1\n'],
    ['a TYPE after samples', 'a 1\n# TYPE a gauge\n'],
    ['an unknown type', '# TYPE a meter\na 1\n'],
    ['a second HELP', '# HELP a x\n# HELP a y\na 1\n'],
    ['a family split apart', '# TYPE a gauge\na{x="1"} 1\n# TYPE b gauge\nb 1\na{x="2"} 1\n'],
    ['a negative counter', '# TYPE a counter\na -1\n'],
    ['a histogram bucket without le', '# TYPE h histogram\nh_bucket 1\nh_sum 1\nh_count 1\n'],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['falling buckets', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['+Inf unlike count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n'],
    ['a histogram without count', '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 1\n'],
  ])('rejects %s', (_, text) => {
    expect(() => parsePrometheus(text)).toThrow();
  });
});
