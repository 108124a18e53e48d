import { describe, expect, it } from 'vitest';
import { applyConfirmation, judgePairs } from '@ortfleet/core';
import { recordConfirmation, recordJudgement } from '@ortfleet/db';
import { historyPages } from '../history/page';
import { resultsApi } from '../results/api';
import { useApiFixture } from '../testing/api-fixture';
import { regressionsApi } from './api';
import { regressionsPages } from './page';

// Judged results are found through the results API; the judgement shows on this feature's page and on the history page.
const fx = useApiFixture(regressionsApi, regressionsPages, resultsApi, historyPages);

describe('regressions API', () => {
  it('lists judged regressions newest first, and other verdicts on request', async () => {
    const { db } = fx.database;
    const { body: results } = await fx.get('/api/v1/results?run=run-2&hardwareClass=cpu-b&limit=2');
    const at = (r: { id: number; cellId: string }) => ({
      resultId: r.id,
      runId: 'run-2',
      cellId: r.cellId,
      model: 'det',
      hardwareClass: 'cpu-b',
    });
    const judgement = {
      verdict: 'regression' as const,
      confirmed: false,
      ratio: 1.2,
      threshold: 0.05,
      interval: { low: 1.15, high: 1.25 },
      pValue: 1e-9,
      baseline: { resultIds: [1], p50Ms: 8, from: 'a', to: 'b' },
      step: null,
      drift: [{ field: 'onnxruntimeVersion', baseline: '1.29.0', now: '1.30.0' }],
      reasons: [],
    };
    await recordJudgement(db, at(results.items[0]), judgement);
    // The night's model file changed, and the same-night A/B confirmed the step.
    const pairs = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => ({ order: 'AB' as const, aP50Ms: 8, bP50Ms: 9.5 + i / 100 }));
    const confirmation = judgePairs(pairs, 0.05, 'agent-7', 'b'.repeat(64));
    const confirmed = applyConfirmation(judgement, confirmation, { resultId: results.items[0].id, recordedAt: 'c' });
    await recordConfirmation(db, results.items[0].id, confirmed, confirmation);
    // A drift-normalized night: the raw change was the machine's.
    const normalized = { source: 'night' as const, rawRatio: 1.3, controlRatio: 1.3 };
    await recordJudgement(db, at(results.items[1]), {
      ...judgement,
      verdict: 'unchanged',
      ratio: 1,
      control: normalized,
      drift: [],
    });
    const regressions = await fx.get('/api/v1/regressions');
    expect(regressions.body.items.map((j: { verdict: string; ratio: number }) => [j.verdict, j.ratio])).toEqual([
      ['regression', 1.2],
    ]);
    const both = await fx.get('/api/v1/regressions?verdict=regression,unchanged&hardwareClass=cpu-b');
    expect(both.body.items.map((j: { verdict: string }) => j.verdict)).toEqual(['unchanged', 'regression']);
    expect(both.body.items[0]).toMatchObject({ controlSource: 'night', rawRatio: 1.3, controlRatio: 1.3 });
    expect(both.body.items[1]).toMatchObject({ controlSource: null, rawRatio: null, controlRatio: null });
    const unchanged = await (await fx.app.request('/regressions?verdict=unchanged')).text();
    expect(unchanged).toContain('<td>raw +30.0%, control +30.0%</td>');
    expect((await fx.get('/api/v1/regressions?verdict=worse')).body.message).toMatch(/parameter 'verdict\[0\]'/);
    const page = await (await fx.app.request('/regressions')).text();
    expect(page).toContain('det on cpu-b');
    expect(page).toContain('regression (confirmed) · A/B confirmed: +19.3%, 8 of 8 pairs slower');
    expect(regressions.body.items[0]).toMatchObject({
      confirmed: true,
      confirmation: { outcome: 'confirmed', agentId: 'agent-7', slower: 8, pairs },
    });
    expect(page).toContain('onnxruntimeVersion 1.29.0 → 1.30.0');
    // The history page marks the judged night on its chart and in its table.
    const history = await (await fx.app.request(`/history?cell=${results.items[0].cellId}`)).text();
    const data = JSON.parse(
      /<script type="application\/json" id="chart-history">(.*?)<\/script>/s.exec(history)![1]!,
    ) as { data: { datasets: { label: string; data: (number | null)[] }[] } };
    expect(data.data.datasets.find((d) => d.label === 'regression')!.data.filter((v) => v !== null)).toHaveLength(1);
    expect(history).toContain('<span class="flag">regression (confirmed)</span>');
  });
});
