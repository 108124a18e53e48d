import { describe, expect, it } from 'vitest';
import { useApiFixture } from '../testing/api-fixture';
import { resultsApi } from './api';

const fx = useApiFixture(resultsApi);

describe('results API on PostgreSQL', () => {
  it('pages through a filtered query with a cursor, every result once, in order', async () => {
    const seen: number[] = [];
    let url = '/api/v1/results?hardwareClass=cpu-a,cpu-b&status=ok&sort=-recordedAt&limit=5';
    for (let pages = 0; pages < 20; pages++) {
      const { status, body } = await fx.get(url);
      expect(status).toBe(200);
      seen.push(...body.items.map((r: { id: number }) => r.id));
      if (!body.nextCursor) break;
      url = `/api/v1/results?hardwareClass=cpu-a,cpu-b&status=ok&sort=-recordedAt&limit=5&cursor=${body.nextCursor}`;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });

  it('filters and sorts by a figure', async () => {
    const { body } = await fx.get('/api/v1/results?run=run-1&hardwareClass=cpu-b&batch=4&sort=p50Ms');
    expect(body.items.map((r: { p50Ms: number }) => Math.round(r.p50Ms))).toEqual([16, 32]);
    const later = await fx.get(
      `/api/v1/results?run=run-1&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(later.body.items).toEqual([]);
  });

  it('exports a query as CSV and JSON Lines with the same rows', async () => {
    const csv = await (await fx.app.request('/api/v1/results/export?format=csv&run=run-3')).text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,runId,cellId,model,/);
    expect(lines).toHaveLength(3);
    // Quoted, and kept from being read as a spreadsheet formula.
    expect(csv).toContain(`"'=cmd(""x""), bad"`);
    const jsonl = await (await fx.app.request('/api/v1/results/export?format=jsonl&run=run-1')).text();
    expect(
      jsonl
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).runId),
    ).toEqual(Array(12).fill('run-1'));
  });
});
