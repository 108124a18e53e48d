import { describe, expect, it } from 'vitest';
import { armCoreName, armImplementerName } from './arm-cores';
import { parseCpuinfo } from './cpuinfo';
import { loadRecordedProbe } from './fixtures/load';

const cpuinfoOf = (fixture: string) => parseCpuinfo(loadRecordedProbe(fixture).raw.procCpuinfo!);

describe('parseCpuinfo', () => {
  it('reads an x86 file: vendor, brand and flags, not the VMX flags line', () => {
    const spr = cpuinfoOf('linux-x64-intel-sapphire-rapids.json');
    expect(spr).toMatchObject({
      processors: 2,
      vendorId: 'GenuineIntel',
      modelName: 'Intel(R) Xeon(R) Platinum 8480+',
      armCores: [],
    });
    expect(spr.flags).toContain('amx_tile');
    expect(spr.flags).not.toContain('posted_intr');
  });

  it('reads an ARM file: Features and each distinct implementer/part', () => {
    const graviton3 = cpuinfoOf('linux-arm64-graviton3.json');
    expect(graviton3).toMatchObject({
      processors: 64,
      vendorId: undefined,
      modelName: undefined,
      armCores: [{ implementer: 0x41, part: 0xd40 }],
    });
    expect(graviton3.flags).toContain('sve');
  });

  it("reads QEMU's own file and the host's file that older qemu-user passes through", () => {
    expect(cpuinfoOf('linux-arm64-qemu10-user-on-amd-epyc.json')).toMatchObject({
      modelName: 'ARMv8 Processor rev 0 (v8l)',
      armCores: [{ implementer: 0, part: 0x51 }],
    });
    expect(cpuinfoOf('linux-arm64-qemu-user-on-amd-epyc.json')).toMatchObject({
      vendorId: 'AuthenticAMD',
      modelName: 'AMD EPYC',
      armCores: [],
    });
  });

  it('reads nothing from an empty file', () => {
    expect(parseCpuinfo('')).toEqual({
      processors: 0,
      vendorId: undefined,
      modelName: undefined,
      flags: [],
      armCores: [],
    });
  });
});

describe('armCoreName', () => {
  it.each([
    [0x41, 0xd0c, 'Neoverse-N1'],
    [0x41, 0xd40, 'Neoverse-V1'],
    [0x41, 0xd49, 'Neoverse-N2'],
    [0x41, 0xd4f, 'Neoverse-V2'],
    [0x41, 0xd03, 'Cortex-A53'],
    [0x41, 0xd05, 'Cortex-A55'],
    [0x41, 0xd08, 'Cortex-A72'],
    [0x41, 0xd0b, 'Cortex-A76'],
    [0x41, 0xd41, 'Cortex-A78'],
    [0xc0, 0xac3, 'AmpereOne'],
  ])('names implementer %i part %i %s', (implementer, part, name) => {
    expect(armCoreName(implementer, part)).toBe(name);
  });

  it('falls back to the implementer and part number', () => {
    expect(armCoreName(0x61, 0x23)).toBe('Apple-0x023');
    expect(armCoreName(0x51, 0x1)).toBe('0x51-0x001');
    expect([armImplementerName(0x41), armImplementerName(0xc0), armImplementerName(0x0)]).toEqual([
      'ARM',
      'Ampere',
      'Software',
    ]);
  });
});
