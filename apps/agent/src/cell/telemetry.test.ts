import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/support/wait';
import { startTelemetry } from './telemetry';

const H100_SAMPLES = join(import.meta.dirname, '..', 'probe', 'fixtures', 'h100-telemetry.txt');
const NO_RAPL = join(tmpdir(), 'ortfleet-no-powercap');

const tempDir = () => mkdtempSync(join(tmpdir(), 'ortfleet-telemetry-'));

/** A powercap tree as Linux lays it out: packages, a subdomain and the MMIO twin linked beside them. */
function fakePowercap(counters: Record<string, [energyUj: number, maxUj: number]>): string {
  const root = tempDir();
  mkdirSync(join(root, 'intel-rapl'));
  for (const [name, [energy, max]] of Object.entries(counters)) {
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, 'energy_uj'), `${energy}\n`);
    writeFileSync(join(root, name, 'max_energy_range_uj'), `${max}\n`);
  }
  return root;
}

const setEnergy = (root: string, domain: string, uj: number) =>
  writeFileSync(join(root, domain, 'energy_uj'), `${uj}\n`);

const cpuUs = () => {
  const { userCPUTime, systemCPUTime } = process.resourceUsage();
  return userCPUTime + systemCPUTime;
};

/** Keeps this thread busy until the process has used `ms` of CPU time, however much the machine is shared. */
function burnCpu(ms: number): void {
  const end = cpuUs() + ms * 1000;
  while (cpuUs() < end);
}

describe('startTelemetry: RAPL', () => {
  const MAX = 262_143_328_850;

  it('sums package counters, ignores subdomains and handles a wrapped counter', async () => {
    const root = fakePowercap({
      'intel-rapl:0': [1_000_000, MAX],
      'intel-rapl:1': [262_140_000_000, MAX],
      'intel-rapl:0:0': [500_000, MAX],
      'intel-rapl-mmio:0': [1_000_000, MAX],
    });
    const telemetry = startTelemetry({ raplRoot: root, nvidiaSmi: null });
    setEnergy(root, 'intel-rapl:0', 6_000_000);
    setEnergy(root, 'intel-rapl:1', 1_671_150); // wrapped: 3_328_850 µJ up to the top, then 1_671_150
    setEnergy(root, 'intel-rapl:0:0', 90_000_000);
    setEnergy(root, 'intel-rapl-mmio:0', 90_000_000);
    const t = await telemetry.stop(100);
    expect(t.cpuEnergyJ).toBeCloseTo(10, 9);
    expect(t.energyPerInferenceJ).toBeCloseTo(0.1, 9);
    expect(t.powerSources).toEqual(['rapl']);
  });

  it('leaves energy undefined when a counter is missing or unreadable, without throwing', async () => {
    const missingAtStart = fakePowercap({ 'intel-rapl:0': [1_000_000, MAX], 'intel-rapl:1': [1_000_000, MAX] });
    rmSync(join(missingAtStart, 'intel-rapl:1', 'max_energy_range_uj'));
    const goneAtStop = fakePowercap({ 'intel-rapl:0': [1_000_000, MAX] });
    // A directory in place of the file fails to read even for root, like a root-only counter for others.
    const unreadable = fakePowercap({ 'intel-rapl:0': [1_000_000, MAX] });
    rmSync(join(unreadable, 'intel-rapl:0', 'energy_uj'));
    mkdirSync(join(unreadable, 'intel-rapl:0', 'energy_uj'));

    const started = [missingAtStart, goneAtStop, unreadable, NO_RAPL].map((raplRoot) =>
      startTelemetry({ raplRoot, nvidiaSmi: null }),
    );
    rmSync(join(goneAtStop, 'intel-rapl:0', 'energy_uj'));
    for (const telemetry of started) {
      const t = await telemetry.stop(100);
      expect(t.cpuEnergyJ).toBeUndefined();
      expect(t.energyPerInferenceJ).toBeUndefined();
      expect(t.powerSources).toEqual([]);
    }
  });
});

