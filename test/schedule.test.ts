import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer } from '../apps/orchestrator/src/dev-server';
import type { ScheduleListItem, ScheduleView } from '../apps/orchestrator/src/schedules/describe';
import { ortfleet, startDaemon, type Daemon } from './support/cli';
import { OCR_MODELS } from './support/env';
import { startTestStack } from './support/stack';
import { waitFor } from './support/wait';

// Schedules live on a Temporal server of their own here, as in a deployment: `ortfleet schedule` talks to it
// through TEMPORAL_ADDRESS, and a separate `ortfleet worker` and `ortfleet agent` do the scheduled runs.
describe('ortfleet schedule against a running Temporal', () => {
  let server: DevServer;
  let env: Record<string, string>;
  let spec: string;
  let db: pg.Client;
  const daemons: Daemon[] = [];

  function daemon(name: string, args: string[], extra: Record<string, string> = {}) {
    const started = startDaemon(name, args, { ...env, ...extra });
    daemons.push(started);
    return started;
  }

  const schedule = (args: string[], extra: Record<string, string> = {}) =>
    ortfleet(['schedule', ...args], { ...env, ...extra });
  const describeJson = async (name: string) => {
    const res = await schedule(['describe', name, '--json']);
    expect(res.code, res.stderr).toBe(0);
    return JSON.parse(res.stdout) as ScheduleView;
  };
  const listJson = async () => {
    const res = await schedule(['list', '--json']);
    expect(res.code, res.stderr).toBe(0);
    return JSON.parse(res.stdout) as ScheduleListItem[];
  };

  beforeAll(async () => {
    let home: string;
    ({ server, env, home } = await startTestStack());
    spec = join(home, 'nightly.yaml');
    // A run long enough (a 10 s timed loop) that a second trigger surely comes while it is still going.
    writeFileSync(
      spec,
      `name: ocr-nightly
models:
  - name: ppocr-cls
    file: ${join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx')}
    inputs: { x: { shape: [batch, 3, 48, 192] } }
matrix: { ep: [cpu], batch: [1], intraOpThreads: [1] }
measure: { warmup: 2, minIterations: 20, minDurationMs: 10000, maxDurationMs: 20000, cellTimeoutMs: 60000, profileIterations: 2 }
`,
    );
    // The worker and the agent start now; the agent's probe takes a while and only the trigger test needs it.
    daemon('worker', ['worker']);
    daemon('agent', ['agent', '--id', 'schedule-agent-1'], { DATABASE_URL: '' });
    db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    for (const d of daemons) if (d.child.exitCode === null) d.child.kill('SIGKILL');
    await server?.stop();
  });

  it('refuses bad input with exit 2 and a message naming the problem, creating nothing', async () => {
    const badSpec = join(env.ORTFLEET_HOME!, 'bad.yaml');
    writeFileSync(
      badSpec,
      `name: bad\nmodels: [{ name: m, file: ${join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx')} }]\nmatrix: { batch: [0] }\n`,
    );
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ['list'],
        { TEMPORAL_ADDRESS: '' },
        /TEMPORAL_ADDRESS is not set: a schedule lives on a running Temporal server/,
      ],
      [
        ['create', 'bad', '--cron', '61 2 * * *', spec],
        {},
        /invalid --cron '61 2 \* \* \*': minute 61 is out of range 0-59/,
      ],
      [
        ['create', 'bad', '--cron', '0 2 * * *', '--timezone', 'Mars/Base', spec],
        {},
        /invalid --timezone 'Mars\/Base'/,
      ],
      [
        ['create', 'bad', '--cron', '0 2 * * *', '--catchup-window', 'soon', spec],
        {},
        /invalid --catchup-window 'soon'/,
      ],
      [['create', 'bad', '--cron', '0 2 * * *', badSpec], {}, /matrix\.batch\[0\]/],
      [['create', 'bad', spec], {}, /schedule create needs --cron/],
      [['create', 'bad name', '--cron', '0 2 * * *', spec], {}, /invalid schedule name 'bad name'/],
      [['describe', 'nope'], {}, /no schedule nope/],
      [['pause', 'nope'], {}, /no schedule nope/],
      [['trigger', 'nope'], {}, /no schedule nope/],
      [['delete', 'nope'], {}, /no schedule nope/],
      [['list', '--cron', '0 2 * * *'], {}, /--cron does not apply to schedule list/],
    ];
    for (const [args, extra, message] of cases) {
      const res = await schedule(args, extra);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr, args.join(' ')).toMatch(message);
    }
    expect(await listJson()).toEqual([]);
  }, 240_000);

  it('creates a schedule, updates it when created again, lists it, pauses and unpauses it', async () => {
    const created = await schedule(['create', 'nightly', '--cron', '0 2 * * *', '--timezone', 'UTC', spec]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(
      /^created schedule nightly \(Temporal schedule ortfleet-nightly\): 0 2 \* \* \* in UTC, catch-up window 1h, overlap SKIP; next run \S+T02:00:00\.000Z/,
    );
    const first = await describeJson('nightly');
    expect(first).toMatchObject({
      scheduleId: 'ortfleet-nightly',
      specName: 'ocr-nightly',
      specFile: spec,
      models: { 'ppocr-cls': { fp32: join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx') } },
      cron: ['0 2 * * *'],
      timezone: 'UTC',
      overlap: 'SKIP',
      catchupWindow: '1h',
      paused: false,
      recentRuns: [],
    });
    expect(first.nextRuns).toHaveLength(3);
    for (const t of first.nextRuns) expect(t).toMatch(/T02:00:00\.000Z$/);

    const updated = await schedule([
      'create',
      'nightly',
      '--cron',
      '30 3 * * 1-5',
      '--timezone',
      'Europe/Paris',
      '--catchup-window',
      '30m',
      spec,
    ]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toMatch(/^updated schedule nightly/);
    expect(await describeJson('nightly')).toMatchObject({
      cron: ['30 3 * * 1-5'],
      timezone: 'Europe/Paris',
      catchupWindow: '30m',
      overlap: 'SKIP',
      paused: false,
    });
    const text = await schedule(['describe', 'nightly']);
    expect(text.stdout).toMatch(/cron +30 3 \* \* 1-5 in Europe\/Paris/);
    expect(text.stdout).toMatch(/overlap +SKIP \(a time that comes while the previous run is still going is skipped\)/);

    // Temporal lists schedules from its visibility store, a moment behind the write.
    const listed = await waitFor('the schedule in the list', async () =>
      (await listJson()).find((s) => s.name === 'nightly'),
    );
    expect(listed).toMatchObject({
      cron: ['30 3 * * 1-5'],
      timezone: 'Europe/Paris',
      paused: false,
      lastRun: null,
      nextRun: expect.stringMatching(/T0[12]:30:00\.000Z$/),
    });

    const paused = await schedule(['pause', 'nightly', '--note', 'agents are being upgraded']);
    expect(paused.code, paused.stderr).toBe(0);
    expect(await describeJson('nightly')).toMatchObject({ paused: true, note: 'agents are being upgraded' });
    expect((await listJson()).find((s) => s.name === 'nightly')).toMatchObject({ paused: true });
    expect((await schedule(['list'])).stdout).toMatch(/nightly +30 3 \* \* 1-5 +Europe\/Paris +paused/);
    expect((await schedule(['unpause', 'nightly'])).code).toBe(0);
    expect(await describeJson('nightly')).toMatchObject({ paused: false });
  });

  it('runs a triggered run tagged with its schedule, and skips a trigger while that run is still going', async () => {
    await waitFor(
      'the agent to register',
      async () =>
        (await db.query("select id from agents where id = 'schedule-agent-1'").catch(() => ({ rows: [] }))).rows
          .length === 1,
      120_000,
    );
    const triggered = await schedule(['trigger', 'nightly']);
    expect(triggered.code, triggered.stderr).toBe(0);
    const runId = /^triggered schedule nightly: run (\S+) started$/m.exec(triggered.stdout)?.[1];
    // Temporal names a scheduled workflow `<prefix>-<RFC 3339 time>`; the run id drops the ':' of the time.
    expect(runId).toMatch(/^nightly-\d{4}-\d\d-\d\dT\d{6}Z$/);

    const again = await schedule(['trigger', 'nightly']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(
      `triggered schedule nightly: skipped, run ${runId} is still going (overlap policy SKIP)`,
    );
    const during = await describeJson('nightly');
    expect(during.recentRuns.map((r) => r.runId)).toEqual([runId]);
    expect(during.recentRuns[0]!.workflowId).toMatch(/^nightly-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(during.skippedForOverlap).toBe(1);

    const run = await waitFor(
      'the scheduled run to finish',
      async () => {
        const { rows } = await db.query<{ status: string; schedule: string | null; name: string }>(
          'select status, schedule, name from runs where id = $1',
          [runId],
        );
        return rows[0]?.status !== 'running' && rows[0];
      },
      150_000,
    );
    expect(run, daemons.map((d) => `${d.name}: ${d.stderr}`).join('\n')).toEqual({
      status: 'completed',
      schedule: 'nightly',
      name: 'ocr-nightly',
    });
    const { rows: results } = await db.query<{ status: string; agent_id: string }>(
      'select status, agent_id from results where run_id = $1',
      [runId],
    );
    expect(results).toEqual([{ status: 'ok', agent_id: 'schedule-agent-1' }]);

    await waitFor(
      'Temporal to report the run completed',
      async () => (await describeJson('nightly')).recentRuns[0]?.status === 'completed',
    );
    expect((await listJson()).find((s) => s.name === 'nightly')?.lastRun).toMatchObject({ runId, status: 'completed' });
  }, 300_000);

  it('deletes a schedule, after which its name is unknown and its runs stay', async () => {
    const deleted = await schedule(['delete', 'nightly']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/deleted schedule nightly/);
    const gone = await schedule(['describe', 'nightly']);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/no schedule nightly/);
    await waitFor('the list to drop the schedule', async () => !(await listJson()).some((s) => s.name === 'nightly'));
    const { rows } = await db.query("select id from runs where schedule = 'nightly'");
    expect(rows).toHaveLength(1);
  });
});
