import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OCR_MODELS } from './env';
import { writeTestModels } from './models';

/** Writes a two-cell spec (batch 1 and 2, one thread) over the generated Add model into `dir`; returns its path. */
export function writeAddSpec(dir: string, name: string): string {
  const models = writeTestModels(dir);
  const spec = join(dir, `${name}.yaml`);
  writeFileSync(
    spec,
    `name: ${name}
models:
  - name: add
    file: ${models.add}
matrix: { ep: [cpu], batch: [1, 2], intraOpThreads: [1] }
measure: { warmup: 1, minIterations: 10, minDurationMs: 50, maxDurationMs: 2000, cellTimeoutMs: 60000 }
`,
  );
  return spec;
}

/** Writes a spec over the real PaddleOCR classifier at the given batches into `dir`; returns its path. */
export function writeClassifierSpec(dir: string, name: string, batches: number[]): string {
  const spec = join(dir, `${name}.yaml`);
  writeFileSync(
    spec,
    `name: ${name}
models:
  - name: ppocr-cls
    file: ${join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx')}
    inputs: { x: { shape: [batch, 3, 48, 192] } }
matrix: { ep: [cpu], batch: [${batches.join(', ')}], intraOpThreads: [1] }
measure: { warmup: 2, minIterations: 20, minDurationMs: 300, maxDurationMs: 5000, cellTimeoutMs: 60000 }
`,
  );
  return spec;
}
