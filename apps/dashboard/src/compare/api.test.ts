import { describe, expect, it } from 'vitest';
import { useApiFixture } from '../testing/api-fixture';
import { compareApi } from './api';

const fx = useApiFixture(compareApi);

describe('compare API', () => {
  it('compares two runs cell by cell and says which differences are significant', async () => {
    const { body } = await fx.get('/api/v1/compare?runA=run-1&runB=run-2');
    expect(body.rows).toHaveLength(12);
    const verdicts = body.rows.map(
      (r: { candidate: { hardwareClass: string }; comparison: { verdict: string; significant: boolean } }) =>
        `${r.candidate.hardwareClass}:${r.comparison.verdict}`,
    );
    expect(verdicts.filter((v: string) => v === 'cpu-b:slower')).toHaveLength(6);
    expect(verdicts.filter((v: string) => v === 'cpu-a:same')).toHaveLength(6);
    const classes = await fx.get('/api/v1/compare?model=det&classA=cpu-a&classB=cpu-b');
    expect(classes.body.rows.length).toBeGreaterThanOrEqual(6);
  });
});
