import type { EpAvailability, MachineProbe } from '@ortfleet/core';
import { armCoreName, armImplementerName } from './arm-cores';
import { parseCpuinfo, type Cpuinfo } from './cpuinfo';
import { emulatorOf } from './emulation';
import { gpusOf } from './gpus';
import { expectedEps } from './platform-eps';
import type { RawProbe } from './raw-probe';
import { simdOf } from './simd';

/** Vendor, brand and core of the CPU; on native ARM Linux from the MIDR, which systeminformation garbles. */
function cpuIdentity(
  raw: RawProbe,
  cpuinfo: Cpuinfo | null,
  emulator: string | null,
): Pick<MachineProbe['cpu'], 'vendor' | 'brand' | 'core'> {
  const si = raw.si.cpu;
  const reported = { vendor: si.manufacturer || si.vendor, brand: si.brand };
  const arm = cpuinfo?.armCores ?? [];
  if (emulator === 'qemu') return { vendor: 'QEMU', brand: cpuinfo?.modelName ?? 'max' };
  if (emulator || arm.length === 0) return reported;
  const core = arm.map((c) => armCoreName(c.implementer, c.part)).join(' + ');
  return { vendor: armImplementerName(arm[0]!.implementer), brand: core, core };
}

/** Adds, to each EP, the ORT version that probed it and, for one the machine cannot have, the reason. */
function explainEps(eps: EpAvailability[], probe: MachineProbe, raw: RawProbe): EpAvailability[] {
  const expectations = expectedEps(probe, { ortBinaries: raw.onnxruntime.binaries });
  return eps.map((ep) => {
    const reason = ep.available ? undefined : expectations.find((e) => e.name === ep.name && !e.expected)?.reason;
    return {
      ...ep,
      onnxruntimeVersion: ep.onnxruntimeVersion ?? raw.onnxruntime.version,
      ...(reason ? { reason } : {}),
    };
  });
}

/** The machine's fingerprint from its raw facts and the EP probe's results; pure, so recorded probes replay. */
export function fingerprintOf(raw: RawProbe, eps: EpAvailability[]): MachineProbe {
  const cpuinfo = raw.procCpuinfo === null ? null : parseCpuinfo(raw.procCpuinfo);
  const emulator = emulatorOf(raw, cpuinfo);
  const os = raw.si.osInfo;
  // systeminformation's flags come from lscpu, which may run natively beside an emulated process; the
  // process's own /proc/cpuinfo is what it reads.
  const flags = cpuinfo && cpuinfo.flags.length > 0 ? cpuinfo.flags : raw.si.cpuFlags.split(/\s+/).filter(Boolean);
  const probe: MachineProbe = {
    hostname: raw.hostname,
    os: { platform: os.platform, distro: os.distro, release: os.release, kernel: os.kernel, arch: os.arch },
    cpu: {
      ...cpuIdentity(raw, cpuinfo, emulator),
      family: raw.si.cpu.family,
      model: raw.si.cpu.model,
      cores: raw.si.cpu.cores,
      physicalCores: raw.si.cpu.physicalCores,
      flags,
      simd: simdOf(os.arch, flags),
    },
    memoryBytes: raw.si.mem.total,
    gpus: gpusOf(raw),
    ...(raw.nvidiaSmi?.cudaVersion ? { cudaVersion: raw.nvidiaSmi.cudaVersion } : {}),
    onnxruntimeVersion: raw.onnxruntime.version,
    nodeVersion: raw.nodeVersion,
    eps: [],
    ...(emulator ? { emulated: true, emulator } : {}),
  };
  return { ...probe, eps: explainEps(eps, probe, raw) };
}
