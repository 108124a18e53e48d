import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EpAvailability } from '@ortfleet/core';
import { fingerprintOf } from './fingerprint';
import { loadRecordedProbe, RECORDED_PROBES } from './fixtures/load';
import { hardwareClassOf } from './hardware-class';
import { parseCpuinfo } from './cpuinfo';
import { parseGpuQuery } from './nvidia-smi';
import type { RawProbe } from './raw-probe';

const fingerprint = (name: string) => {
  const { raw, eps } = loadRecordedProbe(name);
  return fingerprintOf(raw, eps);
};

interface Expected {
  hardwareClass: string;
  os: { platform: string; arch: string };
  cpu: { vendor: string; brand: string; core?: string; cores: number; physicalCores: number; simd: string[] };
  gpus: { vendor: string; model: string; vramMb: number | null; driver: string | null }[];
  emulator?: string;
  eps: Record<string, true | string>;
}

// `eps`: true for an available EP, else its reason (or 'error' when only ORT's error explains it).
const EXPECTED: Record<string, Expected> = {
  'linux-x64-amd-epyc.json': {
    hardwareClass: 'amd-epyc-avx512-2c',
    os: { platform: 'linux', arch: 'x64' },
    cpu: { vendor: 'AMD', brand: 'EPYC', cores: 2, physicalCores: 2, simd: ['avx2', 'avx512'] },
    gpus: [],
    eps: {
      cpu: true,
      webgpu: 'no GPU with a Vulkan, Metal or Direct3D 12 driver',
      cuda: 'no NVIDIA GPU',
      tensorrt: 'no NVIDIA GPU',
    },
  },
  'linux-x64-nvidia-h100.json': {
    hardwareClass: 'nvidia-h100-hbm3-80gb',
    os: { platform: 'linux', arch: 'x64' },
    cpu: {
      vendor: 'Intel',
      brand: 'Xeon® Platinum 8480+',
      cores: 26,
      physicalCores: 26,
      simd: ['avx2', 'avx512', 'amx'],
    },
    gpus: [{ vendor: 'NVIDIA', model: 'NVIDIA H100 80GB HBM3', vramMb: 81559, driver: '550.54.15' }],
    eps: { cpu: true, webgpu: true, cuda: true, tensorrt: 'error' },
  },
  // Recorded for real by scripts/device/nvidia-check.sh: WebGPU loads through the driver's EGL Vulkan entry.
  'linux-x64-nvidia-h100-recorded.json': {
    hardwareClass: 'nvidia-h100-hbm3-80gb',
    os: { platform: 'linux', arch: 'x64' },
    cpu: { vendor: 'Intel', brand: 'Xeon® Processor', cores: 16, physicalCores: 16, simd: ['avx2', 'avx512', 'amx'] },
    gpus: [{ vendor: 'NVIDIA', model: 'NVIDIA H100 80GB HBM3', vramMb: 81559, driver: '580.159.04' }],
    eps: {
      cpu: true,
      webgpu: true,
      cuda: "libonnxruntime_providers_cuda.so is not installed (onnxruntime-node's install step downloads it; it was skipped or failed)",
      tensorrt:
        "libonnxruntime_providers_tensorrt.so is not installed (onnxruntime-node's install step downloads it; it was skipped or failed)",
    },
  },
  'linux-x64-2x-tesla-t4.json': {
    hardwareClass: 'nvidia-tesla-t4-15gb-x2',
    os: { platform: 'linux', arch: 'x64' },
    cpu: { vendor: 'Intel', brand: 'Xeon® Platinum 8259CL', cores: 16, physicalCores: 8, simd: ['avx2', 'avx512'] },
    gpus: [
      { vendor: 'NVIDIA', model: 'Tesla T4', vramMb: 15360, driver: '535.183.01' },
      { vendor: 'NVIDIA', model: 'Tesla T4', vramMb: 15360, driver: '535.183.01' },
      { vendor: 'Amazon.com, Inc.', model: 'Device 1111', vramMb: 4, driver: null },
    ],
    eps: { cpu: true, webgpu: true, cuda: true, tensorrt: 'error' },
  },
  'linux-x64-intel-sapphire-rapids.json': {
    hardwareClass: 'intel-xeon-platinum-amx-56c',
    os: { platform: 'linux', arch: 'x64' },
    cpu: {
      vendor: 'Intel',
      brand: 'Xeon® Platinum 8480+',
      cores: 112,
      physicalCores: 56,
      simd: ['avx2', 'avx512', 'amx'],
    },
    gpus: [{ vendor: 'ASPEED Technology, Inc.', model: 'ASPEED Graphics Family', vramMb: 64, driver: null }],
    eps: {
      cpu: true,
      webgpu: 'no GPU with a Vulkan, Metal or Direct3D 12 driver',
      cuda: 'no NVIDIA GPU',
      tensorrt: 'no NVIDIA GPU',
    },
  },
  'linux-arm64-graviton2.json': {
    hardwareClass: 'arm64-neoverse-n1-neon-4c',
    os: { platform: 'linux', arch: 'arm64' },
    cpu: { vendor: 'ARM', brand: 'Neoverse-N1', core: 'Neoverse-N1', cores: 4, physicalCores: 4, simd: ['neon'] },
    gpus: [],
    eps: { cpu: true },
  },
  'linux-arm64-graviton3.json': {
    hardwareClass: 'arm64-neoverse-v1-sve-64c',
    os: { platform: 'linux', arch: 'arm64' },
    cpu: {
      vendor: 'ARM',
      brand: 'Neoverse-V1',
      core: 'Neoverse-V1',
      cores: 64,
      physicalCores: 64,
      simd: ['neon', 'sve'],
    },
    gpus: [],
    eps: { cpu: true },
  },
  'linux-arm64-qemu-user-on-amd-epyc.json': {
    hardwareClass: 'arm64-emulated-amd-epyc-2c',
    os: { platform: 'linux', arch: 'arm64' },
    cpu: { vendor: 'AMD', brand: 'EPYC', cores: 2, physicalCores: 2, simd: ['neon'] },
    gpus: [],
    emulator: 'qemu-user',
    eps: { cpu: true },
  },
  'linux-arm64-qemu10-user-on-amd-epyc.json': {
    hardwareClass: 'arm64-emulated-amd-epyc-2c',
    os: { platform: 'linux', arch: 'arm64' },
    // QEMU's `max` CPU offers SVE2 to the emulated process.
    cpu: { vendor: 'AMD', brand: 'EPYC', cores: 2, physicalCores: 2, simd: ['neon', 'sve', 'sve2'] },
    gpus: [],
    emulator: 'qemu-user',
    eps: { cpu: true },
  },
  'darwin-arm64-apple-m2.json': {
    hardwareClass: 'apple-m2',
    os: { platform: 'darwin', arch: 'arm64' },
    cpu: { vendor: 'Apple', brand: 'M2', cores: 8, physicalCores: 8, simd: ['neon'] },
    gpus: [{ vendor: 'Apple', model: 'Apple M2', vramMb: null, driver: null }],
    eps: { cpu: true, webgpu: true, coreml: true },
  },
  'win32-x64-rtx-3060.json': {
    hardwareClass: 'nvidia-rtx-3060-12gb-win',
    os: { platform: 'Windows', arch: 'x64' },
    // Windows gives systeminformation no AVX flags, so no tier can be told.
    cpu: { vendor: 'Intel', brand: 'Core™ i7-12700K', cores: 20, physicalCores: 12, simd: [] },
    gpus: [
      { vendor: 'NVIDIA', model: 'NVIDIA GeForce RTX 3060', vramMb: 12288, driver: '551.86' },
      { vendor: 'Intel Corporation', model: 'Intel(R) UHD Graphics 770', vramMb: 1024, driver: null },
    ],
    eps: { cpu: true, dml: true, webgpu: true },
  },
};

