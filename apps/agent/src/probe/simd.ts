import type { MachineProbe } from '@ortfleet/core';

export type Simd = NonNullable<MachineProbe['cpu']['simd']>[number];

const X86_FLAGS: [flag: string, simd: Simd][] = [
  ['avx2', 'avx2'],
  ['avx512f', 'avx512'],
  ['amx_tile', 'amx'],
];

const ARM_FEATURES: [feature: string, simd: Simd][] = [
  ['sve', 'sve'],
  ['sve2', 'sve2'],
];

// Widest first: the tier decides which MLAS kernels ONNX Runtime picks.
const TIERS: Simd[] = ['amx', 'avx512', 'avx2', 'sve2', 'sve', 'neon'];

/**
 * The vector extensions a process of architecture `arch` can use, from the CPU flags it reads. The process's
 * architecture decides which flags count: under qemu-user an arm64 process reads the x86 host's flags, and on
 * Windows on ARM systeminformation maps CPUID-style bits to x86 names; neither gives that process AVX.
 */
export function simdOf(arch: string, flags: string[]): Simd[] {
  const has = new Set(flags);
  if (arch === 'x64' || arch === 'ia32') return X86_FLAGS.filter(([flag]) => has.has(flag)).map(([, simd]) => simd);
  // Advanced SIMD (NEON) is mandatory in AArch64, whatever the flags say (macOS reports none).
  if (arch === 'arm64')
    return ['neon', ...ARM_FEATURES.filter(([feature]) => has.has(feature)).map(([, simd]) => simd)];
  return [];
}

/** The widest extension in `simd`, the one that names a CPU's class. */
export function simdTier(simd: Simd[]): Simd | undefined {
  return TIERS.find((tier) => simd.includes(tier));
}
