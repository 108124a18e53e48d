import type { MachineProbe } from '@ortfleet/core';
import { nodePlatform } from './platform';
import { simdOf, simdTier } from './simd';

function slug(text: string, words = 2): string {
  return text
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|cpu|processor|@.*$/g, ' ')
    .trim()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .slice(0, words)
    .join('-');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const coresOf = (probe: MachineProbe) => `${probe.cpu.physicalCores || probe.cpu.cores}c`;

/** Probes stored before `cpu.simd` existed get it from their flags, as the class always did. */
const tierOf = (probe: MachineProbe) => simdTier(probe.cpu.simd ?? simdOf(probe.os.arch, probe.cpu.flags));

/** `vendor-brand`, two words each: the x86 naming, which existing databases hold. */
function cpuSlug(probe: MachineProbe): string {
  const vendor = slug(probe.cpu.vendor) || probe.os.arch;
  const brand = slug(probe.cpu.brand.replace(new RegExp(escapeRegExp(probe.cpu.vendor), 'i'), ''));
  return [vendor, brand].filter(Boolean).join('-');
}

/** Linux ids carry no suffix (they predate this); other systems get one, since their EPs differ. */
function osSuffix(osPlatform: string): string {
  const platform = nodePlatform(osPlatform);
  if (platform === 'linux') return '';
  return platform === 'win32' ? '-win' : platform === 'darwin' ? '-macos' : `-${platform}`;
}

/** The first NVIDIA GPU's model and memory, with `-xN` when N identical ones sit in the machine. */
function nvidiaClass(probe: MachineProbe): string | undefined {
  const nvidia = probe.gpus.filter((g) => /nvidia/i.test(g.vendor) && g.vramMb !== 0);
  const first = nvidia[0];
  if (!first) return undefined;
  const mem = first.vramMb ? `-${Math.round(first.vramMb / 1024)}gb` : '';
  const count = nvidia.filter((g) => g.model === first.model && g.vramMb === first.vramMb).length;
  // 'GeForce'/'Quadro' would leave 'geforce-rtx' for every GeForce RTX card.
  return `nvidia-${slug(first.model.replace(/nvidia|geforce|quadro|\d+\s*gb/gi, ''))}${mem}${count > 1 ? `-x${count}` : ''}`;
}

/** `arm64-<core>-<simd tier>-<cores>c`, the core named from the MIDR when the probe has it. */
function armClass(probe: MachineProbe): string {
  const core = slug(probe.cpu.core ?? (probe.cpu.brand || probe.cpu.vendor), 4) || 'unknown';
  return ['arm64', core, tierOf(probe), coresOf(probe)].filter(Boolean).join('-');
}

/**
 * A stable id for machines that should benchmark alike; two machines with the same id share a task queue and
 * a leaderboard row. An emulated machine gets its own (`arm64-emulated-<host cpu>-<cores>c`), so its results
 * never mix with native ones. Otherwise: the NVIDIA GPU if there is one; an Apple Silicon Mac by its chip;
 * arm64 by core, SIMD tier and cores; anything else by CPU vendor and family, SIMD tier and cores.
 */
export function hardwareClassOf(probe: MachineProbe): string {
  const suffix = osSuffix(probe.os.platform);
  if (probe.emulated) {
    const host = probe.emulator === 'qemu' ? 'qemu' : cpuSlug(probe);
    return `${probe.os.arch}-emulated-${host}-${coresOf(probe)}${suffix}`;
  }
  const nvidia = nvidiaClass(probe);
  if (nvidia) return `${nvidia}${suffix}`;
  if (probe.os.platform === 'darwin' && /apple/i.test(probe.cpu.vendor + probe.cpu.brand))
    return `apple-${slug(probe.cpu.brand.replace(/apple/i, ''))}`;
  if (probe.os.arch === 'arm64') return `${armClass(probe)}${suffix}`;
  const parts = [cpuSlug(probe), tierOf(probe), coresOf(probe)].filter(Boolean);
  return `${parts.join('-').replace(/-+/g, '-')}${suffix}`;
}
