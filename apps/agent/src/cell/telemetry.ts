import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Telemetry } from '@ortfleet/core';
import { parseTelemetrySamples, summarizeGpuSamples, telemetryQueryArgs } from '../probe/nvidia-smi';

export interface TelemetryOptions {
  /** Linux powercap directory; default /sys/class/powercap. */
  raplRoot?: string;
  /** Path of nvidia-smi, or null for none; default: 'nvidia-smi' on PATH. */
  nvidiaSmi?: string | null;
  gpuIntervalMs?: number;
}

function findNvidiaSmi(): string | null {
  const name = process.platform === 'win32' ? 'nvidia-smi.exe' : 'nvidia-smi';
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return null;
}

interface RaplPackage {
  dir: string;
  maxUj: number;
  startUj: number;
}

function readCounter(file: string): number {
  const value = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isFinite(value)) throw new Error(`not a counter: ${file}`);
  return value;
}

// Only package domains ('intel-rapl:N'): subdomains ('intel-rapl:N:M', core, uncore, dram) are parts of a
// package or overlap it, and 'intel-rapl-mmio:N' repeats the package through another interface. AMD CPUs
// expose their package counters under the same names. Since Linux 5.10 energy_uj is root-only (Platypus side
// channel), so an unreadable counter is the common case, not an error.
function startRapl(root: string): RaplPackage[] | undefined {
  try {
    const dirs = readdirSync(root).filter((name) => /^intel-rapl:\d+$/.test(name));
    if (dirs.length === 0) return undefined;
    return dirs.map((name) => {
      const dir = join(root, name);
      return {
        dir,
        maxUj: readCounter(join(dir, 'max_energy_range_uj')),
        startUj: readCounter(join(dir, 'energy_uj')),
      };
    });
  } catch {
    return undefined;
  }
}

function raplJoules(packages: RaplPackage[] | undefined): number | undefined {
  if (!packages) return undefined;
  try {
    let uj = 0;
    for (const p of packages) {
      const delta = readCounter(join(p.dir, 'energy_uj')) - p.startUj;
      // The counter wraps at max_energy_range_uj (minutes at full load on big packages).
      uj += delta < 0 ? delta + p.maxUj : delta;
    }
    return uj / 1e6;
  } catch {
    return undefined;
  }
}

function systemCpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

/**
 * Samples nvidia-smi in its own process while the loop runs; the loop's process only buffers its output.
 * A sampler that cannot start, or exits before it is stopped, covers no part of the loop: no GPU figures
 * rather than a failed cell.
 */
function startGpuSampler(bin: string, intervalMs: number): { stop(): Promise<Telemetry['gpu']> } {
  let out = '';
  let closed = false;
  let child: ChildProcess;
  try {
    child = spawn(bin, telemetryQueryArgs(intervalMs), { stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return { stop: () => Promise.resolve(undefined) };
  }
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => (out += chunk));
  const done = new Promise<void>((resolve) => {
    child.once('error', () => resolve());
    child.once('close', () => resolve());
  }).then(() => {
    closed = true;
  });
  return {
    async stop() {
      if (closed) return undefined;
      child.kill();
      // 'close' waits for stdout to drain, so every sample written before the kill is counted; the timer
      // only guards against a binary that ignores SIGTERM.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
      if (!closed) child.kill('SIGKILL');
      return summarizeGpuSamples(parseTelemetrySamples(out));
    },
  };
}

/**
 * Starts measuring CPU, memory and power for a timed loop. It reads counters at start and stop only (GPU
 * sampling runs in a separate nvidia-smi process), so the loop itself is not slowed down.
 */
export function startTelemetry(options: TelemetryOptions = {}): { stop(items: number): Promise<Telemetry> } {
  const bin = options.nvidiaSmi === undefined ? findNvidiaSmi() : options.nvidiaSmi;
  // Started first so that spawning it is not counted in this process's CPU time.
  const gpu = bin ? startGpuSampler(bin, options.gpuIntervalMs ?? 100) : undefined;
  const rapl = startRapl(options.raplRoot ?? '/sys/class/powercap');
  const system = systemCpuTimes();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();

  return {
    async stop(items) {
      const wallUs = Number(process.hrtime.bigint() - start) / 1e3;
      const cpuDelta = process.cpuUsage(cpu);
      const systemEnd = systemCpuTimes();
      const cpuEnergyJ = raplJoules(rapl);
      const peakRssBytes = process.resourceUsage().maxRSS * 1024;
      const gpuSummary = await gpu?.stop();

      const totalDelta = systemEnd.total - system.total;
      const gpuEnergyJ = gpuSummary?.powerWMean == null ? undefined : gpuSummary.powerWMean * (wallUs / 1e6);
      const powerSources = [
        ...(cpuEnergyJ === undefined ? [] : ['rapl']),
        ...(gpuEnergyJ === undefined ? [] : ['nvidia-smi']),
      ];
      const energyJ = (cpuEnergyJ ?? 0) + (gpuEnergyJ ?? 0);
      return {
        processCpuPercent: wallUs > 0 ? ((cpuDelta.user + cpuDelta.system) / wallUs) * 100 : 0,
        systemCpuPercent: totalDelta > 0 ? 100 * (1 - (systemEnd.idle - system.idle) / totalDelta) : 0,
        peakRssBytes,
        ...(gpuSummary ? { gpu: gpuSummary } : {}),
        ...(cpuEnergyJ === undefined ? {} : { cpuEnergyJ }),
        ...(powerSources.length > 0 && items > 0 ? { energyPerInferenceJ: energyJ / items } : {}),
        powerSources,
      };
    },
  };
}
