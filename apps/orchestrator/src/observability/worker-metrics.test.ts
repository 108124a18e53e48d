import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@ortfleet/core';
import { waitFor } from '../../../../test/support/wait';
import { OPEN_RUNS_QUERY, watchRunsInFlight, type WorkerMetrics } from './worker-metrics';

describe('watchRunsInFlight', () => {
  it("sets the gauge from visibility's count of open runs, and warns once while counting fails", async () => {
    const answers: (number | Error)[] = [2, new Error('visibility unavailable'), new Error('still unavailable'), 0];
    const queries: string[] = [];
    const client = {
      workflow: {
        count: async (query: string) => {
          queries.push(query);
          const next = answers.length > 1 ? answers.shift()! : answers[0]!;
          if (next instanceof Error) throw next;
          return { count: next, groups: [] };
        },
      },
    } as unknown as Client;
    const seen: number[] = [];
    const metrics: WorkerMetrics = { persisted: () => {}, runsInFlight: (n) => seen.push(n) };
    const lines: string[] = [];
    const stop = watchRunsInFlight(
      client,
      metrics,
      createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l) }),
      10,
    );
    await waitFor('the gauge to come back to 0', () => seen.at(-1) === 0 && seen.length >= 2, 5_000);
    await stop();
    expect(seen.slice(0, 2)).toEqual([2, 0]);
    expect(new Set(queries)).toEqual(new Set([OPEN_RUNS_QUERY]));
    expect(lines.map((l) => JSON.parse(l) as { level: string; msg: string })).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'cannot count open runs for ortfleet_worker_runs_in_flight' }),
    ]);
  });
});
