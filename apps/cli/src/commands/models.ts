import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { BadInputError, DERIVABLE_PRECISIONS, type DerivablePrecision } from '@ortfleet/core';
import { onnxruntimeNodeVersion } from '@ortfleet/agent';
import { findPython, planVariants, runPrepare, type PrepareTarget, type VariantReport } from '../models/prepare';
import { readSpecFile } from '@ortfleet/orchestrator';
import { parseCommand } from '../args';

export const MODELS_USAGE = `usage: ortfleet models prepare <spec.yaml | model.onnx> [--precision fp16,int8] [--python PATH] [--force] [--json]

Derives the fp16 and int8 variants of fp32 models, next to them as <stem>_fp16.onnx and <stem>_int8.onnx,
with ONNX Runtime's own Python tools: int8 by dynamic quantization (quantize_dynamic, int8 weights), fp16 by
onnxruntime.transformers.float16 (inputs and outputs stay float32). A spec model given by \`file\` picks up
these files by name, so its fp16 and int8 cells run instead of ending unsupported. Given a spec, every
model's fp32 file is prepared. Variants that exist are kept unless --force.

  --precision LIST  the variants to derive, comma-separated (default: fp16,int8)
  --python PATH     a Python with onnxruntime and onnx; default: ORTFLEET_PYTHON, then the venv that
                    ./scripts/bootstrap.sh --with-python makes in the clone's .ortfleet/tools/python, then python3
  --force           rewrite variants that exist
  --json            print the written, skipped and failed files as JSON

Exit codes: 0 every variant written or kept, 1 a conversion failed, 2 bad input (spec, model file, flags,
or no Python with onnxruntime and onnx).`;

function parsePrecisions(value: string | undefined): DerivablePrecision[] {
  if (value === undefined) return [...DERIVABLE_PRECISIONS];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(DERIVABLE_PRECISIONS as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0)
    throw new BadInputError(
      `--precision: cannot derive '${unknown.join(',') || value}'; choose from ${DERIVABLE_PRECISIONS.join(', ')}`,
    );
  return [...new Set(names)] as DerivablePrecision[];
}

function requireFile(path: string, what: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) throw new BadInputError(`${what}: no such file ${path}`);
}

/** The fp32 models a spec names, checked to exist; a model listing no fp32 file has nothing to derive from. */
async function specTargets(specPath: string, note: (line: string) => void): Promise<PrepareTarget[]> {
  const { spec, base } = await readSpecFile(specPath);
  const targets: PrepareTarget[] = [];
  spec.models.forEach((model, i) => {
    const file = model.file ?? model.files?.fp32;
    if (!file) return note(`model '${model.name}' lists no fp32 file to derive from; skipped`);
    const fp32 = resolve(base, file);
    requireFile(fp32, `models[${i}].${model.file ? 'file' : 'files.fp32'} (model '${model.name}')`);
    const listed =
      model.files && Object.fromEntries(Object.entries(model.files).map(([p, f]) => [p, resolve(base, f)]));
    targets.push({ fp32, ...(listed ? { listed } : {}) });
  });
  return targets;
}

const shown = (path: string) => {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
};

function describe(r: VariantReport): string {
  const seconds = r.seconds ?? 0;
  if (r.status === 'written')
    return `wrote ${shown(r.output)} (${r.precision}, ${((r.bytes ?? 0) / 1e6).toFixed(1)} MB, ${seconds.toFixed(seconds < 1 ? 2 : 1)} s)`;
  if (r.status === 'skipped') return `kept ${shown(r.output)} (${r.precision}): ${r.reason}`;
  return `FAILED ${shown(r.output)} (${r.precision}): ${r.reason}`;
}

/** `ortfleet models prepare`. */
export async function modelsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      precision: { type: 'string' },
      python: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    MODELS_USAGE,
  );
  if (values.help) return (console.log(MODELS_USAGE), 0);
  const [sub, target, ...extra] = positionals;
  if (sub !== 'prepare')
    throw new BadInputError(
      `${sub ? `unknown models command '${sub}'` : 'missing the models command'}\n\n${MODELS_USAGE}`,
    );
  if (!target) throw new BadInputError(`missing the spec or model file\n\n${MODELS_USAGE}`);
  if (extra.length > 0) throw new BadInputError(`unexpected arguments: ${extra.join(' ')}\n\n${MODELS_USAGE}`);
  const precisions = parsePrecisions(values.precision as string | undefined);
  const json = Boolean(values.json);
  const log = (line: string) => {
    if (!json) process.stderr.write(`${line}\n`);
  };
  const warn = (line: string) => process.stderr.write(`${line}\n`);

  let targets: PrepareTarget[];
  if (/\.ya?ml$/i.test(target)) targets = await specTargets(target, warn);
  else {
    requireFile(target, 'model');
    targets = [{ fp32: resolve(target) }];
  }

  const { jobs, skipped } = planVariants(targets, precisions, Boolean(values.force));
  skipped.forEach((r) => log(describe(r)));
  let written: VariantReport[] = [];
  if (jobs.length > 0) {
    const python = findPython(values.python as string | undefined);
    const nodeVersion = onnxruntimeNodeVersion();
    written = await runPrepare(python, jobs, {
      onVersions: (v) => {
        log(
          `deriving ${jobs.length} variant(s) with ${python.path} (Python ${v.python}, onnxruntime ${v.onnxruntime}, onnx ${v.onnx})`,
        );
        if (v.onnxruntime !== nodeVersion)
          warn(
            `warning: Python onnxruntime ${v.onnxruntime} differs from onnxruntime-node ${nodeVersion}; the variants may use operators or fusions that the agents' release treats differently`,
          );
      },
      onVariant: (r) => log(describe(r)),
    });
  }

  // A model with `files:` uses only the files listed there.
  for (const t of targets)
    for (const r of written)
      if (t.listed && r.status === 'written' && r.input === t.fp32)
        warn(
          `note: the spec lists the files of ${shown(t.fp32)}; add \`${r.precision}: ${relative(dirname(resolve(target)), r.output)}\` under its files to use the new one`,
        );

  const reports = [...skipped, ...written];
  if (json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  return reports.some((r) => r.status === 'failed') ? 1 : 0;
}
