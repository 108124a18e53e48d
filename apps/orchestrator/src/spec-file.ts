import { existsSync, statSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { hashFile } from '@ortfleet/model-store';
import {
  BadInputError,
  freeDimensionNames,
  notOnnxReason,
  parseSpec,
  readModelFacts,
  unknownFreeDimensions,
  type ModelFacts,
  type Spec,
} from '@ortfleet/core';
import { detectVariants } from './models/variants';
import type { ModelFileRef } from './workflows/benchmark-run';

export interface LoadedSpec {
  spec: Spec;
  models: Record<string, Record<string, ModelFileRef>>;
}

/** A model's files by precision, as absolute paths: `files` as given, or `file` with the variants beside it. */
function resolveModelFiles(model: Spec['models'][number], base: string): Record<string, string> {
  if (model.files)
    return Object.fromEntries(Object.entries(model.files).map(([precision, file]) => [precision, resolve(base, file)]));
  const fp32 = resolve(base, model.file as string);
  return { fp32, ...detectVariants(fp32) };
}

/** Reads and validates a spec file; `base` is its folder, which model paths are relative to. */
export async function readSpecFile(path: string): Promise<{ spec: Spec; base: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new BadInputError(
      `cannot read spec file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return { spec: parseSpec(text, path), base: dirname(resolve(path)) };
}

/**
 * Checks `freeDimensions` against the model's own named input dimensions, so a typo stops the run before it
 * starts. A file that cannot be read or parsed is left for its cells to report.
 */
async function checkFreeDimensions(
  spec: Spec,
  files: Record<string, Record<string, string>>,
  source: string,
): Promise<void> {
  const problems: string[] = [];
  for (const [i, model] of spec.models.entries()) {
    const fp32 = files[model.name]?.fp32;
    if (!model.freeDimensions || !fp32) continue;
    let facts: ModelFacts;
    try {
      facts = readModelFacts(await readFile(fp32));
    } catch {
      continue;
    }
    const names = freeDimensionNames(facts);
    for (const name of unknownFreeDimensions(facts, model.freeDimensions))
      problems.push(
        `models[${i}].freeDimensions.${name}: the model has no input dimension named '${name}' (its named dimensions: ${names.join(', ') || 'none'})`,
      );
  }
  if (problems.length > 0) throw new BadInputError(`${source} is invalid:\n  ${problems.join('\n  ')}`, problems);
}

/**
 * Checks a decoder's `generate` against what its fp32 file states, so a run that could only fail stops before
 * it starts: a vocabulary range past the logits' size, a prompt plus new tokens past the position limit the
 * model's metadata gives (`max_position_embeddings`, as optimum and transformers.js configs name it). A model
 * that states neither, or that lacks the cache inputs, is left to its cells to report.
 */
async function checkGeneration(
  spec: Spec,
  files: Record<string, Record<string, string>>,
  source: string,
): Promise<void> {
  const problems: string[] = [];
  for (const [i, model] of spec.models.entries()) {
    const fp32 = files[model.name]?.fp32;
    if (!model.generate || !fp32) continue;
    let facts: ModelFacts;
    try {
      facts = readModelFacts(await readFile(fp32));
    } catch {
      continue;
    }
    const logits = facts.outputs.find((o) => o.name === 'logits');
    const vocab = logits?.shape.at(-1);
    const [, high] = model.generate.vocabRange;
    if (typeof vocab === 'number' && vocab > 0 && high > vocab)
      problems.push(
        `models[${i}].generate.vocabRange: [${model.generate.vocabRange.join(', ')}) goes beyond the model's vocabulary: its logits have ${vocab} entries (token ids 0 to ${vocab - 1})`,
      );
    const limit = Number(facts.metadata?.max_position_embeddings);
    if (Number.isInteger(limit) && limit > 0) {
      const most = Math.max(...model.generate.newTokens);
      model.generate.promptTokens.forEach((prompt, p) => {
        if (prompt + most > limit)
          problems.push(
            `models[${i}].generate.promptTokens[${p}]: ${prompt} prompt tokens + ${most} new tokens = ${prompt + most} positions, more than the ${limit} the model takes (max_position_embeddings)`,
          );
      });
    }
  }
  if (problems.length > 0) throw new BadInputError(`${source} is invalid:\n  ${problems.join('\n  ')}`, problems);
}

/** The first byte of a file, or undefined when it is empty. */
async function firstByte(path: string): Promise<number | undefined> {
  const file = await open(path);
  try {
    const { bytesRead, buffer } = await file.read(Buffer.alloc(1), 0, 1, 0);
    return bytesRead === 1 ? buffer[0] : undefined;
  } finally {
    await file.close();
  }
}

/** Where a model's file of one precision comes from in the spec, for messages. */
function specPathOf(model: Spec['models'][number], index: number, precision: string): string {
  if (model.files) return `models[${index}].files.${precision}`;
  return precision === 'fp32' ? `models[${index}].file` : `models[${index}].file (its ${precision} variant beside it)`;
}

/**
 * Reads and validates a spec file and resolves its model files relative to it; a model given by `file` also
 * gets the precision variants found next to it (`model_fp16.onnx`). A file that cannot be an ONNX model at all
 * (empty, or not starting as one) is bad input, named with its place in the spec. A model file that is missing
 * or otherwise broken is not: its cells run and fail with ONNX Runtime's own error, the others go on.
 */
export async function loadSpecFile(path: string): Promise<LoadedSpec> {
  const { spec, base } = await readSpecFile(path);
  return resolveSpec(spec, base, path);
}

/** Resolves a validated spec's model files relative to `base` (see loadSpecFile); `source` names it in errors. */
export async function resolveSpec(spec: Spec, base: string, source: string): Promise<LoadedSpec> {
  const files = Object.fromEntries(spec.models.map((m) => [m.name, resolveModelFiles(m, base)]));
  await checkFreeDimensions(spec, files, source);
  await checkGeneration(spec, files, source);
  const models: LoadedSpec['models'] = {};
  const problems: string[] = [];
  for (const [index, model] of spec.models.entries()) {
    models[model.name] = {};
    for (const [precision, full] of Object.entries(files[model.name]!)) {
      const hashable = existsSync(full) && statSync(full).isFile();
      const notOnnx = hashable ? notOnnxReason(await firstByte(full)) : undefined;
      if (notOnnx) problems.push(`${specPathOf(model, index, precision)}: ${full} ${notOnnx}`);
      models[model.name]![precision] = { path: full, ...(hashable ? { sha256: await hashFile(full) } : {}) };
    }
  }
  if (problems.length > 0)
    throw new BadInputError(`${source} names files that are not ONNX models:\n  ${problems.join('\n  ')}`, problems);
  return { spec, models };
}
