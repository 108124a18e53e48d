import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '@ortfleet/core';
import { createApp } from '@ortfleet/dashboard';
import { openDatabase } from '@ortfleet/db';
import { ortfleet } from './support/cli';
import { writeDecoderModel } from './support/decoder-model';
import { freshDatabase, tempHome, temporalBinary } from './support/env';

// `ortfleet run` on a generated decoder (test/support/decoder-model.ts) as a user runs it: a subprocess with a
// real embedded Temporal dev server, a local agent, real onnxruntime-node sessions and a real PostgreSQL.
describe('ortfleet run on a decoder with a KV cache, end to end', () => {
  let databaseUrl: string;
  let result: Awaited<ReturnType<typeof ortfleet>>;

  beforeAll(async () => {
    databaseUrl = await freshDatabase();
    const home = tempHome();
    const decoder = writeDecoderModel(join(home, 'decoder.onnx'));
    const noCache = writeDecoderModel(join(home, 'no-cache.onnx'), { cache: false });
    const spec = join(home, 'spec.yaml');
    writeFileSync(
      spec,
      `name: generation
models:
  - name: tiny-llm
    file: ${decoder}
    generate: { promptTokens: [16], newTokens: [24], vocabRange: [0, 256] }
  - name: no-cache
    file: ${noCache}
    generate: { promptTokens: [16], newTokens: [24], vocabRange: [0, 256] }
matrix:
  ep: [cpu]
  batch: [1, 2]
  intraOpThreads: [1]
measure: { warmup: 2, minIterations: 10, minDurationMs: 300, maxDurationMs: 5000, cellTimeoutMs: 60000 }
`,
    );
    result = await ortfleet(['run', spec, '--json'], {
      DATABASE_URL: databaseUrl,
      ORTFLEET_HOME: home,
      ORTFLEET_TEMPORAL_BIN: temporalBinary(),
    });
  });

  it('measures the decoder, fails every cell of the model without a cache naming what is missing, and goes on', () => {
    expect(result.code, result.stderr).toBe(1);
    const summary = JSON.parse(result.stdout) as RunSummary;
    const cells = summary.cells.map((c) => ({
      model: c.params.model,
      batch: c.params.batch,
      status: c.status,
      generation: c.params.generation,
    }));
    expect(cells).toEqual(
      expect.arrayContaining([
        {
          model: 'tiny-llm',
          batch: 1,
          status: 'ok',
          generation: { promptTokens: 16, newTokens: 24, vocabRange: [0, 256] },
        },
        {
          model: 'tiny-llm',
          batch: 2,
          status: 'ok',
          generation: { promptTokens: 16, newTokens: 24, vocabRange: [0, 256] },
        },
        {
          model: 'no-cache',
          batch: 1,
          status: 'failed',
          generation: { promptTokens: 16, newTokens: 24, vocabRange: [0, 256] },
        },
        {
          model: 'no-cache',
          batch: 2,
          status: 'failed',
          generation: { promptTokens: 16, newTokens: 24, vocabRange: [0, 256] },
        },
      ]),
    );
    for (const c of summary.cells.filter((c) => c.params.model === 'no-cache'))
      expect(c.reason).toMatch(
        /does not fit generate .*missing inputs 'past_key_values.<i>.key' \/ 'past_key_values.<i>.value' \(the KV cache\)/,
      );
    const ok = summary.cells.find((c) => c.params.model === 'tiny-llm' && c.params.batch === 2)!;
    expect(ok.measurement!.generation).toMatchObject({
      promptTokens: 16,
      newTokens: 24,
      layers: 2,
      kvHeads: 4,
      headSize: 16,
      kvCache: { mode: 'cpu' },
    });
  });

  it('stores the generation figures, ranks them in latest_results, and passes token parity', async () => {
    const summary = JSON.parse(result.stdout) as RunSummary;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query(
      "select * from results where run_id = $1 and model = 'tiny-llm' order by batch",
      [summary.runId],
    );
    const latest = await client.query(
      "select batch, ttft_p50_ms, itl_p99_ms, decode_tokens_per_s from latest_results where model = 'tiny-llm' order by batch",
    );
    await client.end();
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'ok', valid: true, prompt_tokens: 16, new_tokens: 24 });
      expect(r.ttft_p50_ms).toBeGreaterThan(0);
      expect(r.ttft_p99_ms).toBeGreaterThanOrEqual(r.ttft_p50_ms);
      expect(r.itl_p99_ms).toBeGreaterThanOrEqual(r.itl_p50_ms);
      expect(r.decode_tokens_per_s).toBeGreaterThan(0);
      const g = r.generation;
      expect(g.params).toEqual({ promptTokens: 16, newTokens: 24, vocabRange: [0, 256] });
      expect(g.figures.generations).toBe(r.iterations);
      expect(g.figures.generations).toBeGreaterThanOrEqual(10);
      expect(g.figures.stepCurve).toHaveLength(23);
      expect(g.figures.tokens).toHaveLength(24);
      expect(r.parity).toMatchObject({
        ok: true,
        tokens: { compared: 24 * r.batch, agreement: 1, firstMismatch: null },
      });
      expect(r.telemetry.peakRssBytes).toBeGreaterThan(0);
      // The control ran beside the generations, one control run after each: the judge divides it out.
      expect(r.interleaved_control?.runs, JSON.stringify(r.note)).toBeGreaterThanOrEqual(10);
      expect(r.interleaved_control.ratio).toBeGreaterThan(0);
    }
    expect(latest.rows.map((l) => l.batch)).toEqual([1, 2]);
    for (const [i, l] of latest.rows.entries())
      expect(l).toMatchObject({
        ttft_p50_ms: rows[i].ttft_p50_ms,
        itl_p99_ms: rows[i].itl_p99_ms,
        decode_tokens_per_s: rows[i].decode_tokens_per_s,
      });
  });

  it('ranks them by TTFT and decode tokens/s under a TTFT budget, and draws the step curve on the result page', async () => {
    const database = await openDatabase({ databaseUrl, home: tempHome() });
    try {
      const app = createApp({ db: database.db });
      const board = (await (
        await app.request('/api/v1/leaderboard?model=tiny-llm&objective=decode_tokens_per_s&budget=ttft<=10000')
      ).json()) as {
        ranked: {
          rank: number;
          score: number;
          meetsBudget: boolean;
          result: { id: number; batch: number; decodeTokensPerS: number; ttftP99Ms: number };
        }[];
      };
      expect(board.ranked).toHaveLength(2);
      expect(board.ranked[0]!.score).toBeGreaterThanOrEqual(board.ranked[1]!.score);
      for (const r of board.ranked) expect(r).toMatchObject({ meetsBudget: true, score: r.result.decodeTokensPerS });
      const byTtft = (await (
        await app.request('/api/v1/leaderboard?model=tiny-llm&objective=ttft&budget=itl_p99<=0.001')
      ).json()) as { ranked: { meetsBudget: boolean }[]; recommendation: unknown[] };
      expect(byTtft.ranked.map((r) => r.meetsBudget)).toEqual([false, false]);
      expect(byTtft.recommendation).toEqual([]);
      const page = await (await app.request(`/results/${board.ranked[0]!.result.id}`)).text();
      expect(page).toContain('<h2>Generation</h2>');
      expect(page).toContain('Decode step latency against position');
      expect(page).toContain('KV cache: cpu');
    } finally {
      await database.close();
    }
  });
});

