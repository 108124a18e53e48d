/**
 * ARM core names from /proc/cpuinfo's `CPU implementer` and `CPU part` (the MIDR_EL1 fields). systeminformation
 * takes lscpu's "Model name" as a brand string and splits the vendor off its first word, so on ARM it reports
 * e.g. manufacturer 'Neoverse-N1' and brand '' — the MIDR is the reliable source.
 */

const IMPLEMENTERS: Record<number, string> = {
  0x00: 'Software', // "reserved for software use": QEMU's `max` CPU
  0x41: 'ARM', // also AWS Graviton and Ampere Altra, which use Arm's Neoverse cores
  0x61: 'Apple',
  0xc0: 'Ampere',
};

const PARTS: Record<number, Record<number, string>> = {
  0x41: {
    0xd03: 'Cortex-A53',
    0xd05: 'Cortex-A55',
    0xd08: 'Cortex-A72', // AWS Graviton (a1), Raspberry Pi 4
    0xd0b: 'Cortex-A76',
    0xd0c: 'Neoverse-N1', // AWS Graviton2, Ampere Altra
    0xd40: 'Neoverse-V1', // AWS Graviton3
    0xd41: 'Cortex-A78',
    0xd49: 'Neoverse-N2',
    0xd4f: 'Neoverse-V2', // AWS Graviton4, NVIDIA Grace
  },
  0xc0: { 0xac3: 'AmpereOne' },
};

/** The vendor that designed the core, e.g. 'ARM' for 0x41; a hex string when unknown. */
export function armImplementerName(implementer: number): string {
  return IMPLEMENTERS[implementer] ?? `0x${implementer.toString(16).padStart(2, '0')}`;
}

/** The core's name, e.g. 'Neoverse-N1'; `<implementer>-0x<part>` when the table does not know it. */
export function armCoreName(implementer: number, part: number): string {
  return PARTS[implementer]?.[part] ?? `${armImplementerName(implementer)}-0x${part.toString(16).padStart(3, '0')}`;
}
