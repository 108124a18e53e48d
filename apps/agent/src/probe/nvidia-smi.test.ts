import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseCudaVersion,
  parseGpuQuery,
  parseTelemetrySamples,
  queryNvidiaGpus,
  summarizeGpuSamples,
  telemetryQueryArgs,
} from './nvidia-smi';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** Writes an executable shell script standing in for nvidia-smi; returns its path. */
function fakeBinary(body: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ortfleet-nvidia-smi-')), 'nvidia-smi');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('parseGpuQuery', () => {
  it('reads name, total memory and driver of an H100', () => {
    expect(parseGpuQuery(fixture('h100-query-gpu.txt'))).toEqual([
      { model: 'NVIDIA H100 80GB HBM3', memoryMb: 81559, driver: '550.54.15' },
    ]);
  });

  it('reads one GPU a line', () => {
    expect(parseGpuQuery(fixture('2gpu-query-gpu.txt'))).toEqual([
      { model: 'Tesla T4', memoryMb: 15360, driver: '535.183.01' },
      { model: 'Tesla T4', memoryMb: 15360, driver: '535.183.01' },
    ]);
  });

  it('finds no GPU in an error message', () => {
    expect(parseGpuQuery('No devices were found\n')).toEqual([]);
  });
});

describe('parseCudaVersion', () => {
  it('reads the version from the table header', () => {
    expect(parseCudaVersion(fixture('h100-nvidia-smi.txt'))).toBe('12.4');
    expect(parseCudaVersion(fixture('2gpu-nvidia-smi.txt'))).toBe('12.2');
  });

  it('is null when the header has none', () => {
    expect(
      parseCudaVersion("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"),
    ).toBeNull();
  });
});

describe('parseTelemetrySamples', () => {
  it('keeps one sample a line on a single GPU', () => {
    const samples = parseTelemetrySamples(fixture('h100-telemetry.txt'));
    expect(samples).toHaveLength(6);
    expect(samples[2]).toEqual({ utilizationPercent: 96, memoryUsedMb: 2123, powerW: 402.17 });
  });

  it('sums power and memory over GPUs, takes the busiest GPU, and drops a sample cut short by the kill', () => {
    const samples = parseTelemetrySamples(fixture('2gpu-telemetry.txt'));
    expect(samples).toHaveLength(4);
    expect(samples[0]).toEqual({ utilizationPercent: 0, memoryUsedMb: 4, powerW: null });
    expect(samples[1]!.utilizationPercent).toBe(41);
    expect(samples[1]!.memoryUsedMb).toBe(1598);
    expect(samples[1]!.powerW).toBeCloseTo(48.32, 6);
  });

  it('drops an unterminated last line', () => {
    expect(parseTelemetrySamples('0, 50, 100, 70.5\n0, 60, 100, 7')).toHaveLength(1);
  });
});

describe('summarizeGpuSamples', () => {
  it('summarises an H100 run', () => {
    const gpu = summarizeGpuSamples(parseTelemetrySamples(fixture('h100-telemetry.txt')))!;
    expect(gpu).toMatchObject({ samples: 6, utilizationPercentMax: 98, memoryUsedMbMax: 2123 });
    expect(gpu.utilizationPercentMean).toBeCloseTo(70.5, 6);
    expect(gpu.powerWMean).toBeCloseTo(1880.67 / 6, 6);
  });

  it('averages power over the samples that had it', () => {
    const gpu = summarizeGpuSamples(parseTelemetrySamples(fixture('2gpu-telemetry.txt')))!;
    expect(gpu).toMatchObject({ samples: 4, utilizationPercentMax: 90, memoryUsedMbMax: 3300 });
    expect(gpu.utilizationPercentMean).toBeCloseTo(54.75, 6);
    expect(gpu.powerWMean).toBeCloseTo((48.32 + 122.93 + 127.5) / 3, 6);
  });

  it("gives null power when every sample reads '[N/A]', and nothing without samples", () => {
    expect(summarizeGpuSamples(parseTelemetrySamples('0, 12, 512, [N/A]\n0, 14, 512, [N/A]\n'))?.powerWMean).toBeNull();
    expect(summarizeGpuSamples([])).toBeUndefined();
  });
});

describe('queryNvidiaGpus', () => {
  it('runs the query and the plain table', async () => {
    const bin = fakeBinary(`case "$*" in
  '--query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits') cat '${join(FIXTURES, '2gpu-query-gpu.txt')}' ;;
  '') cat '${join(FIXTURES, '2gpu-nvidia-smi.txt')}' ;;
  *) exit 2 ;;
esac`);
    expect(await queryNvidiaGpus(bin)).toEqual({
      gpus: parseGpuQuery(fixture('2gpu-query-gpu.txt')),
      cudaVersion: '12.2',
    });
  });

  it('is null when nvidia-smi is absent or fails', async () => {
    expect(await queryNvidiaGpus(join(tmpdir(), 'no-such-dir', 'nvidia-smi'))).toBeNull();
    const failing = fakeBinary(
      `echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."\nexit 9`,
    );
    expect(await queryNvidiaGpus(failing)).toBeNull();
  });
});

describe('telemetryQueryArgs', () => {
  it('samples index first so that several GPUs can be told apart', () => {
    expect(telemetryQueryArgs(100)).toEqual([
      '--query-gpu=index,utilization.gpu,memory.used,power.draw',
      '--format=csv,noheader,nounits',
      '-lms',
      '100',
    ]);
  });
});
