import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Telemetry } from '@ortfleet/core';

const run = promisify(execFile);

// Without persistence mode the driver initialises on every call, which can take seconds.
const QUERY_TIMEOUT_MS = 15_000;

export interface NvidiaGpu {
  model: string;
  memoryMb: number;
  driver: string;
}

/** One nvidia-smi sample aggregated over every GPU of the machine. */
export interface GpuSample {
  utilizationPercent: number;
  memoryUsedMb: number;
  powerW: number | null;
}

/**
 * Arguments for nvidia-smi's sampling loop. `index` comes first because with several GPUs each sample is one
 * line per GPU, and the index falling back is the only way to tell where a sample starts.
 */
export function telemetryQueryArgs(intervalMs: number): string[] {
  return [
    '--query-gpu=index,utilization.gpu,memory.used,power.draw',
    '--format=csv,noheader,nounits',
    '-lms',
    String(intervalMs),
  ];
}

function fields(line: string): string[] {
  return line.split(',').map((f) => f.trim());
}

/** Parses `--query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`, one GPU a line. */
export function parseGpuQuery(text: string): NvidiaGpu[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const f = fields(line);
      const driver = f.pop() ?? '';
      const memoryMb = Number(f.pop());
      return { model: f.join(', '), memoryMb, driver };
    })
    .filter((gpu) => gpu.model && Number.isFinite(gpu.memoryMb) && gpu.driver);
}

/** The CUDA version the driver supports, from the header of plain `nvidia-smi`. */
export function parseCudaVersion(text: string): string | null {
  return /CUDA Version:\s*(\d+(?:\.\d+)*)/.exec(text)?.[1] ?? null;
}

/**
 * Parses the output of the sampling loop (`telemetryQueryArgs`) as it was streamed. Per sample, power and
 * memory are summed over GPUs (the machine's draw and footprint), utilization is the busiest GPU's (a cell
 * runs on one GPU, so an average would be diluted by idle ones). A sample's power is null when any GPU reads
 * '[N/A]'. An unterminated last line or a last sample missing GPUs was cut short by the kill and is dropped.
 */
export function parseTelemetrySamples(text: string): GpuSample[] {
  const groups: { utilization: number; memory: number; power: number | null }[][] = [];
  let lastIndex = Infinity;
  for (const line of text.split('\n').slice(0, -1)) {
    const [index, utilization, memory, power] = fields(line).map(Number);
    if (index === undefined || !Number.isInteger(index) || !Number.isFinite(utilization) || !Number.isFinite(memory))
      continue;
    if (index <= lastIndex) groups.push([]);
    lastIndex = index;
    groups.at(-1)!.push({ utilization: utilization!, memory: memory!, power: Number.isFinite(power) ? power! : null });
  }
  const gpuCount = Math.max(0, ...groups.map((g) => g.length));
  if (groups.at(-1)?.length !== gpuCount) groups.pop();
  return groups.map((g) => ({
    utilizationPercent: Math.max(...g.map((s) => s.utilization)),
    memoryUsedMb: g.reduce((sum, s) => sum + s.memory, 0),
    powerW: g.some((s) => s.power === null) ? null : g.reduce((sum, s) => sum + s.power!, 0),
  }));
}

/** Summarises samples for `Telemetry.gpu`; undefined when there are none. */
export function summarizeGpuSamples(samples: GpuSample[]): Telemetry['gpu'] {
  if (samples.length === 0) return undefined;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const powers = samples.flatMap((s) => (s.powerW === null ? [] : [s.powerW]));
  return {
    samples: samples.length,
    utilizationPercentMean: mean(samples.map((s) => s.utilizationPercent)),
    utilizationPercentMax: Math.max(...samples.map((s) => s.utilizationPercent)),
    memoryUsedMbMax: Math.max(...samples.map((s) => s.memoryUsedMb)),
    powerWMean: powers.length > 0 ? mean(powers) : null,
  };
}

/** The machine's NVIDIA GPUs and CUDA version for provenance; null when nvidia-smi is absent or fails. */
export async function queryNvidiaGpus(
  bin = 'nvidia-smi',
): Promise<{ gpus: NvidiaGpu[]; cudaVersion: string | null } | null> {
  const options = { timeout: QUERY_TIMEOUT_MS, encoding: 'utf8' as const };
  const [query, table] = await Promise.allSettled([
    run(bin, ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'], options),
    run(bin, [], options),
  ]);
  if (query.status === 'rejected') return null;
  const gpus = parseGpuQuery(query.value.stdout);
  if (gpus.length === 0) return null;
  return { gpus, cudaVersion: table.status === 'fulfilled' ? parseCudaVersion(table.value.stdout) : null };
}
