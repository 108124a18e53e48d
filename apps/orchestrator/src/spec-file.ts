import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { BadInputError, modelFiles, parseSpec, type Spec } from '@ortfleet/core';
import type { ModelFileRef } from './workflows/benchmark-run';

export interface LoadedSpec {
  spec: Spec;
  models: Record<string, Record<string, ModelFileRef>>;
}

function sha256(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => done(hash.digest('hex')))
      .on('error', fail);
  });
}

/**
 * Reads and validates a spec file and resolves its model files relative to it. A model file that is missing
 * or broken is not bad input here: its cells run and fail with ONNX Runtime's own error, the others go on.
 */
export async function loadSpecFile(path: string): Promise<LoadedSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new BadInputError(`cannot read spec file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const spec = parseSpec(text, path);
  const base = dirname(resolve(path));
  const models: LoadedSpec['models'] = {};
  for (const model of spec.models) {
    models[model.name] = {};
    for (const [precision, file] of Object.entries(modelFiles(model))) {
      const full = resolve(base, file);
      const hashable = existsSync(full) && statSync(full).isFile();
      models[model.name]![precision] = { path: full, ...(hashable ? { sha256: await sha256(full) } : {}) };
    }
  }
  return { spec, models };
}
