import { describe, expect, it } from 'vitest';
import type { MachineProbe } from '@ortfleet/core';
import { hardwareClassOf } from './hardware-class';

const base: MachineProbe = {
  hostname: 'h',
  os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1', arch: 'x64' },
  // As systeminformation reports this repo's CI machine.
  cpu: { vendor: 'AMD', brand: 'EPYC', family: '25', model: '17', cores: 2, physicalCores: 2, flags: ['sse4_2', 'avx2', 'avx512f'] },
  memoryBytes: 25_276_502_016,
  gpus: [],
  onnxruntimeVersion: '1.30.0',
  nodeVersion: '20.20.2',
  eps: [{ name: 'cpu', available: true }],
};

describe('hardwareClassOf', () => {
  it('names a CPU machine by vendor, family, SIMD tier and cores', () => {
    expect(hardwareClassOf(base)).toBe('amd-epyc-avx512-2c');
    expect(hardwareClassOf({ ...base, cpu: { ...base.cpu, vendor: 'Intel', brand: 'Xeon(R) Platinum 8480+', flags: ['avx512f', 'amx_tile'], physicalCores: 56 } })).toBe('intel-xeon-platinum-amx-56c');
  });

  it('names an ARM machine by its NEON/SVE tier', () => {
    const arm = { ...base, os: { ...base.os, arch: 'arm64' }, cpu: { ...base.cpu, vendor: 'ARM', brand: 'Neoverse-N1', flags: ['fp', 'asimd'], physicalCores: 4 } };
    expect(hardwareClassOf(arm)).toBe('arm-neoverse-n1-neon-4c');
  });

  it('names an NVIDIA machine by its GPU and memory', () => {
    const gpu = { ...base, gpus: [{ vendor: 'NVIDIA Corporation', model: 'NVIDIA H100 80GB HBM3', vramMb: 81559, driver: '550.54' }] };
    expect(hardwareClassOf(gpu)).toBe('nvidia-h100-hbm3-80gb');
  });
});
