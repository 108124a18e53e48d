import { spawn } from 'node:child_process';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BadInputError, OrtfleetError, type DerivablePrecision } from '@ortfleet/core';
import { onnxruntimeNodeVersion } from '@ortfleet/agent';
import { bootstrapTool, detectVariants, variantPath } from '@ortfleet/orchestrator';

const SCRIPT = fileURLToPath(new URL('./prepare.py', import.meta.url));
const STDERR_TAIL = 4000;

// The same pin as scripts/bootstrap.sh installs: an onnx release that ONNX Runtime's tools work with.
const ONNX_REQUIREMENT = 'onnx==1.23.2';

/** A Python interpreter and where it was found (for messages). */
export interface PythonChoice {
  path: string;
  from: string;
}

/** Which Python runs prepare.py: --python, then ORTFLEET_PYTHON, then bootstrap's venv, then python3 on PATH. */
export function findPython(flag?: string, env: NodeJS.ProcessEnv = process.env): PythonChoice {
  if (flag) return { path: flag, from: '--python' };
  if (env.ORTFLEET_PYTHON) return { path: env.ORTFLEET_PYTHON, from: 'ORTFLEET_PYTHON' };
  const venv = bootstrapTool('python/bin/python');
  if (venv) return { path: venv, from: 'the venv of ./scripts/bootstrap.sh --with-python' };
  return { path: 'python3', from: 'PATH' };
}

/** An fp32 model to derive variants of; `listed` are the files a spec names for it (`files:`), if any. */
export interface PrepareTarget {
  fp32: string;
  listed?: Record<string, string>;
}

/** One variant to write. */
export interface VariantJob {
  precision: DerivablePrecision;
  input: string;
  output: string;
}

/** What became of one variant. */
export interface VariantReport extends VariantJob {
  status: 'written' | 'skipped' | 'failed';
  bytes?: number;
  seconds?: number;
  reason?: string;
}

/** Splits the wanted variants into jobs and skips: a variant that exists is kept unless `force`. */
export function planVariants(targets: PrepareTarget[], precisions: readonly DerivablePrecision[], force: boolean) {
  const jobs: VariantJob[] = [];
  const skipped: VariantReport[] = [];
  const seen = new Set<string>();
  for (const { fp32, listed } of targets) {
    const existing = detectVariants(fp32);
    for (const precision of precisions) {
      const output = variantPath(fp32, precision);
      if (seen.has(output)) continue;
      seen.add(output);
      const named = listed?.[precision];
      if (named && resolve(named) !== output)
        skipped.push({ precision, input: fp32, output: named, status: 'skipped', reason: 'the spec names this file' });
      else if (existing[precision] && !force)
        skipped.push({
          precision,
          input: fp32,
          output: existing[precision],
          status: 'skipped',
          reason: 'exists; --force rewrites it',
        });
      else jobs.push({ precision, input: fp32, output });
    }
  }
  return { jobs, skipped };
}

/** The Python tools' versions, as prepare.py reports them. */
export interface PythonVersions {
  onnxruntime: string;
  onnx: string;
  python: string;
}

type ScriptEvent =
  | ({ event: 'versions' } & PythonVersions)
  | { event: 'missing'; module: string; error: string }
  | { event: 'bad-model'; input: string; error: string }
  | { event: 'written'; precision: DerivablePrecision; output: string; bytes: number; seconds: number }
  | { event: 'failed'; precision: DerivablePrecision; output: string; error: string };

const BOOTSTRAP_HINT =
  "./scripts/bootstrap.sh --with-python   (a venv under the clone's .ortfleet/tools/python, found without --python)";

function installHint(python: PythonChoice, missing: string): string {
  return `${python.path} (from ${python.from}) cannot import ${missing}
install ONNX Runtime's Python tools, the same release as onnxruntime-node, with either:
  ${BOOTSTRAP_HINT}
  ${python.path} -m pip install onnxruntime==${onnxruntimeNodeVersion()} ${ONNX_REQUIREMENT}`;
}

/**
 * Runs prepare.py over the jobs, reporting each variant as it is written. Missing Python, missing packages
 * and an input that is not an ONNX model are bad input (and then nothing is written); a conversion that
 * fails is reported as `failed` and the other jobs go on.
 */
export function runPrepare(
  python: PythonChoice,
  jobs: VariantJob[],
  hooks: { onVersions?: (v: PythonVersions) => void; onVariant?: (r: VariantReport) => void } = {},
): Promise<VariantReport[]> {
  return new Promise((done, fail) => {
    const child = spawn(python.path, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const inputs = new Map(jobs.map((j) => [j.output, j.input]));
    const reports: VariantReport[] = [];
    let problem: Error | undefined;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      problem ??= new BadInputError(
        `cannot run Python '${python.path}' (from ${python.from}): ${err.code ?? err.message}\npass --python PATH or set ORTFLEET_PYTHON, or make one with:\n  ${BOOTSTRAP_HINT}`,
      );
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      // Only the script's JSON objects are events; a library may print to stdout too.
      let event: ScriptEvent | undefined;
      try {
        event = JSON.parse(line) as ScriptEvent;
      } catch {
        return;
      }
      if (event?.event === 'versions') hooks.onVersions?.(event);
      else if (event?.event === 'missing')
        problem ??= new BadInputError(installHint(python, `${event.module}: ${event.error}`));
      else if (event?.event === 'bad-model') problem ??= new BadInputError(`${event.input}: ${event.error}`);
      else if (event?.event === 'written' || event?.event === 'failed') {
        const input = inputs.get(event.output) ?? '';
        const report: VariantReport =
          event.event === 'written'
            ? {
                precision: event.precision,
                input,
                output: event.output,
                status: 'written',
                bytes: event.bytes,
                seconds: event.seconds,
              }
            : { precision: event.precision, input, output: event.output, status: 'failed', reason: event.error };
        reports.push(report);
        hooks.onVariant?.(report);
      }
    });
    child.on('close', (code) => {
      if (problem) return fail(problem);
      if (code !== 0)
        return fail(
          new OrtfleetError('prepare_failed', `${basename(SCRIPT)} exited with code ${code}:\n${stderr.trim()}`),
        );
      done(reports);
    });
    child.stdin.on('error', () => {}); // a Python that exits before reading its jobs reports through 'close'
    child.stdin.end(JSON.stringify({ jobs }));
  });
}
