import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORCHESTRATOR_QUEUE, silentLogger, type Judgement } from '@ortfleet/core';
import { freshDatabase, tempHome, temporalBinary } from './support/env';
import { startStack, type Stack } from '@ortfleet/cli';
import type { RunAlert } from '../apps/orchestrator/src/judging/alert-message';
import { sendAlerts } from '../apps/orchestrator/src/workflows';

// Webhooks on a local HTTP server, the alert workflow on a real Temporal dev server and orchestrator worker.
let stack: Stack;
let server: Server;
let base: string;
const received: Record<string, unknown[]> = { flaky: [], slack: [], gone: [] };
let flakyFailures = 2;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const hook = req.url!.slice(1);
      if (hook === 'flaky' && flakyFailures-- > 0) return res.writeHead(503).end();
      if (hook === 'gone') return res.writeHead(404).end();
      received[hook]!.push(JSON.parse(body));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  stack = await startStack(
    {
      DATABASE_URL: await freshDatabase(),
      TEMPORAL_NAMESPACE: 'default',
      ORTFLEET_HOME: tempHome(),
      ORTFLEET_TEMPORAL_BIN: temporalBinary(),
    },
    { worker: true },
    silentLogger,
  );
});

afterAll(async () => {
  await stack?.close();
  server?.close();
});

const judgement: Judgement = {
  verdict: 'regression',
  confirmed: true,
  ratio: 1.2,
  threshold: 0.05,
  interval: { low: 1.15, high: 1.26 },
  pValue: 3e-12,
  baseline: { resultIds: [7], p50Ms: 10, from: '2026-11-14', to: '2026-11-20' },
  step: { since: { resultId: 8, recordedAt: '2026-11-20' }, nights: 2 },
  drift: [{ field: 'onnxruntimeVersion', baseline: '1.29.0', now: '1.30.0' }],
  reasons: [],
};
const alert: RunAlert = {
  runId: 'nightly-20261121T020000Z',
  schedule: 'nightly',
  dashboardUrl: 'https://ortfleet.example/',
  regressions: [
    {
      resultId: 9,
      cellId: 'c0ffee',
      label: 'ppocr-det on amd-epyc: cpu fp32 batch 1, 1 threads, all',
      judgement,
      baselineRunId: 'nightly-20261120T020000Z',
    },
  ],
};

describe('sendAlerts', () => {
  it('posts one message per webhook, retries a webhook that is down, and gives up on one that is gone', async () => {
    const outcome = await stack.temporal.client.workflow.execute(sendAlerts, {
      taskQueue: ORCHESTRATOR_QUEUE,
      workflowId: `alerts-${Date.now()}`,
      args: [
        [
          { url: `${base}/flaky`, format: 'json' },
          { url: `${base}/slack`, format: 'slack' },
          { url: `${base}/gone`, format: 'json' },
        ],
        alert,
      ],
    });
    expect(outcome).toEqual([
      expect.stringMatching(/: sent$/),
      expect.stringMatching(/: sent$/),
      expect.stringMatching(/: failed$/),
    ]);
    expect(flakyFailures).toBe(-1);
    expect(received.flaky).toEqual([
      expect.objectContaining({
        runId: alert.runId,
        regressions: [
          expect.objectContaining({
            series: alert.regressions[0]!.label,
            ratio: 1.2,
            interval: { low: 1.15, high: 1.26 },
            links: expect.objectContaining({
              compare: 'https://ortfleet.example/compare?runA=nightly-20261120T020000Z&runB=nightly-20261121T020000Z',
            }),
          }),
        ],
      }),
    ]);
    const { text } = received.slack![0] as { text: string };
    expect(text).toContain('ortfleet: 1 regression in run nightly-20261121T020000Z (schedule nightly)');
    expect(text).toContain(
      'ppocr-det on amd-epyc: cpu fp32 batch 1, 1 threads, all: p50 +20.0% (99% interval +15.0% to +26.0%, p=3.0e-12), confirmed.',
    );
    expect(text).toContain('onnxruntimeVersion 1.29.0 → 1.30.0');
    expect(received.gone).toEqual([]);
  });
});
