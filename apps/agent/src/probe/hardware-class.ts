import type { MachineProbe } from '@ortfleet/core';

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|cpu|processor|@.*$/g, ' ')
    .trim()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .slice(0, 2)
    .join('-');
}

/** The widest SIMD extension the CPU reports, the one that decides which ORT kernels run. */
function simdTier(flags: string[]): string | undefined {
  const has = (f: string) => flags.includes(f);
  if (has('amx_tile')) return 'amx';
  if (has('avx512f')) return 'avx512';
  if (has('avx2')) return 'avx2';
  if (has('sve')) return 'sve';
  if (has('asimd') || has('neon')) return 'neon';
  return undefined;
}

/**
 * A stable id for machines that should benchmark alike: the first GPU if there is one, else CPU vendor and
 * family, SIMD tier and core count. Two machines with the same id share a task queue and a leaderboard row.
 */
export function hardwareClassOf(probe: MachineProbe): string {
  const gpu = probe.gpus.find((g) => /nvidia|amd|intel|apple/i.test(g.vendor) && g.vramMb !== 0);
  if (gpu && /nvidia/i.test(gpu.vendor)) {
    const mem = gpu.vramMb ? `-${Math.round(gpu.vramMb / 1024)}gb` : '';
    return `nvidia-${slug(gpu.model.replace(/nvidia|\d+\s*gb/gi, ''))}${mem}`;
  }
  if (probe.os.platform === 'darwin' && /apple/i.test(probe.cpu.vendor + probe.cpu.brand)) return `apple-${slug(probe.cpu.brand.replace(/apple/i, ''))}`;
  const vendor = slug(probe.cpu.vendor) || probe.os.arch;
  const brand = slug(probe.cpu.brand.replace(new RegExp(probe.cpu.vendor, 'i'), ''));
  const parts = [vendor, brand, simdTier(probe.cpu.flags), `${probe.cpu.physicalCores || probe.cpu.cores}c`].filter(Boolean);
  return parts.join('-').replace(/-+/g, '-');
}
