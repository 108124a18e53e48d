/** How figures read on the pages: every formatter gives '' for a missing or non-finite value. */

/** Milliseconds with about three significant digits; empty when unknown. */
export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  return v.toFixed(a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 3 : 4);
}

/** A number with a fixed count of decimals and thousands separators; empty when unknown. */
export function num(v: number | null | undefined, decimals = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A number to three significant digits (errors, scores of any size); empty when unknown. */
export function sig(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/** A share in [0, 1] as a percentage; empty when unknown. */
export function pct(v: number | null | undefined, decimals = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '' : `${(v * 100).toFixed(decimals)}%`;
}

/** Bytes in binary units. */
export function bytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = v;
  while (x >= 1024 && i < units.length - 1) [x, i] = [x / 1024, i + 1];
  return `${x.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** A time in UTC to the second, the same on every viewer's screen. */
export function when(d: Date | string | null | undefined): string {
  if (!d) return '';
  return new Date(d)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}
