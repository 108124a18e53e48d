import { describe, expect, it } from 'vitest';
import { compareRuns } from '@ortfleet/db';
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
    expect(body.method).toBe('judge');
    const classes = await fx.get('/api/v1/compare?model=det&classA=cpu-a&classB=cpu-b');
    expect(classes.body.rows.length).toBeGreaterThanOrEqual(6);
    expect(classes.body.method).toBe('intervals');
  });

  it('judges two runs as `ortfleet compare` does: a regression there is slower here, unchanged is the same', async () => {
    const { body } = await fx.get('/api/v1/compare?runA=run-1&runB=run-2');
    const judged = await compareRuns(fx.database.db, 'run-1', 'run-2');
    const words = { regression: 'slower', improvement: 'faster', unchanged: 'same' } as Record<string, string>;
    const expected = Object.fromEntries(judged.map((c) => [c.cellId, words[c.judgement!.verdict] ?? 'not comparable']));
    const shown = Object.fromEntries(
      body.rows.map((r: { candidate: { cellId: string }; comparison: { verdict: string } }) => [
        r.candidate.cellId,
        r.comparison.verdict,
      ]),
    );
    expect(shown).toEqual(expected);
    expect(Object.values(expected)).toContain('slower');
  });
});