describe('recorded probes', () => {
  it('has an expectation for every fixture, and each says where it came from', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(RECORDED_PROBES);
    for (const name of RECORDED_PROBES)
      expect(loadRecordedProbe(name).raw._source, name).toMatch(/^(Captured|Written by hand, not captured)/);
  });

  it('keep nvidia-smi answers that agree with the nvidia-smi fixtures', () => {
    const gpus = (fixture: string) =>
      parseGpuQuery(readFileSync(join(import.meta.dirname, 'fixtures', fixture), 'utf8'));
    expect(loadRecordedProbe('linux-x64-nvidia-h100.json').raw.nvidiaSmi?.gpus).toEqual(gpus('h100-query-gpu.txt'));
    expect(loadRecordedProbe('linux-x64-2x-tesla-t4.json').raw.nvidiaSmi?.gpus).toEqual(gpus('2gpu-query-gpu.txt'));
  });
});

describe.each(Object.entries(EXPECTED))('fingerprintOf(%s)', (name, expected) => {
  const probe = fingerprint(name);

  it('names the hardware class', () => {
    expect(hardwareClassOf(probe)).toBe(expected.hardwareClass);
  });

  it('describes the CPU, with a normalized SIMD list and the raw flags', () => {
    const { flags, ...cpu } = probe.cpu;
    expect(cpu).toMatchObject({
      vendor: expected.cpu.vendor,
      brand: expected.cpu.brand,
      cores: expected.cpu.cores,
      physicalCores: expected.cpu.physicalCores,
    });
    expect(cpu.core).toBe(expected.cpu.core);
    expect(cpu.simd).toEqual(expected.cpu.simd);
    const { raw } = loadRecordedProbe(name);
    const readFlags = raw.procCpuinfo
      ? parseCpuinfo(raw.procCpuinfo).flags
      : raw.si.cpuFlags.split(' ').filter(Boolean);
    expect(flags).toEqual(readFlags);
  });

  it('describes the OS, memory and GPUs', () => {
    const { raw } = loadRecordedProbe(name);
    expect(probe.os).toMatchObject(expected.os);
    expect(probe.os.kernel).toBe(raw.si.osInfo.kernel);
    expect(probe.memoryBytes).toBe(raw.si.mem.total);
    expect(probe.gpus).toEqual(expected.gpus);
    expect(probe.cudaVersion).toBe(raw.nvidiaSmi?.cudaVersion ?? undefined);
  });

  it('marks emulation', () => {
    expect(probe.emulated).toBe(expected.emulator ? true : undefined);
    expect(probe.emulator).toBe(expected.emulator);
  });

  it('keeps every EP with the ORT version that probed it, and says why the machine cannot have one', () => {
    expect(probe.onnxruntimeVersion).toBe('1.30.0');
    const seen = Object.fromEntries(
      probe.eps.map((ep) => [ep.name, ep.available ? true : (ep.reason ?? (ep.error ? 'error' : 'unexplained'))]),
    );
    expect(seen).toEqual(expected.eps);
    for (const ep of probe.eps) expect(ep.onnxruntimeVersion).toBe('1.30.0');
  });
});

