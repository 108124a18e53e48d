/** How figures read in the text ortfleet writes: verdict reasons, comparisons, alerts. */

/** The change a ratio of new to old stands for, signed, to one decimal: 1.052 → '+5.2%', 0.9 → '-10.0%', 1 → '+0.0%'. */
export function formatChange(ratio: number): string {
  const change = (ratio - 1) * 100;
  return `${change >= 0 ? '+' : ''}${change.toFixed(1)}%`;
}

/** A fraction as a percentage with at most two decimals and no trailing zeros: 0.05 → '5%', 0.0125 → '1.25%'. */
export function formatPercent(x: number): string {
  return `${Number((x * 100).toFixed(2))}%`;
}
