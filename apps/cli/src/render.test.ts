import { describe, expect, it } from 'vitest';
import { cellId, summarize, type CellParams, type CellResult, type RunSummary } from '@ortfleet/core';
import { renderSummary } from './render';

const params: CellParams = {
  model: 'tiny-llm',
  hardwareClass: 'x86',
  ep: 'cpu',
  precision: 'fp32',
  batch: 1,
  graphOptimization: 'all',
  intraOpThreads: 1,
  interOpThreads: 0,
  executionMode: 'sequential',
  memoryPattern: true,
  cpuArena: true,
  generation: { promptTokens: 128, newTokens: 64, vocabRange: [0, 32000] },
};

function generated(ttft: number, batch: number): CellResult {
  const p = { ...params, batch };
  const stats = summarize([ttft * 10, ttft * 11]);
  return {
    cellId: cellId(p),
    params: p,
    status: 'ok',
    parity: {
      reference: 'fp32 cpu',
      outputs: [],
      maxAbsError: 0,
      meanRelError: 0,
      cosine: 1,
      nonFinite: 0,
      ok: true,
      tokens: { compared: 64, agreement: 1, firstMismatch: null },
    },
    measurement: {
      sessionCreateMs: 5,
      firstInferenceMs: ttft,
      warmupIterations: 2,
      iterations: 2,
      durationMs: 50,
      throughput: 40,
      stats,
      histogram: { growth: 1.01, counts: {} },
      windows: [],
      unstable: false,
      samplesMs: [],
      generation: {
        promptTokens: 128,
        newTokens: 64,
        layers: 2,
        kvHeads: 4,
        headSize: 16,
        generations: 2,
        ttft: summarize([ttft, ttft]),
        itl: summarize([0.5, 0.7]),
        e2e: stats,
        prefillTokensPerS: (batch * 128) / (ttft / 1000),
        decodeTokensPerS: 1500,
        stepCurve: [],
        kvCache: { mode: 'cpu', note: '' },
        tokens: [],
      },
    },
  };
}

describe('renderSummary', () => {
  it("shows a decoder's cells by time to first token, with inter-token latency and tokens/s", () => {
    const failed: CellResult = {
      cellId: 'f',
      params: { ...params, model: 'no-cache' },
      status: 'failed',
      reason: 'the model does not fit generate',
    };
    const summary: RunSummary = {
      runId: 'r',
      name: 'n',
      status: 'completed_with_failures',
      startedAt: '',
      finishedAt: '',
      fleetEps: ['cpu'],
      total: 3,
      byStatus: {},
      cells: [generated(9, 2), generated(4, 1), failed],
    };
    const text = renderSummary(summary);
    expect(text).toContain('tiny-llm: 2 generation configurations, lowest time to first token first');
    const rows = text.split('\n').filter((l) => /^\s*\d+\s+x86/.test(l));
    expect(rows.map((l) => l.trim().split(/\s+/).slice(0, 9))).toEqual([
      ['1', 'x86', 'cpu', 'fp32', '1', '1', '128', '64', '4.00'],
      ['2', 'x86', 'cpu', 'fp32', '2', '1', '128', '64', '9.00'],
    ]);
    expect(text).toContain(
      'no-cache: cpu fp32, batch 1, 1 intra-op threads, optimization all, sequential, prompt 128 + 64 new tokens',
    );
  });

  it('adds the closed-loop columns (concurrency, requests in flight, requests/s) only when some cell ran above 1', () => {
    const single: CellParams = {
      model: 'cls',
      hardwareClass: 'x86',
      ep: 'cpu',
      precision: 'fp32',
      batch: 1,
      graphOptimization: 'all',
      intraOpThreads: 1,
      interOpThreads: 0,
      executionMode: 'sequential',
      memoryPattern: true,
      cpuArena: true,
    };
    const stats = summarize([2, 2.2, 2.4]);
    const cell = (concurrency: number, requestsPerS: number): CellResult => {
      const p: CellParams = concurrency > 1 ? { ...single, concurrency } : single;
      return {
        cellId: cellId(p),
        params: p,
        status: 'ok',
        measurement: {
          sessionCreateMs: 5,
          firstInferenceMs: 3,
          warmupIterations: 2,
          iterations: requestsPerS,
          durationMs: 1000,
          throughput: requestsPerS,
          stats,
          histogram: { growth: 1.01, counts: {} },
          windows: [],
          unstable: false,
          samplesMs: [],
          ...(concurrency > 1 && {
            concurrency: {
              requested: concurrency,
              mode: 'worker-sessions' as const,
              meanInFlight: concurrency - 0.04,
              requestsPerS,
            },
          }),
        },
      };
    };
    const summary = (cells: CellResult[]): RunSummary => ({
      runId: 'r',
      name: 'n',
      status: 'completed',
      startedAt: '',
      finishedAt: '',
      fleetEps: ['cpu'],
      total: cells.length,
      byStatus: {},
      cells,
    });
    const text = renderSummary(summary([cell(1, 400), cell(2, 700)]));
    expect(text).toMatch(/knobs\s+conc\s+in flight\s+req\/s\s+p50/);
    const rows = text
      .split('\n')
      .filter((l) => /^\s*\d+\s+x86/.test(l))
      .map((l) => l.trim().split(/\s+/).slice(8, 11));
    expect(rows.sort()).toEqual([
      ['1', '1.00', '400.0'],
      ['2', '1.96', '700.0'],
    ]);
    expect(renderSummary(summary([cell(1, 400)]))).not.toContain('in flight');
  });
});