describe('fingerprintOf on machines no fixture covers', () => {
  const modified = (name: string, change: (raw: RawProbe) => void, eps?: EpAvailability[]) => {
    const recorded = loadRecordedProbe(name);
    change(recorded.raw);
    return fingerprintOf(recorded.raw, eps ?? recorded.eps);
  };

  it('sees qemu-user in a container, where lscpu is emulated too and only QEMU’s own cpuinfo shows', () => {
    const probe = modified('linux-arm64-qemu10-user-on-amd-epyc.json', (raw) => {
      raw.si.cpu = {
        ...raw.si.cpu,
        manufacturer: 'ARMv8',
        brand: 'Processor rev 0 (v8l)',
        vendor: '',
        family: '',
        model: '0',
      };
      raw.si.cpuFlags = parseCpuinfo(raw.procCpuinfo!).flags.join(' ');
    });
    expect(probe).toMatchObject({
      emulated: true,
      emulator: 'qemu',
      cpu: { vendor: 'QEMU', brand: 'ARMv8 Processor rev 0 (v8l)' },
    });
    expect(hardwareClassOf(probe)).toBe('arm64-emulated-qemu-2c');
  });

  it('sees Rosetta 2 under an x64 Node on Apple Silicon, whose onnxruntime-node has no binary', () => {
    // The EP probe's child dies requiring the binding, so the agent records the CPU EP as failed.
    const died: EpAvailability = {
      name: 'cpu',
      available: false,
      error: 'EP probe failed: the child exited with code 1',
    };
    const probe = modified(
      'darwin-arm64-apple-m2.json',
      (raw) => {
        raw.si.osInfo.arch = 'x64';
        raw.si.cpuFlags =
          'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clfsh mmx fxsr sse sse2 ss htt sse3 pclmulqdq ssse3 cx16 sse4.1 sse4.2 aes';
        raw.rosettaTranslated = true;
        raw.onnxruntime.binaries = [];
      },
      [died],
    );
    expect(probe).toMatchObject({ emulated: true, emulator: 'rosetta', cpu: { simd: [] } });
    expect(hardwareClassOf(probe)).toBe('x64-emulated-apple-m2-8c-macos');
    expect(probe.eps[0]).toMatchObject({ name: 'cpu', reason: 'onnxruntime-node 1.30 ships no binary for darwin/x64' });
  });

  it('names big.LITTLE cores in the order /proc/cpuinfo lists them', () => {
    const block = (i: number, part: string) =>
      `processor\t: ${i}\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\nCPU part\t: ${part}\n\n`;
    const probe = modified('linux-arm64-graviton2.json', (raw) => {
      raw.procCpuinfo =
        [0, 1, 2, 3].map((i) => block(i, '0xd05')).join('') + [4, 5, 6, 7].map((i) => block(i, '0xd0b')).join('');
      raw.si.cpu = { ...raw.si.cpu, manufacturer: 'Cortex-A55', cores: 8, physicalCores: 8 };
    });
    expect(probe.cpu).toMatchObject({
      vendor: 'ARM',
      brand: 'Cortex-A55 + Cortex-A76',
      core: 'Cortex-A55 + Cortex-A76',
    });
    expect(hardwareClassOf(probe)).toBe('arm64-cortex-a55-cortex-a76-neon-8c');
  });

  it('names an NVIDIA GPU from systeminformation when nvidia-smi did not answer', () => {
    const probe = modified('linux-x64-nvidia-h100.json', (raw) => {
      raw.nvidiaSmi = null;
    });
    expect(probe.gpus).toEqual([
      { vendor: 'NVIDIA Corporation', model: 'NVIDIA H100 80GB HBM3', vramMb: 81559, driver: '550.54.15' },
    ]);
    expect(hardwareClassOf(probe)).toBe('nvidia-h100-hbm3-80gb');
  });
});
