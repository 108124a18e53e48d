import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSpecFile } from '../spec-file';
import { detectVariants } from './variants';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ortfleet-variants-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Files that start as an ONNX model does (its ir_version tag), which is all loading a spec checks of them.
const touch = (...names: string[]) => names.forEach((n) => writeFileSync(join(dir, n), Buffer.from([0x08, 0x07])));

describe('detectVariants', () => {
  it('finds the siblings by their usual names and ignores everything else', () => {
    touch(
      'model.onnx',
      'model_fp16.onnx',
      'model_quantized.onnx',
      'model_q4.onnx',
      'model_q4f16.onnx',
      'model_bnb4.onnx',
    );
    touch('other_fp16.onnx', 'model_fp16.onnx.partial', '.model_int8.onnx.partial', 'model_fp16.ort');
    mkdirSync(join(dir, 'model_uint8.onnx'));
    expect(detectVariants(join(dir, 'model.onnx'))).toEqual({
      fp16: join(dir, 'model_fp16.onnx'),
      int8: join(dir, 'model_quantized.onnx'),
      q4: join(dir, 'model_q4.onnx'),
      q4f16: join(dir, 'model_q4f16.onnx'),
      bnb4: join(dir, 'model_bnb4.onnx'),
    });
  });

  it('prefers _int8 over _quantized and finds uint8', () => {
    touch('model.onnx', 'model_int8.onnx', 'model_quantized.onnx', 'model_uint8.onnx');
    expect(detectVariants(join(dir, 'model.onnx'))).toEqual({
      int8: join(dir, 'model_int8.onnx'),
      uint8: join(dir, 'model_uint8.onnx'),
    });
  });

  it('finds nothing next to a lone model', () => {
    touch('model.onnx');
    expect(detectVariants(join(dir, 'model.onnx'))).toEqual({});
  });
});

describe('loadSpecFile', () => {
  it('adds the detected variants of a `file` model, hashed, and leaves a `files` model as listed', async () => {
    mkdirSync(join(dir, 'models'));
    touch('models/det.onnx', 'models/det_fp16.onnx', 'models/det_int8.onnx', 'models/rec.onnx', 'models/rec_fp16.onnx');
    writeFileSync(
      join(dir, 'spec.yaml'),
      [
        'name: t',
        'models:',
        '  - { name: det, file: models/det.onnx }',
        '  - { name: rec, files: { fp32: models/rec.onnx } }',
        'matrix: { ep: [cpu], batch: [1] }',
      ].join('\n'),
    );
    const loaded = await loadSpecFile(join(dir, 'spec.yaml'));
    expect(Object.keys(loaded.models.det!).sort()).toEqual(['fp16', 'fp32', 'int8']);
    expect(loaded.models.det!.fp16).toEqual({
      path: join(dir, 'models/det_fp16.onnx'),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(Object.keys(loaded.models.rec!)).toEqual(['fp32']);
  });
});
