import { BadInputError } from '@ortfleet/core';

const UNITS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

/** Temporal raises a shorter catch-up window to this. */
const MIN_CATCHUP_MS = 10_000;

/** Parses a catch-up window such as `1h`, `30m` or `1h30m` into milliseconds. */
export function parseCatchupWindow(text: string): number {
  const bad = (why: string) => new BadInputError(`invalid --catchup-window '${text}': ${why}`);
  if (!/^(\d+[dhms])+$/.test(text)) throw bad('expected a duration such as 30m, 1h or 1h30m (units d, h, m, s)');
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([dhms])/g)) ms += Number(n) * UNITS[unit as keyof typeof UNITS];
  if (ms < MIN_CATCHUP_MS) throw bad("Temporal's shortest catch-up window is 10s");
  return ms;
}

/** Writes milliseconds the way parseCatchupWindow reads them: 5400000 → `1h30m`. */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms / 1000) * 1000;
  let text = '';
  for (const [unit, size] of Object.entries(UNITS)) {
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text || '0s';
}
