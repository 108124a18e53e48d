import { createMetric, METRICS, noopMeter, type CellStatus, type MetricMeter } from '@ortfleet/core';
import type { Phase } from '@ortfleet/contracts';

/** Every phase a cell reports, so that leaving one sets its series back to 0. */
const PHASES: readonly (Phase | 'starting')[] = [
  'waiting-for-host',
  'control',
  'fetching-model',
  'starting',
  'session',
  'first-inference',
  'warmup',
  'timed-loop',
  'load',
  'parity',
  'profile',
];

/** What the model cache reports: how often a model was ready, and what downloading cost. */
export interface ModelCacheMetrics {
  hit(): void;
  miss(): void;
  downloaded(bytes: number): void;
}

/** The agent's series (see METRICS): cells by outcome and duration, the current cell and its phase, the model cache. */
export interface AgentMetrics extends ModelCacheMetrics {
  /** A cell began (before the host lock): running 1, in `phase`. */
  cellStarted(phase: Phase | 'starting'): void;
  cellPhase(phase: Phase | 'starting'): void;
  /** A cell ended; `outcome` absent when it ended without one (cancelled, the host lock gave up). */
  cellEnded(outcome?: { status: CellStatus; ep: string; hardwareClass: string; seconds: number }): void;
}

/** The agent's series on `meter` (a meter that records nothing by default). */
export function agentMetrics(meter: MetricMeter = noopMeter): AgentMetrics {
  const cells = createMetric(meter, METRICS.agentCells);
  const duration = createMetric(meter, METRICS.agentCellDuration);
  const running = createMetric(meter, METRICS.agentCellRunning);
  const phases = createMetric(meter, METRICS.agentCellPhase);
  const hits = createMetric(meter, METRICS.agentModelCacheHits);
  const misses = createMetric(meter, METRICS.agentModelCacheMisses);
  const bytes = createMetric(meter, METRICS.agentModelDownloadBytes);
  let current: Phase | 'starting' | undefined;
  const enter = (phase: Phase | 'starting' | undefined) => {
    if (current !== undefined && current !== phase) phases.set(0, { phase: current });
    if (phase !== undefined) phases.set(1, { phase });
    current = phase;
  };
  // Series exist from the start, so a dashboard shows 0 rather than no data on an idle agent.
  running.set(0);
  for (const phase of PHASES) phases.set(0, { phase });
  for (const counter of [hits, misses, bytes]) counter.add(0);
  return {
    cellStarted(phase) {
      running.set(1);
      enter(phase);
    },
    cellPhase: enter,
    cellEnded(outcome) {
      enter(undefined);
      running.set(0);
      if (!outcome) return;
      const tags = { status: outcome.status, ep: outcome.ep, hardware_class: outcome.hardwareClass };
      cells.add(1, tags);
      duration.record(outcome.seconds, tags);
    },
    hit: () => hits.add(1),
    miss: () => misses.add(1),
    downloaded: (n) => bytes.add(n),
  };
}
