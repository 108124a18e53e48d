import { html } from 'hono/html';
import { joined, type Html } from './page-frame';

/** The knobs that tell one configuration of a model from another, as results rows carry them. */
export interface ConfigurationKnobs {
  ep: string;
  precision: string;
  batch: number;
  graphOptimization: string;
  intraOpThreads: number;
  interOpThreads: number;
  executionMode: string;
  memoryPattern: boolean;
  cpuArena: boolean;
  epOptions: Record<string, unknown> | null;
}

/** Header cells matching `configurationCells`. */
export const configurationHead = joined`
  <th>ep</th><th>precision</th><th class="num">batch</th><th>threads</th><th>opt</th><th>mode</th>
`;

/**
 * A configuration's knobs as table cells: EP, precision, batch, intra-op threads, graph optimization,
 * execution mode and the rest.
 */
export function configurationCells(r: ConfigurationKnobs): Html {
  const threads = r.intraOpThreads === 0 ? 'auto' : r.intraOpThreads;
  return joined`
    <td>${r.ep}</td><td>${r.precision}</td><td class="num">${r.batch}</td><td>${threads}</td>
    <td>${r.graphOptimization}</td><td>${modeText(r)}</td>
  `;
}

/** Execution mode and the knobs left off their defaults, in one line. */
export function modeText(r: ConfigurationKnobs): string {
  const interOp = r.interOpThreads === 0 ? 'auto' : r.interOpThreads;
  const parts = [r.executionMode === 'parallel' ? `parallel/${interOp} inter-op` : r.executionMode];
  if (!r.memoryPattern) parts.push('no-mempattern');
  if (!r.cpuArena) parts.push('no-arena');
  if (r.epOptions && Object.keys(r.epOptions).length > 0) parts.push(JSON.stringify(r.epOptions));
  return parts.join(' ');
}

/** Why a result's figure should not be trusted or ranked, as visible flags: failed parity, unstable. */
export function flags(r: {
  status: string;
  valid: boolean;
  unstable: boolean | null;
  parityReason: string | null;
}): Html {
  const parity = r.parityReason ?? 'outputs differ from the fp32 reference';
  const failed = r.status === 'ok' && !r.valid ? html`<span class="flag">parity failed: ${parity}</span> ` : '';
  const unstable = r.unstable
    ? html`<span class="flag warn" title="window medians differ by more than 10%">unstable</span>`
    : '';
  return html`${failed}${unstable}`;
}