describe('startTelemetry: CPU and memory', () => {
  it('sees one busy thread over a real loop', async () => {
    const wallStart = performance.now();
    const cpuStart = cpuUs();
    const telemetry = startTelemetry();
    burnCpu(300);
    const t = await telemetry.stop(1);
    // The share of a core this thread got, measured around the same interval: on a 2-core machine that other
    // test runs share it can be well below 100.
    const share = (cpuUs() - cpuStart) / 10 / (performance.now() - wallStart);
    expect(t.processCpuPercent).toBeGreaterThan(0.9 * share);
    expect(t.processCpuPercent).toBeLessThan(Math.min(1.1 * share, 110));
    expect(t.systemCpuPercent).toBeGreaterThan(0);
    expect(t.systemCpuPercent).toBeLessThanOrEqual(100);
    expect(t.peakRssBytes).toBeGreaterThan(10 * 2 ** 20);
  });
});

describe('startTelemetry: nvidia-smi', () => {
  it('samples a running nvidia-smi and turns its power into energy per item', async () => {
    const dir = tempDir();
    const bin = join(dir, 'nvidia-smi');
    // Prints the recorded H100 samples one every 50 ms, as `-lms 50` would, and counts what it printed.
    writeFileSync(
      bin,
      `#!/bin/sh
echo "$*" > '${dir}/args'
while :; do
  while IFS= read -r line; do
    printf '%s\\n' "$line"
    echo >> '${dir}/printed'
    sleep 0.05
  done < '${H100_SAMPLES}'
done
`,
    );
    chmodSync(bin, 0o755);
    const printed = () => (existsSync(join(dir, 'printed')) ? readFileSync(join(dir, 'printed'), 'utf8').length : 0);

    const outer = performance.now();
    const telemetry = startTelemetry({ raplRoot: NO_RAPL, nvidiaSmi: bin, gpuIntervalMs: 50 });
    const inner = performance.now();
    await waitFor('three samples', () => printed() >= 3, 10_000);
    const innerS = (performance.now() - inner) / 1000;
    const t = await telemetry.stop(10);
    const outerS = (performance.now() - outer) / 1000;

    expect(readFileSync(join(dir, 'args'), 'utf8').trim()).toBe(
      '--query-gpu=index,utilization.gpu,memory.used,power.draw --format=csv,noheader,nounits -lms 50',
    );
    const gpu = t.gpu!;
    expect(gpu.samples).toBeGreaterThanOrEqual(3);
    expect(gpu.utilizationPercentMax).toBeLessThanOrEqual(98);
    expect(gpu.memoryUsedMbMax).toBeLessThanOrEqual(2123);
    expect(gpu.powerWMean).toBeGreaterThanOrEqual(71.38);
    expect(gpu.powerWMean).toBeLessThanOrEqual(415.9);
    expect(t.powerSources).toEqual(['nvidia-smi']);
    expect(t.energyPerInferenceJ).toBeGreaterThanOrEqual((gpu.powerWMean! * innerS) / 10);
    expect(t.energyPerInferenceJ).toBeLessThanOrEqual((gpu.powerWMean! * outerS) / 10);
  });

  it('has no GPU figures without nvidia-smi, or when it cannot start', async () => {
    for (const nvidiaSmi of [null, join(tempDir(), 'nvidia-smi')]) {
      const t = await startTelemetry({ raplRoot: NO_RAPL, nvidiaSmi }).stop(10);
      expect(t.gpu).toBeUndefined();
      expect(t.energyPerInferenceJ).toBeUndefined();
      expect(t.powerSources).toEqual([]);
    }
  });

  it('has no GPU figures when nvidia-smi exits before the loop ends', async () => {
    const dir = tempDir();
    const bin = join(dir, 'nvidia-smi');
    writeFileSync(
      bin,
      `#!/bin/sh
echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."
echo $$ > '${dir}/pid'
exit 9
`,
    );
    chmodSync(bin, 0o755);
    const telemetry = startTelemetry({ raplRoot: NO_RAPL, nvidiaSmi: bin });
    const gone = (pid: number) => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    };
    await waitFor(
      'nvidia-smi to exit',
      () => existsSync(join(dir, 'pid')) && gone(Number(readFileSync(join(dir, 'pid'), 'utf8'))),
      10_000,
    );
    const t = await telemetry.stop(10);
    expect(t.gpu).toBeUndefined();
    expect(t.powerSources).toEqual([]);
  });
});
