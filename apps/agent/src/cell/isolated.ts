import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CellOutcome } from '@ortfleet/core';
import type { ChildJob, ChildMessage } from './job';

// A build puts the compiled child beside the bundle (scripts/build.ts); from source it runs through tsx.
const BUILT_CHILD = fileURLToPath(new URL('./cell-child.js', import.meta.url));
const CHILD = existsSync(BUILT_CHILD)
  ? { path: BUILT_CHILD, execArgv: [] }
  : { path: fileURLToPath(new URL('./child.ts', import.meta.url)), execArgv: ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] };
const RSS_POLL_MS = 50;
const STDERR_TAIL = 2000;

export interface IsolationLimits {
  /** Wall-clock limit for the whole child; past it the child is killed and the cell ends `timeout`. */
  timeoutMs: number;
  /** Resident memory limit; past it the child is killed (like an OOM kill) and the cell ends `crashed`. */
  memoryLimitBytes: number;
  onPhase?: (phase: string) => void;
  /** Aborting (e.g. the activity was cancelled) kills the child. */
  signal?: AbortSignal;
}

export type ChildEnd =
  | { kind: 'message'; message: Exclude<ChildMessage, { type: 'phase' | 'measured' }> }
  | { kind: 'died'; status: 'crashed' | 'timeout'; reason: string; phase?: string; measured?: CellOutcome };

async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a job in a forked child and resolves with its answer or with how it died: by signal or exit code
 * (`crashed`), past its memory limit (`crashed`, killed like the kernel's OOM killer would), or past its
 * time limit (`timeout`). Never rejects for anything the child does.
 */
export function runIsolated(job: ChildJob, limits: IsolationLimits): Promise<ChildEnd> {
  return new Promise((resolve) => {
    const child = fork(CHILD.path, [], { execArgv: CHILD.execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let answer: ChildEnd | undefined;
    let killedFor: Extract<ChildEnd, { kind: 'died' }> | undefined;
    let phase: string | undefined;
    let measured: CellOutcome | undefined;
    let stderr = '';
    let peakRss = 0;
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'phase') {
        phase = message.phase;
        limits.onPhase?.(message.phase);
      } else if (message.type === 'measured') measured = message.outcome;
      else answer = { kind: 'message', message };
    });
    const kill = (end: Extract<ChildEnd, { kind: 'died' }>) => {
      killedFor ??= end;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => kill({ kind: 'died', status: 'timeout', reason: `cell exceeded its ${limits.timeoutMs} ms timeout and was killed` }),
      limits.timeoutMs,
    );
    const watchdog = setInterval(() => {
      if (child.pid === undefined) return;
      void residentBytes(child.pid).then((rss) => {
        if (rss === undefined) return;
        peakRss = Math.max(peakRss, rss);
        if (rss > limits.memoryLimitBytes)
          kill({
            kind: 'died',
            status: 'crashed',
            reason: `out of memory: resident memory ${Math.round(rss / 2 ** 20)} MiB passed the cell limit of ${Math.round(limits.memoryLimitBytes / 2 ** 20)} MiB; killed with SIGKILL`,
          });
      });
    }, RSS_POLL_MS);
    limits.signal?.addEventListener('abort', () => kill({ kind: 'died', status: 'crashed', reason: 'cell was cancelled' }), { once: true });
    child.on('error', (err) => kill({ kind: 'died', status: 'crashed', reason: `could not run the cell process: ${err.message}` }));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(watchdog);
      if (answer) return resolve(answer);
      const context = { ...(phase ? { phase } : {}), ...(measured ? { measured } : {}) };
      if (killedFor) return resolve({ ...killedFor, ...context });
      const how = signal ? `killed by ${signal}${signal === 'SIGKILL' ? ' (often the kernel OOM killer)' : ''}` : `exited with code ${code}`;
      const tail = stderr.trim().split('\n').slice(-5).join('\n');
      resolve({ kind: 'died', status: 'crashed', reason: `cell process ${how}${tail ? `: ${tail}` : ''}`, ...context });
    });
    child.send(job);
  });
}

/**
 * Runs one cell in isolation and turns any death into the cell's outcome. A death after the timed loop (in
 * the parity or profile pass) keeps the measurement and notes what happened.
 */
export async function runCellIsolated(job: Extract<ChildJob, { kind: 'cell' }>, limits: IsolationLimits): Promise<CellOutcome> {
  const end = await runIsolated(job, limits);
  if (end.kind === 'died' && end.measured?.measurement) {
    const { measurement } = end.measured;
    const lost = `${end.phase ?? 'a later'} pass did not finish (${end.status}: ${end.reason})`;
    return { ...end.measured, measurement: { ...measurement, note: measurement.note ? `${measurement.note}; ${lost}` : lost } };
  }
  if (end.kind === 'died') return { status: end.status, reason: end.reason };
  if (end.message.type !== 'outcome') return { status: 'crashed', reason: `cell process answered '${end.message.type}'` };
  return end.message.outcome;
}
