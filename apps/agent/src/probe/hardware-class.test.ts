import { describe, expect, it } from 'vitest';
import type { MachineProbe } from '@ortfleet/core';
import { hardwareClassOf } from './hardware-class';

// A probe as agents stored it before the fingerprint fields existed: the class must not change for it.
const base: MachineProbe = {
  hostname: 'h',
  os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1', arch: 'x64' },
  // As systeminformation reports this repo's CI machine.
  cpu: {
    vendor: 'AMD',
    brand: 'EPYC',
    family: '25',
    model: '17',
    cores: 2,
    physicalCores: 2,
    flags: ['sse4_2', 'avx2', 'avx512f'],
  },
  memoryBytes: 25_276_502_016,
  gpus: [],
  onnxruntimeVersion: '1.30.0',
  nodeVersion: '20.20.2',
  eps: [{ name: 'cpu', available: true }],
};
const h100 = { vendor: 'NVIDIA Corporation', model: 'NVIDIA H100 80GB HBM3', vramMb: 81559, driver: '550.54' };

describe('hardwareClassOf', () => {
  it('names a CPU machine by vendor, family, SIMD tier and cores', () => {
    expect(hardwareClassOf(base)).toBe('amd-epyc-avx512-2c');
    expect(
      hardwareClassOf({
        ...base,
        cpu: {
          ...base.cpu,
          vendor: 'Intel',
          brand: 'Xeon(R) Platinum 8480+',
          flags: ['avx512f', 'amx_tile'],
          physicalCores: 56,
        },
      }),
    ).toBe('intel-xeon-platinum-amx-56c');
  });

  it('takes the tier from the fingerprint’s SIMD list when the probe has one', () => {
    expect(hardwareClassOf({ ...base, cpu: { ...base.cpu, simd: ['avx2'] } })).toBe('amd-epyc-avx2-2c');
  });

  it('names an ARM machine by core, NEON/SVE tier and cores', () => {
    const arm = {
      ...base,
      os: { ...base.os, arch: 'arm64' },
      cpu: { ...base.cpu, vendor: 'ARM', brand: 'Neoverse-N1', flags: ['fp', 'asimd'], physicalCores: 4 },
    };
    expect(hardwareClassOf(arm)).toBe('arm64-neoverse-n1-neon-4c');
    const v2: MachineProbe = {
      ...arm,
      cpu: { ...arm.cpu, brand: 'Neoverse-V2', core: 'Neoverse-V2', simd: ['neon', 'sve', 'sve2'], physicalCores: 96 },
    };
    expect(hardwareClassOf(v2)).toBe('arm64-neoverse-v2-sve2-96c');
  });

  it('names an NVIDIA machine by its GPU and memory, and counts identical GPUs', () => {
    expect(hardwareClassOf({ ...base, gpus: [h100] })).toBe('nvidia-h100-hbm3-80gb');
    expect(hardwareClassOf({ ...base, gpus: [h100, h100] })).toBe('nvidia-h100-hbm3-80gb-x2');
  });

  it('finds the NVIDIA GPU behind an integrated one, and tells GeForce cards apart', () => {
    const igpu = { vendor: 'Intel Corporation', model: 'Intel(R) UHD Graphics 770', vramMb: 1024, driver: null };
    const rtx = (n: number) => ({
      vendor: 'NVIDIA',
      model: `NVIDIA GeForce RTX ${n}`,
      vramMb: 12288,
      driver: '551.86',
    });
    expect(hardwareClassOf({ ...base, gpus: [igpu, rtx(3060)] })).toBe('nvidia-rtx-3060-12gb');
    expect(hardwareClassOf({ ...base, gpus: [rtx(4070)] })).toBe('nvidia-rtx-4070-12gb');
  });

  it('keeps Windows and Intel Macs apart from Linux machines with the same hardware', () => {
    expect(hardwareClassOf({ ...base, os: { ...base.os, platform: 'Windows' }, gpus: [h100] })).toBe(
      'nvidia-h100-hbm3-80gb-win',
    );
    expect(
      hardwareClassOf({
        ...base,
        os: { ...base.os, platform: 'darwin' },
        cpu: { ...base.cpu, vendor: 'Intel', brand: 'Core™ i7-8700B', flags: ['avx2'] },
      }),
    ).toBe('intel-core-i7-avx2-2c-macos');
  });

  it('names an Apple Silicon Mac by its chip', () => {
    const mac = { ...base, os: { ...base.os, platform: 'darwin', arch: 'arm64' } };
    expect(hardwareClassOf({ ...mac, cpu: { ...base.cpu, vendor: 'Apple', brand: 'M2', flags: [] } })).toBe('apple-m2');
    expect(hardwareClassOf({ ...mac, cpu: { ...base.cpu, vendor: 'Apple', brand: 'M3 Max', flags: [] } })).toBe(
      'apple-m3-max',
    );
  });

  it('gives an emulated machine a class of its own, whatever its GPUs', () => {
    const emulated = {
      ...base,
      os: { ...base.os, arch: 'arm64' },
      emulated: true,
      emulator: 'qemu-user',
      gpus: [h100],
    };
    expect(hardwareClassOf(emulated)).toBe('arm64-emulated-amd-epyc-2c');
    expect(
      hardwareClassOf({
        ...emulated,
        emulator: 'qemu',
        cpu: { ...base.cpu, vendor: 'QEMU', brand: 'ARMv8 Processor rev 0 (v8l)' },
      }),
    ).toBe('arm64-emulated-qemu-2c');
  });
});
