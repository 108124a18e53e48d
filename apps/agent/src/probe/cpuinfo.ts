/** What /proc/cpuinfo says about the CPU, whichever architecture wrote it. */
export interface Cpuinfo {
  /** Logical processors listed. */
  processors: number;
  /** x86: `vendor_id` (GenuineIntel, AuthenticAMD). */
  vendorId?: string;
  /** `model name`: the brand on x86; on arm64 only QEMU's emulated file has one ("ARMv8 Processor rev 0 (v8l)"). */
  modelName?: string;
  /** x86 `flags` or ARM `Features`, lower case. */
  flags: string[];
  /** ARM `CPU implementer`/`CPU part` of each distinct core type, in order of appearance (big.LITTLE has several). */
  armCores: { implementer: number; part: number }[];
}

/** Splits /proc/cpuinfo into one key→value map per processor block. */
function blocks(text: string): Map<string, string>[] {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      return fields;
    })
    .filter((fields) => fields.has('processor'));
}

/** Parses the text of /proc/cpuinfo (x86 or ARM layout). */
export function parseCpuinfo(text: string): Cpuinfo {
  const all = blocks(text);
  const first = all[0] ?? new Map<string, string>();
  const armCores: Cpuinfo['armCores'] = [];
  for (const b of all) {
    const implementer = Number.parseInt(b.get('cpu implementer') ?? '', 16);
    const part = Number.parseInt(b.get('cpu part') ?? '', 16);
    if (Number.isNaN(implementer) || Number.isNaN(part)) continue;
    if (!armCores.some((c) => c.implementer === implementer && c.part === part)) armCores.push({ implementer, part });
  }
  const flags = (first.get('flags') ?? first.get('features') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return {
    processors: all.length,
    vendorId: first.get('vendor_id'),
    modelName: first.get('model name'),
    flags,
    armCores,
  };
}