describe('ortfleet run on a decoder, bad input', () => {
  const home = tempHome();
  const decoder = writeDecoderModel(join(home, 'decoder.onnx'));
  const spec = (name: string, generate: string) => {
    const path = join(home, name);
    writeFileSync(
      path,
      `name: t\nmodels:\n  - { name: d, file: ${decoder}, generate: ${generate} }\nmatrix:\n  ep: [cpu]\n  batch: [1]\n`,
    );
    return path;
  };

  it.each([
    [
      'a vocabulary range beyond the logits',
      spec('vocab.yaml', '{ promptTokens: [8], newTokens: [8], vocabRange: [0, 32000] }'),
      /models\[0\]\.generate\.vocabRange: \[0, 32000\) goes beyond the model's vocabulary: its logits have 256 entries/,
    ],
    [
      'a prompt past the position limit the model states',
      spec('positions.yaml', '{ promptTokens: [16, 250], newTokens: [8], vocabRange: [0, 256] }'),
      /models\[0\]\.generate\.promptTokens\[1\]: 250 prompt tokens \+ 8 new tokens = 258 positions, more than the 256 the model takes \(max_position_embeddings\)/,
    ],
  ])('exits 2 for %s before the run starts', async (_, path, message) => {
    const res = await ortfleet(['run', path], { ORTFLEET_HOME: home });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(existsSync(join(home, 'temporal.db'))).toBe(false);
  });
});
