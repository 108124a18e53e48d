import type { Cpuinfo } from './cpuinfo';
import { nodePlatform } from './platform';
import type { RawProbe } from './raw-probe';

const X86_VENDORS = /GenuineIntel|AuthenticAMD|HygonGenuine|CentaurHauls|^Intel$|^AMD$/;
const X86_ONLY_FLAGS = ['sse2', 'sse4_2', 'avx', 'avx2', 'lm'];

function seesX86Cpu(raw: RawProbe, cpuinfo: Cpuinfo | null): boolean {
  if (cpuinfo?.vendorId && X86_VENDORS.test(cpuinfo.vendorId)) return true;
  if (cpuinfo?.flags.some((f) => X86_ONLY_FLAGS.includes(f))) return true;
  // lscpu, which systeminformation runs, may be the host's own binary when no binfmt handler is registered.
  return X86_VENDORS.test(raw.si.cpu.vendor) || X86_VENDORS.test(raw.si.cpu.manufacturer);
}

/**
 * Which emulator runs this process, or null when it runs natively:
 * - 'qemu-user': an arm64 process on Linux that sees the x86 host's CPU, in /proc/cpuinfo (qemu-user 7.2
 *   passes the host's file through) or from lscpu when the host's own binary answered;
 * - 'qemu': an ARM /proc/cpuinfo whose implementer is 0x00, "reserved for software use": QEMU's `max` CPU
 *   (newer qemu-user, 10.0 here, writes such a file; qemu-system TCG shows that MIDR);
 * - 'rosetta': an x64 process on an Apple Silicon Mac;
 * - 'prism': an x64 process on Windows on ARM.
 */
export function emulatorOf(raw: RawProbe, cpuinfo: Cpuinfo | null): string | null {
  const platform = nodePlatform(raw.si.osInfo.platform);
  const arch = raw.si.osInfo.arch;
  if (platform === 'linux' && arch === 'arm64') {
    if (seesX86Cpu(raw, cpuinfo)) return 'qemu-user';
    if (cpuinfo?.armCores.some((c) => c.implementer === 0)) return 'qemu';
  }
  if (platform === 'darwin' && arch === 'x64') {
    if (
      raw.rosettaTranslated === true ||
      /apple/i.test(raw.si.cpu.manufacturer) ||
      /^(apple )?m\d/i.test(raw.si.cpu.brand)
    )
      return 'rosetta';
  }
  if (
    platform === 'win32' &&
    arch === 'x64' &&
    /qualcomm|snapdragon/i.test(`${raw.si.cpu.manufacturer} ${raw.si.cpu.brand} ${raw.si.cpu.vendor}`)
  )
    return 'prism';
  return null;
}
