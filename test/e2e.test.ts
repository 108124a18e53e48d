import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '@ortfleet/core';
import { ortfleet } from './support/cli';
import { writeTestModels } from './support/models';
import { freshDatabase, OCR_MODELS, tempHome, temporalBinary } from './support/env';

// `ortfleet run` as a user runs it: a subprocess with a real embedded Temporal dev server, a local agent,
// real PaddleOCR models, and results in a real PostgreSQL.
describe('ortfleet run, end to end', () => {
  let databaseUrl: string;
  let home: string;
  let result: Awaited<ReturnType<typeof ortfleet>>;

  beforeAll(async () => {
    databaseUrl = await freshDatabase();
    home = tempHome();
    // minIterations 30: three windows of 10 latencies each, however slow a busy machine makes the loop.
    const spec = join(home, 'spec.yaml');
    writeFileSync(
      spec,
      `name: e2e
models:
  - name: ppocr-det
    file: ${join(OCR_MODELS, 'ch_PP-OCRv4_det_infer.onnx')}
    inputs:
      x: { shape: [batch, 3, 160, 160] }
matrix:
  ep: [cpu]
  batch: [1, 2]
  intraOpThreads: [1]
measure: { warmup: 2, minIterations: 30, minDurationMs: 500, maxDurationMs: 5000, cellTimeoutMs: 60000 }
`,
    );
    result = await ortfleet(['run', spec, '--json'], {
      DATABASE_URL: databaseUrl,
      ORTFLEET_HOME: home,
      ORTFLEET_TEMPORAL_BIN: temporalBinary(),
    });
  });

  it('exits 0 and prints only the run summary as JSON', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as RunSummary;
    expect(summary.cells.map((c) => [c.params.batch, c.status])).toEqual([
      [1, 'ok'],
      [2, 'ok'],
    ]);
  });

  it('leaves one sane row per cell in Postgres', async () => {
    const summary = JSON.parse(result.stdout) as RunSummary;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query('select * from results where run_id = $1 order by batch', [summary.runId]);
    const run = await client.query('select status from runs where id = $1', [summary.runId]);
    await client.end();
    expect(run.rows).toEqual([{ status: 'completed' }]);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.status).toBe('ok');
      expect(r.model_sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(r.p50_ms).toBeLessThanOrEqual(r.p99_ms);
      expect(r.iterations).toBeGreaterThanOrEqual(30);
      expect(r.duration_ms).toBeGreaterThanOrEqual(500);
      // items/s agrees with the latencies: batch / mean latency, less the loop's own small overhead
      const fromLatency = (r.batch * 1000) / r.mean_ms;
      expect(r.throughput).toBeLessThanOrEqual(fromLatency);
      expect(r.throughput).toBeGreaterThan(0.8 * fromLatency);
      // The figures that explain a result travel with it to the database.
      expect(r).toMatchObject({
        valid: true,
        execution_mode: 'sequential',
        inter_op_threads: 0,
        memory_pattern: true,
        cpu_arena: true,
      });
      expect(r.session_options).toMatchObject({
        intraOpNumThreads: 1,
        enableProfiling: false,
        executionMode: 'sequential',
      });
      expect(r.parity).toMatchObject({ reference: 'fp32 cpu', ok: true, cosine: 1 });
      expect(r.profile.byProvider).toEqual([
        expect.objectContaining({ provider: 'CPUExecutionProvider', nodeShare: 1 }),
      ]);
      expect(r.achieved_gflops).toBeGreaterThan(0);
      expect(r.telemetry.peakRssBytes).toBeGreaterThan(0);
      expect(r.windows).toHaveLength(3);
      expect(r.model_facts.operators.Conv).toBeGreaterThan(10);
      expect(r.provenance).toMatchObject({
        ortfleetVersion: expect.any(String),
        onnxruntimeVersion: '1.30.0',
        nodeVersion: process.versions.node,
      });
      expect(r.provenance.ortfleetCommit).toMatch(/^[0-9a-f]{40}$/);
    }
  });
});

