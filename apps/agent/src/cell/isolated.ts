import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { CellOutcome } from '@ortfleet/core';
import type { ChildJob, ChildMessage } from './child-protocol';
import { compiledSourceChild } from './source-child';

// A build puts the compiled child beside the bundle (scripts/build.ts); from source the agent compiles it
// once (source-child.ts), so no cell pays for compiling TypeScript.
const BUILT_CHILD = fileURLToPath(new URL('./cell-child.js', import.meta.url));
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
  | { kind: 'message'; message: Exclude<ChildMessage, { type: 'ready' | 'phase' | 'measured' }> }
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

/** A child process started ahead of its job, and when it has loaded its code. */
interface StartedChild {
  child: ChildProcess;
  ready: Promise<void>;
}

let spare: StartedChild | undefined;

async function startChild(): Promise<StartedChild> {
  const path = existsSync(BUILT_CHILD) ? BUILT_CHILD : await compiledSourceChild();
  const child = fork(path, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  // A child waiting for a job does not keep the agent alive; it exits with the agent (its channel closes).
  child.unref();
  child.channel?.unref();
  const ready = new Promise<void>((resolve) => {
    const onMessage = (m: ChildMessage) => {
      if (m.type !== 'ready') return;
      child.off('message', onMessage);
      resolve();
    };
    child.on('message', onMessage);
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  return { child, ready };
}

/**
 * Starts the next job's child now, while the agent is between cells, so that a cell does not wait for Node to
 * load the measuring code (about 0.2 s). Resolves once the child is ready; the caller holds the host lock until
 * then, so the start never overlaps another agent's measurement on this machine.
 */
export async function prestartChild(): Promise<void> {
  if (!spare || spare.child.exitCode !== null || spare.child.signalCode !== null || !spare.child.connected)
    spare = await startChild();
  await spare.ready;
}

/** The started child if it is still alive, else a new one; either way it is the caller's from now on. */
async function takeChild(): Promise<ChildProcess> {
  const taken =
    spare && spare.child.exitCode === null && spare.child.signalCode === null && spare.child.connected
      ? spare
      : await startChild();
  spare = undefined;
  taken.child.ref();
  taken.child.channel?.ref();
  return taken.child;
}

/** Stops the started child, if any (the agent is shutting down). */
export function stopSpareChild(): void {
  spare?.child.kill('SIGKILL');
  spare = undefined;
}

/**
 * Runs a job in a forked child and resolves with its answer or with how it died: by signal or exit code
 * (`crashed`), past its memory limit (`crashed`, killed like the kernel's OOM killer would), or past its
 * time limit (`timeout`). Never rejects for anything the child does.
 */
export async function runIsolated(job: ChildJob, limits: IsolationLimits): Promise<ChildEnd> {
  const child = await takeChild();
  return new Promise((resolve) => {
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
      if (message.type === 'ready') return;
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
      () =>
        kill({
          kind: 'died',
          status: 'timeout',
          reason: `cell exceeded its ${limits.timeoutMs} ms timeout and was killed`,
        }),
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
    limits.signal?.addEventListener(
      'abort',
      () => kill({ kind: 'died', status: 'crashed', reason: 'cell was cancelled' }),
      { once: true },
    );
    child.on('error', (err) =>
      kill({ kind: 'died', status: 'crashed', reason: `could not run the cell process: ${err.message}` }),
    );
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(watchdog);
      if (answer) return resolve(answer);
      const context = { ...(phase ? { phase } : {}), ...(measured ? { measured } : {}) };
      if (killedFor) return resolve({ ...killedFor, ...context });
      const how = signal
        ? `killed by ${signal}${signal === 'SIGKILL' ? ' (often the kernel OOM killer)' : ''}`
        : `exited with code ${code}`;
      const tail = stderr.trim().split('\n').slice(-5).join('\n');
      resolve({ kind: 'died', status: 'crashed', reason: `cell process ${how}${tail ? `: ${tail}` : ''}`, ...context });
    });
    if (child.exitCode !== null || child.signalCode !== null) {
      clearTimeout(timer);
      clearInterval(watchdog);
      return resolve({
        kind: 'died',
        status: 'crashed',
        reason: `cell process exited before its job (${child.signalCode ?? `code ${child.exitCode}`}): ${stderr.trim().slice(-STDERR_TAIL)}`,
      });
    }
    child.send(job);
  });
}

/**
 * Runs one cell in isolation and turns any death into the cell's outcome. A death after the timed loop (in
 * the parity or profile pass) keeps the measurement and notes what happened.
 */
export async function runCellIsolated(
  job: Extract<ChildJob, { kind: 'cell' }>,
  limits: IsolationLimits,
): Promise<CellOutcome> {
  const end = await runIsolated(job, limits);
  if (end.kind === 'died' && end.measured?.measurement) {
    const { measurement } = end.measured;
    const lost = `${end.phase ?? 'a later'} pass did not finish (${end.status}: ${end.reason})`;
    return {
      ...end.measured,
      measurement: { ...measurement, note: measurement.note ? `${measurement.note}; ${lost}` : lost },
    };
  }
  if (end.kind === 'died') return { status: end.status, reason: end.reason };
  if (end.message.type !== 'outcome')
    return { status: 'crashed', reason: `cell process answered '${end.message.type}'` };
  return end.message.outcome;
}
