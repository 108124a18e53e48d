// ortfleet's own Prometheus series, named once: the processes record them through Temporal's MetricMeter (so
// they share the SDK's exporter and endpoint), the CLI configures their histogram buckets, and docs/fleet.md
// lists them. Names and labels are a contract with operators' dashboards and alerts.

/** Label values of one series. */
export type MetricTags = Record<string, string>;

export interface MetricCounter {
  add(value: number, tags?: MetricTags): void;
}

export interface MetricHistogram {
  record(value: number, tags?: MetricTags): void;
}

export interface MetricGauge {
  set(value: number, tags?: MetricTags): void;
}

/** The part of Temporal's MetricMeter ortfleet records through; structural, so core needs no Temporal SDK. */
export interface MetricMeter {
  createCounter(name: string, unit?: string, description?: string): MetricCounter;
  createHistogram(name: string, valueType?: 'int' | 'float', unit?: string, description?: string): MetricHistogram;
  createGauge(name: string, valueType?: 'int' | 'float', unit?: string, description?: string): MetricGauge;
}

interface MetricBase {
  name: string;
  help: string;
  /** Label names, each with a small, bounded set of values. */
  labels: readonly string[];
  unit: string;
}

export type MetricDefinition =
  | (MetricBase & { kind: 'counter' })
  | (MetricBase & { kind: 'gauge' })
  | (MetricBase & { kind: 'histogram'; buckets: readonly number[] });

const CELL_LABELS = ['status', 'ep', 'hardware_class'] as const;

/** Every ortfleet series, by the process that exposes it. */
export const METRICS = {
  agentCells: {
    name: 'ortfleet_agent_cells_total',
    kind: 'counter',
    unit: '',
    help: 'Cells this agent finished, by outcome; a crashed attempt that is retried counts as crashed',
    labels: CELL_LABELS,
  },
  agentCellDuration: {
    name: 'ortfleet_agent_cell_duration_seconds',
    kind: 'histogram',
    unit: 's',
    help: 'Wall time a cell held this machine: from the host lock to the outcome (model fetch, session, timed loop, parity, profile)',
    labels: CELL_LABELS,
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
  },
  agentCellRunning: {
    name: 'ortfleet_agent_cell_running',
    kind: 'gauge',
    unit: '',
    help: '1 while this agent is on a cell (waiting for the host lock included), else 0',
    labels: [],
  },
  agentCellPhase: {
    name: 'ortfleet_agent_cell_phase',
    kind: 'gauge',
    unit: '',
    help: '1 for the phase the current cell is in, 0 for the others; all 0 between cells',
    labels: ['phase'],
  },
  agentModelCacheHits: {
    name: 'ortfleet_agent_model_cache_hits_total',
    kind: 'counter',
    unit: '',
    help: 'Model files found ready in the cache (or already verified in place)',
    labels: [],
  },
  agentModelCacheMisses: {
    name: 'ortfleet_agent_model_cache_misses_total',
    kind: 'counter',
    unit: '',
    help: 'Model files that had to be downloaded from the model store or hashed in place',
    labels: [],
  },
  agentModelDownloadBytes: {
    name: 'ortfleet_agent_model_download_bytes_total',
    kind: 'counter',
    unit: 'By',
    help: 'Bytes received from the model store, failed and retried downloads included',
    labels: [],
  },
  workerRunsInFlight: {
    name: 'ortfleet_worker_runs_in_flight',
    kind: 'gauge',
    unit: '',
    help: "Benchmark runs open in the namespace, as Temporal's visibility counts them (refreshed every 10 s)",
    labels: [],
  },
  workerCellResults: {
    name: 'ortfleet_worker_cell_results_total',
    kind: 'counter',
    unit: '',
    help: 'Cell results written to the database, by outcome (unschedulable cells included)',
    labels: CELL_LABELS,
  },
  workerPersistRetries: {
    name: 'ortfleet_worker_persist_retries_total',
    kind: 'counter',
    unit: '',
    help: 'Attempts of the persistResult activity after the first (the database refused or was unreachable)',
    labels: [],
  },
  httpRequests: {
    name: 'ortfleet_http_requests_total',
    kind: 'counter',
    unit: '',
    help: "Requests `ortfleet serve` answered, by method, route pattern ('unmatched' for no route) and status code",
    labels: ['method', 'route', 'status'],
  },
  httpRequestDuration: {
    name: 'ortfleet_http_request_duration_seconds',
    kind: 'histogram',
    unit: 's',
    help: 'Time `ortfleet serve` took to answer a request, by method and route pattern',
    labels: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  },
} as const satisfies Record<string, MetricDefinition>;

/** Histogram bucket bounds by metric name, as Temporal's Prometheus exporter takes them. */
export function histogramBuckets(): Record<string, number[]> {
  return Object.fromEntries(
    Object.values(METRICS)
      .filter(
        (m): m is Extract<(typeof METRICS)[keyof typeof METRICS], { kind: 'histogram' }> => m.kind === 'histogram',
      )
      .map((m) => [m.name, [...m.buckets]]),
  );
}

type Instrument<D extends MetricDefinition> = D extends { kind: 'counter' }
  ? MetricCounter
  : D extends { kind: 'gauge' }
    ? MetricGauge
    : MetricHistogram;

/** Creates one of METRICS on a meter: counters and gauges count whole things, histograms record seconds. */
export function createMetric<D extends MetricDefinition>(meter: MetricMeter, def: D): Instrument<D> {
  switch (def.kind) {
    case 'counter':
      return meter.createCounter(def.name, def.unit, def.help) as Instrument<D>;
    case 'gauge':
      return meter.createGauge(def.name, 'int', def.unit, def.help) as Instrument<D>;
    case 'histogram':
      return meter.createHistogram(def.name, 'float', def.unit, def.help) as Instrument<D>;
  }
}

/** A meter that records nothing: what a process without a metrics endpoint, or a test, records through. */
export const noopMeter: MetricMeter = {
  createCounter: () => ({ add: () => {} }),
  createHistogram: () => ({ record: () => {} }),
  createGauge: () => ({ set: () => {} }),
};