describe('ortfleet run, bad input', () => {
  const home = tempHome();
  const write = (name: string, text: string) => {
    const path = join(home, name);
    writeFileSync(path, text);
    return path;
  };
  const good = 'name: t\nmodels:\n  - { name: m, file: m.onnx }\nmatrix:\n  ep: [cpu]\n  batch: [1, 2, 4]\n';

  it.each([
    ['a spec that is not YAML', write('bad-yaml.yaml', 'name: [unclosed\n'), /is not valid YAML/],
    ['a spec missing a key', write('no-matrix.yaml', 'name: t\nmodels:\n  - { name: m, file: m.onnx }\n'), /matrix: /],
    [
      'a spec with a wrong value',
      write('bad-batch.yaml', good.replace('[1, 2, 4]', '[1, 2, zero]')),
      /matrix\.batch\[2\]: .*number/,
    ],
    ['a spec file that does not exist', join(home, 'nope.yaml'), /cannot read spec file .*ENOENT/],
    [
      'an unknown knob value',
      write('bad-mode.yaml', good.replace('batch: [1, 2, 4]', 'batch: [1]\n  executionMode: [turbo]')),
      /matrix\.executionMode\[0\]: .*"sequential"\|"parallel"/,
    ],
    [
      'an option the EP does not take',
      write('bad-ep-option.yaml', good.replace('batch: [1, 2, 4]', 'batch: [1]\n  epOptions: { cuda: { gpu: 1 } }')),
      /matrix\.epOptions\.cuda: Unrecognized key: "gpu"/,
    ],
    [
      'a free dimension the model does not have',
      write(
        'bad-free-dim.yaml',
        `name: t\nmodels:\n  - { name: m, file: ${join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx')}, freeDimensions: { seq: 8 } }\nmatrix:\n  ep: [cpu]\n  batch: [1]\n`,
      ),
      /models\[0\]\.freeDimensions\.seq: the model has no input dimension named 'seq' \(its named dimensions: p2o\.DynamicDimension\.0/,
    ],
  ])('exits 2 for %s, naming the problem, and starts nothing', async (_, path, message) => {
    const res = await ortfleet(['run', path], { ORTFLEET_HOME: home });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).not.toMatch(/starting embedded Temporal/);
    expect(existsSync(join(home, 'temporal.db'))).toBe(false);
  });

  it('exits 2 naming model files that are not ONNX at all, before the model store or Temporal is contacted', async () => {
    const models = writeTestModels(home);
    const spec = write(
      'not-onnx.yaml',
      `name: t\nmodels:\n  - { name: good, file: ${models.add} }\n  - { name: empty, file: ${models.empty} }\n  - { name: text, file: ${models.notOnnx} }\nmatrix:\n  ep: [cpu]\n  batch: [1]\n`,
    );
    // An unreachable store: a refusal that came from the store would say it cannot reach it.
    const res = await ortfleet(['run', spec], { ORTFLEET_HOME: home, ORTFLEET_MODEL_STORE: 'http://127.0.0.1:1' });
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr).toContain(`models[1].file: ${models.empty} is empty`);
    expect(res.stderr).toContain(`models[2].file: ${models.notOnnx} is not an ONNX model`);
    expect(res.stderr).not.toContain('models[0]');
    expect(res.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(home, 'temporal.db'))).toBe(false);
  });

  it("runs a model file that starts like ONNX but is broken: its cell fails with ONNX Runtime's words, the others run", async () => {
    const models = writeTestModels(home);
    const broken = join(home, 'broken.onnx');
    // The ir_version tag, then bytes that are no ModelProto.
    writeFileSync(
      broken,
      Buffer.concat([Buffer.from([0x08, 0x08]), Buffer.from('garbage that is not protobuf at all')]),
    );
    const spec = write(
      'broken.yaml',
      `name: broken\nmodels:\n  - { name: good, file: ${models.add} }\n  - { name: broken, file: ${broken} }\nmatrix:\n  ep: [cpu]\n  batch: [1]\nmeasure: { warmup: 1, minIterations: 5, minDurationMs: 50, maxDurationMs: 2000, cellTimeoutMs: 60000, profileIterations: 0 }\n`,
    );
    const res = await ortfleet(['run', spec, '--json'], {
      ORTFLEET_HOME: join(home, 'broken-run'),
      ORTFLEET_TEMPORAL_BIN: temporalBinary(),
    });
    expect(res.code, res.stderr).toBe(1);
    const summary = JSON.parse(res.stdout) as RunSummary;
    expect(summary.cells.map((c) => [c.params.model, c.status])).toEqual([
      ['good', 'ok'],
      ['broken', 'failed'],
    ]);
    expect(summary.cells[1]!.reason).toMatch(/protobuf|parse|load model/i);
  });

  it('exits 2 for unknown flags and bad environment, listing every bad field', async () => {
    const flag = await ortfleet(['run', write('ok.yaml', good), '--fast'], { ORTFLEET_HOME: home });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option '--fast'/);
    const env = await ortfleet(['run', write('ok2.yaml', good)], {
      ORTFLEET_HOME: home,
      TEMPORAL_ADDRESS: 'not an address',
      DATABASE_URL: 'mysql://x',
    });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/TEMPORAL_ADDRESS: expected host:port/);
    expect(env.stderr).toMatch(/DATABASE_URL: expected a postgres/);
  });

  it('stops an agent whose configuration is wrong before it registers, saying what is wrong', async () => {
    // Every bad setting at once, before the agent looks for Temporal (exit 2).
    const agent = await ortfleet(['agent', '--labels', 'region=eu,price_per_hour=cheap,oops', '--cache-mb', 'lots'], {
      ORTFLEET_HOME: home,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      ORTFLEET_MODEL_STORE: 'dashboard:8080',
    });
    expect(agent.code).toBe(2);
    expect(agent.stderr).toMatch(/invalid agent configuration:/);
    expect(agent.stderr).toMatch(/--labels: 'oops': expected key=value/);
    expect(agent.stderr).toMatch(/--labels: price_per_hour must be a non-negative number, got 'cheap'/);
    expect(agent.stderr).toMatch(/--cache-mb: expected a whole number of MiB, got 'lots'/);
    expect(agent.stderr).toMatch(/ORTFLEET_MODEL_STORE: expected the http\(s\) URL/);
    expect(agent.stderr.match(/ORTFLEET_MODEL_STORE:/g)).toHaveLength(1);
    // A cache that cannot be written (exit 2), a Temporal or a model store nobody answers at (exit 1).
    write('not-a-folder', 'x');
    const cache = await ortfleet(['agent', '--cache-dir', join(home, 'not-a-folder', 'cache')], {
      ORTFLEET_HOME: home,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    expect(cache.code).toBe(2);
    expect(cache.stderr).toMatch(/model cache .*not-a-folder\/cache is not writable: ENOTDIR/);
    const temporal = await ortfleet(['agent'], { ORTFLEET_HOME: home, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(temporal.code).toBe(1);
    expect(temporal.stderr).toMatch(/cannot reach Temporal at 127\.0\.0\.1:1 \(TEMPORAL_ADDRESS\)/);
    const store = await ortfleet(['agent', '--model-store', 'http://127.0.0.1:1'], {
      ORTFLEET_HOME: home,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    expect(store.code).toBe(1);
    expect(store.stderr).toMatch(
      /cannot reach the model store http:\/\/127\.0\.0\.1:1 \(ORTFLEET_MODEL_STORE \/ --model-store\)/,
    );
  });

  it('answers --help for every command with exit 0', async () => {
    for (const command of [
      'run',
      'demo',
      'agent',
      'worker',
      'serve',
      'fleet',
      'schema',
      'models',
      'token',
      'schedule',
      'compare',
      'baseline',
      'check',
    ]) {
      const res = await ortfleet([command, '--help'], {});
      expect(res.code, command).toBe(0);
      expect(res.stdout, command).toMatch(new RegExp(`usage: ortfleet ${command}`));
    }
  });

  it('exits 2 for a check with an unknown EP, a bad duration or a bad lock port, measuring nothing', async () => {
    const ep = await ortfleet(['check', '--ep', 'cpu,warp'], {});
    expect([ep.code, ep.stderr]).toEqual([2, expect.stringContaining("--ep: unknown EP 'warp'")]);
    const seconds = await ortfleet(['check', '--seconds', '0'], {});
    expect([seconds.code, seconds.stderr]).toEqual([
      2,
      expect.stringContaining('--seconds must be a positive integer'),
    ]);
    const port = await ortfleet(['check'], { ORTFLEET_HOST_LOCK_PORT: 'nope' });
    expect([port.code, port.stderr]).toEqual([
      2,
      expect.stringContaining("ORTFLEET_HOST_LOCK_PORT: expected a TCP port, got 'nope'"),
    ]);
    for (const res of [ep, seconds, port]) expect(res.stderr).not.toContain('check: measuring');
  });
});
